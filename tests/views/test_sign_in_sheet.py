"""The sign-in sheet at the desk (V2, issue 9 item 14), as the secretariat sees it: sections only
when someone is in them, each case's waiting list for filling no-shows with its positions, blank rows
for walk-ins, agency representatives (W3) and committee members, and the meeting's title and date in
every table's head (repeated on each printed page)."""
from html.parser import HTMLParser

from app.meetings.models import SuggestedAttendance
from app.registrations.queries_staff import COMMITTEE_ROWS, SPARE_AGENCY_ROWS, WALK_IN_ROWS

from .test_desk_exports import crowd  # noqa: F401  (the fixture)

COLUMNS = ["No.", "Full name", "Organisation", "Check-in code", "Signature", "Badge no."]


class _Sheet(HTMLParser):
    """The sheet's tables: caption, the running head, column names and each body row's cell texts;
    and the date line under the heading."""

    def __init__(self):
        super().__init__()
        self.tables, self.paragraphs = [], []
        self._cell = self._part = self._row = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "running": [], "columns": [], "rows": []})
        elif tag in ("thead", "tbody", "caption", "p"):
            self._part = tag
            if tag == "p":
                self.paragraphs.append("")
        elif tag == "tr":
            self._row = "running" if ("class", "running-head") in attrs else "columns"
            if self._part == "tbody":
                self._row = "rows"
                self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text, table = " ".join(self._cell.split()), self.tables[-1]
            (table["rows"][-1] if self._row == "rows" else table[self._row]).append(text)
            self._cell = None
        elif tag in ("caption", "p"):
            self._part = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._part == "caption":
            self.tables[-1]["caption"] += data
        elif self._part == "p":
            self.paragraphs[-1] += data


def sheet_of(client, meeting):
    """Fetch the sheet as a signed-in secretary; its tables and the date line under the heading."""
    response = client.get(f"/staff/meetings/{meeting.id}/sign-in-sheet")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # full names: never kept by a browser or proxy
    parser = _Sheet()
    parser.feed(response.get_data(as_text=True))
    for table in parser.tables:
        table["caption"] = " ".join(table["caption"].split())
    when = " ".join(parser.paragraphs[1].split()).rsplit(" · ", 1)[0]  # "date time – end · venue"
    return parser.tables, when


def test_sections_appear_only_when_someone_is_in_them_with_the_waiting_list_in_order_V2(
        client, counties, sign_in, crowd):  # noqa: F811
    meeting, speakers, both, observers = crowd
    sign_in(counties.secretariat_a)
    tables, when = sheet_of(client, meeting)
    assert [t["caption"] for t in tables] == [
        "Speakers: 第1案", "Waiting list for no-shows: 第1案", "Speakers: 第2案",  # case 2 has nobody waiting
        "Observers: gallery", "Observers: overflow room (大禮堂)",
        "Walk-ins (not on the list)", "Agency representatives", "Committee members"]
    waiting = tables[1]["rows"]
    # case 1's speaking places are full: the sixth speaker and the late one wait, in order
    assert [(row[0], row[1], row[3]) for row in waiting] == [
        ("Waiting 1", speakers[5].name, speakers[5].check_in_code), ("Waiting 2", both.name, both.check_in_code)]
    assert [row[1] for row in tables[2]["rows"]] == [both.name]  # who waits on case 1 may speak on case 2
    for table in tables:  # every table's head: the meeting and its date (repeated on each printed page)
        assert table["columns"] == COLUMNS
        assert table["running"] == [f"{meeting.title} · {when}"]


def test_an_empty_meeting_has_only_the_blank_rows_and_agency_rows_follow_the_suggested_attendance_W3(
        client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a)
    make.commit()
    sign_in(counties.secretariat_a)
    tables, _ = sheet_of(client, meeting)
    assert [t["caption"] for t in tables] == ["Walk-ins (not on the list)", "Agency representatives",
                                              "Committee members"]
    counts = [len(t["rows"]) for t in tables]
    assert counts == [WALK_IN_ROWS, SPARE_AGENCY_ROWS, COMMITTEE_ROWS]
    for table in tables:
        assert [row[0] for row in table["rows"]] == [str(n) for n in range(1, len(table["rows"]) + 1)]
        assert all(row[1:] == ["", "", "", "", ""] for row in table["rows"])

    meeting.suggested_attendance.extend([SuggestedAttendance(agency="內政部", unit="國土管理署", seats=2),
                                         SuggestedAttendance(agency="宜蘭縣政府", seats=1)])
    make.commit()
    agency = sheet_of(client, meeting)[0][1]
    assert agency["caption"] == "Agency representatives"
    assert [row[2] for row in agency["rows"]] == ["內政部 國土管理署", "內政部 國土管理署", "宜蘭縣政府"]
    assert all(row[1] == "" and row[4] == "" for row in agency["rows"])


def test_the_print_stylesheet_is_linked_and_no_section_is_empty(client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a)
    make.application(meeting, name="陳大文")
    make.commit()
    sign_in(counties.secretariat_a)
    body = client.get(f"/staff/meetings/{meeting.id}/sign-in-sheet").get_data(as_text=True)
    assert 'href="/static/sign-in-sheet.css?v=' in body
    assert "Nobody." not in body  # an empty section is left out, not printed as a page saying so
    tables, when = sheet_of(client, meeting)
    assert [t["caption"] for t in tables][0] == f"Speakers: {meeting.title}"
    assert when and tables[0]["running"] == [f"{meeting.title} · {when}"]
