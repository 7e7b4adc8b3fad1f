"""Issue 9, item 13: the dashboard lists upcoming meetings first, with applications, places, waiting list and
pending claims for each, counted in a fixed number of statements."""
import re

from tests.views.test_public_freshness import statements

from .conftest import text_of


def upcoming_rows(body: str) -> dict[str, list[str]]:
    """The upcoming table's rows: meeting title → its cells, tags stripped."""
    section = re.search(r'<section aria-labelledby="upcoming-heading".*?</section>', body, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        rows[cells[1]] = cells
    return rows


def test_upcoming_meetings_come_first_with_their_counts(client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a, cases=1, title="甲縣近期公聽會", speaker_cap=1)
    make.commit()
    case_ids = [meeting.cases[0].id]
    make.application(meeting, name="甲", case_ids=case_ids)
    make.application(meeting, name="乙", case_ids=case_ids, party_concerned=True, party_statement="住在附近")
    make.application(meeting, "observe", name="丙")
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get("/staff/"))
    assert body.index('id="upcoming-heading"') < body.index('aria-label="Filter by status"')
    rows = upcoming_rows(body)
    assert list(rows)[0] == "甲縣近期公聽會"  # the soonest first
    cells = rows["甲縣近期公聽會"]
    total = meeting.speaker_cap + meeting.representative_cap
    assert cells[3:] == ["3", f"1 of {total}", "1", "1"], cells  # applications, places held of all, waiting, claims
    assert "甲縣草稿座談會" in rows and "乙縣公開公聽會" not in rows  # own organizer's, drafts included
    titles = list(rows)
    assert titles == sorted(titles, key=lambda t: body.index(t))


def test_dashboard_counts_take_the_same_statements_for_one_or_many_meetings(client, make, counties, sign_in):
    sign_in(counties.secretariat_a)
    client.get("/staff/")
    with statements() as few:
        client.get("/staff/")
    for n in range(4):
        m = make.open_meeting(counties.a, cases=2, title=f"會議{n}")
        make.commit()
        make.application(m, name=f"人{n}", case_ids=[m.cases[0].id])
    make.commit()
    with statements() as many:
        body = text_of(client.get("/staff/"))
    assert len(upcoming_rows(body)) == 6
    assert len(many) == len(few), (len(few), len(many))
