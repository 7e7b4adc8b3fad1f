"""Public pages: home, the filtered list, a meeting, plans; drafts stay invisible (P8, W5, W6)."""
from datetime import timedelta

import pytest

from app.timefmt import TAIPEI

pytestmark = pytest.mark.one_engine  # read-only pages: SQLite only (tests/conftest.py)


@pytest.fixture
def world(make):
    """Two counties' plans with meetings of several kinds, past and future, in every status."""
    taichung = make.organizer("taichung", county_code="taichung")
    yilan = make.organizer("yilan", county_code="yilan", gallery_seats=15)
    tc_plan = make.plan(taichung, name="臺中市國土計畫")
    yl_plan = make.plan(yilan, name="宜蘭縣國土計畫")
    now = make.now()
    w = {
        "tc_hearing": make.meeting(taichung, tc_plan, kind="hearing", title="臺中公聽會", start=now + timedelta(days=3),
                                   directions="捷運市政府站 3 號出口"),
        "tc_symposium": make.meeting(taichung, tc_plan, kind="symposium", phase="initial", title="臺中期初座談會",
                                     start=now + timedelta(days=5)),
        "tc_past": make.meeting(taichung, tc_plan, kind="workshop", title="臺中過去工作坊",
                                start=now - timedelta(days=30)),
        "yl_hearing": make.meeting(yilan, yl_plan, kind="hearing", title="宜蘭公聽會", start=now + timedelta(days=4)),
        "yl_draft": make.meeting(yilan, yl_plan, kind="hearing", title="宜蘭草稿公聽會", status="draft",
                                 start=now + timedelta(days=6)),
        "yl_cancelled": make.meeting(yilan, yl_plan, kind="committee", title="宜蘭取消審議會", status="cancelled",
                                     reason="場地無法使用", start=now + timedelta(days=8)),
        "yl_postponed": make.meeting(yilan, yl_plan, kind="subgroup", title="宜蘭延期專案小組", status="postponed",
                                     reason="颱風停班", start=now + timedelta(days=2)),
        "tc_plan": tc_plan, "yl_plan": yl_plan,
    }
    make.commit()
    return w


def titles(response):
    html = response.get_data(as_text=True)
    return [t for t in ("臺中公聽會", "臺中期初座談會", "臺中過去工作坊", "宜蘭公聽會", "宜蘭草稿公聽會", "宜蘭取消審議會",
                        "宜蘭延期專案小組") if t in html]


def test_home_lists_upcoming_public_meetings_soonest_first(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["臺中公聽會", "臺中期初座談會", "宜蘭公聽會", "宜蘭取消審議會", "宜蘭延期專案小組"]
    html = response.get_data(as_text=True)
    assert html.index("臺中公聽會") < html.index("宜蘭公聽會") < html.index("臺中期初座談會")


@pytest.mark.parametrize("query, expected", [
    ("", ["臺中公聽會", "臺中期初座談會", "宜蘭公聽會", "宜蘭取消審議會", "宜蘭延期專案小組"]),
    ("?county=taichung", ["臺中公聽會", "臺中期初座談會"]),
    ("?county=yilan&kind=hearing", ["宜蘭公聽會"]),
    ("?kind=committee", ["宜蘭取消審議會"]),
    ("?kind=subgroup", ["宜蘭延期專案小組"]),
    ("?kind=symposium", ["臺中期初座談會"]),
    ("?when=past", ["臺中過去工作坊"]),
    ("?when=past&county=yilan", []),
    ("?kind=workshop&when=past", ["臺中過去工作坊"]),
])
def test_meeting_list_filters_make_shareable_links_P8(client, world, query, expected):
    response = client.get("/meetings" + query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_plan_filter_uses_the_plan_id(client, world):
    response = client.get(f"/meetings?plan={world['yl_plan'].id}")
    assert titles(response) == ["宜蘭公聽會", "宜蘭取消審議會", "宜蘭延期專案小組"]


def test_unknown_filter_values_are_ignored_with_a_notice_not_an_error(client, world):
    client.set_cookie("lang", "en")
    response = client.get("/meetings?kind=banquet&county=atlantis&page=zero")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "were not understood and were ignored: county, kind, page" in html
    assert len(titles(response)) == 5


def test_empty_result_says_so_and_offers_to_clear_filters(client, world):
    client.set_cookie("lang", "en")
    html = client.get("/meetings?county=penghu").get_data(as_text=True)
    assert "No meetings match these filters." in html and 'href="/meetings"' in html


def test_list_paginates_20_a_page(client, make):
    org = make.organizer()
    the_plan = make.plan(org)
    start = make.now() + timedelta(days=1)
    for n in range(23):
        make.meeting(org, the_plan, title=f"會議{n:02d}", start=start + timedelta(hours=n * 4))
    make.commit()
    client.set_cookie("lang", "en")
    first = client.get("/meetings").get_data(as_text=True)
    second = client.get("/meetings?page=2").get_data(as_text=True)
    assert first.count('class="card meeting-card') == 20 and "Page 1 of 2" in first and "page=2" in first
    assert second.count('class="card meeting-card') == 3 and "會議22" in second and "會議00" not in second


def test_drafts_are_invisible_to_the_public_P8(client, world):
    draft = world["yl_draft"]
    assert client.get(f"/meetings/{draft.id}").status_code == 404
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    assert "宜蘭草稿公聽會" not in client.get("/calendar.ics").get_data(as_text=True)
    assert "宜蘭草稿公聽會" not in client.get(f"/plans/{world['yl_plan'].id}").get_data(as_text=True)


def test_meeting_page_shows_time_venue_directions_and_registration_window_W1_W6(client, make):
    org = make.organizer()
    start = make.now() + timedelta(days=10)
    meeting = make.meeting(org, title="公聽會（西屯場）", start=start, directions="捷運綠線市政府站",
                           registration_opens_at=start - timedelta(days=11), registration_closes_at=start - timedelta(days=2))
    make.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "公聽會（西屯場）" in html and "捷運綠線市政府站" in html and "大禮堂" in html
    assert "Registration is open" in html
    local = start.astimezone(TAIPEI)
    # Issue 9, item 6: one compact date in English, its Gregorian date and time in a <time> that never breaks
    assert f'<span class="when"><time datetime="{local.isoformat(timespec="minutes")}">' in html
    assert local.strftime("%a %-d %b %Y, %H:%M") in html
    assert f'href="/meetings/{meeting.id}.ics"' in html


def test_cancelled_and_postponed_meetings_say_so_prominently_W5(client, world):
    client.set_cookie("lang", "en")
    cancelled = client.get(f"/meetings/{world['yl_cancelled'].id}").get_data(as_text=True)
    assert 'role="alert"' in cancelled and "This meeting is cancelled" in cancelled and "場地無法使用" in cancelled
    postponed = client.get(f"/meetings/{world['yl_postponed'].id}").get_data(as_text=True)
    assert "This meeting is postponed to a new time" in postponed and "颱風停班" in postponed
    assert "moved from" in postponed  # the history of changes


def test_meeting_page_shows_departures_from_the_profile_with_reason_V3(client, make):
    org = make.organizer()
    meeting = make.meeting(org, speaker_cap=8, departure_reason="陳情案件眾多")
    make.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Online speakers per case: 8 instead of 5. Reason: 陳情案件眾多" in html


def test_meeting_page_lists_agenda_cases_and_suggested_attendance_W2_W3(client, make):
    from app.meetings import agenda
    meeting = make.meeting(kind="committee")
    agenda.add_agenda_item(meeting, starts_at=meeting.starts_at, ends_at=meeting.starts_at + timedelta(minutes=30),
                           title="計畫內容簡報", presenter="都市發展局", actor=None, now=make.now())
    agenda.add_case(meeting, title="第一案：功能分區", summary="", comment_minutes=45, actor=None, now=make.now())
    agenda.add_suggested_attendance(meeting, agency="臺中市政府", unit="農業局", seats=2, subtopics="農業發展地區",
                                    actor=None, now=make.now())
    make.commit()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for text in ("計畫內容簡報", "都市發展局", "第一案：功能分區", "45", "農業局", "農業發展地區"):
        assert text in html


def test_plan_page_shows_stage_timeline_meetings_and_periods_P3_P8(client, make):
    from datetime import date
    org = make.organizer()
    the_plan = make.plan(org, stage="exhibition", exhibition_starts_on=date(2026, 11, 1),
                         exhibition_ends_on=date(2026, 11, 30))
    make.meeting(org, the_plan, title="公聽會甲")
    make.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/plans/{the_plan.id}").get_data(as_text=True)
    assert 'aria-current="step"' in html and "Public exhibition" in html
    assert "2026-11-01" in html and "2026-11-30" in html and "公聽會甲" in html
    assert f"/calendar.ics?plan={the_plan.id}" in html


def test_plan_page_shows_participation_so_far_without_drafts_or_cancelled_meetings_P1_P3_P6(client, make):
    org = make.organizer()
    the_plan = make.plan(org, stage="planning")
    make.meeting(org, the_plan, kind="symposium", phase="initial", title="期初座談會")
    make.meeting(org, the_plan, kind="workshop", phase="middle", status="cancelled", title="期中工作坊（取消）")
    make.meeting(org, the_plan, kind="workshop", phase="final", status="draft", title="期末工作坊（草稿）")
    make.meeting(org, the_plan, kind="committee", title="審議會")
    make.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/plans/{the_plan.id}").get_data(as_text=True)
    section = html[html.index('id="progress-heading"'):html.index('id="plan-meetings-heading"')]
    assert "Initial phase 1 · Middle phase 0 · Final phase 0" in " ".join(section.split())
    assert "Still to come: Middle phase · Final phase" in section  # the cancelled and the draft meeting do not count
    hearing_row = section[section.index("at least one public hearing"):]
    assert "None yet" in hearing_row.split("</tr>")[0]
    deliberation_row = section[section.index("committee and project sub-group"):].split("</tr>")[0]
    assert "<td>1</td>" in deliberation_row


def test_plans_index_lists_every_plan(client, world):
    html = client.get("/plans").get_data(as_text=True)
    assert "臺中市國土計畫" in html and "宜蘭縣國土計畫" in html


@pytest.mark.parametrize("url", ["/meetings/999999", "/meetings/999999.ics", "/plans/999999", "/nowhere",
                                 "/materials/999/x.pdf"])
def test_unknown_ids_are_404_in_the_sites_style(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "site-header" in response.get_data(as_text=True)


def test_language_switch_sets_a_cookie_and_refuses_foreign_redirects(client):
    response = client.get("/language/en?next=/meetings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings")
    assert "lang=en" in response.headers["Set-Cookie"]
    for target in ("//evil.example/", "https://evil.example/x"):
        response = client.get(f"/language/en?next={target}")
        assert "evil.example" not in response.headers["Location"]


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
