"""Calendar files: parse cleanly, stable UIDs, growing SEQUENCE, cancelled status, Asia/Taipei (W5)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.meetings import services

pytestmark = pytest.mark.one_engine  # read-only pages: SQLite only (tests/conftest.py)


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(cal):
    return [c for c in cal.walk("VEVENT")]


def test_meeting_ics_parses_with_taipei_timezone_location_and_url(client, make):
    meeting = make.meeting(title="宜蘭縣國土計畫公聽會", venue_name="縣政府 302 會議室", venue_address="宜蘭市縣政北路 1 號")
    make.commit()
    cal = parse(client.get(f"/meetings/{meeting.id}.ics"))
    (timezone,) = cal.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Asia/Taipei"
    (event,) = events(cal)
    start = event.decoded("DTSTART")
    assert getattr(start.tzinfo, "key", str(start.tzinfo)) == "Asia/Taipei"
    assert start == meeting.starts_at.astimezone(ZoneInfo("Asia/Taipei"))
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["SUMMARY"]) == "宜蘭縣國土計畫公聽會"
    assert str(event["LOCATION"]) == "縣政府 302 會議室, 宜蘭市縣政北路 1 號"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"TZID=Asia/Taipei" in client.get(f"/meetings/{meeting.id}.ics").data


def test_uid_is_stable_and_sequence_grows_with_every_change_W5(client, make):
    meeting = make.meeting()
    make.commit()
    first = events(parse(client.get(f"/meetings/{meeting.id}.ics")))[0]
    data = make.meeting_data(meeting.organizer, start=meeting.starts_at, title="公聽會（更新場地）")
    services.update_meeting(meeting, data, actor=None, now=make.now(), expected_sequence=meeting.sequence)
    make.commit()
    second = events(parse(client.get(f"/meetings/{meeting.id}.ics")))[0]
    new_start = meeting.starts_at + timedelta(days=7)
    services.postpone_meeting(meeting, starts_at=new_start, ends_at=new_start + timedelta(hours=2), reason="颱風",
                              actor=None, now=make.now())
    make.commit()
    third = events(parse(client.get(f"/meetings/{meeting.id}.ics")))[0]
    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"]) == meeting.uid
    assert first.decoded("SEQUENCE") < second.decoded("SEQUENCE") < third.decoded("SEQUENCE")
    assert third.decoded("DTSTART") == new_start
    assert "颱風" in str(third["DESCRIPTION"])


def test_cancelled_meeting_has_status_cancelled_in_calendars_W5(client, make):
    meeting = make.meeting(status="cancelled", reason="場地無法使用")
    make.commit()
    (event,) = events(parse(client.get(f"/meetings/{meeting.id}.ics")))
    assert str(event["STATUS"]) == "CANCELLED"
    (feed_event,) = events(parse(client.get("/calendar.ics")))
    assert str(feed_event["STATUS"]) == "CANCELLED" and str(feed_event["UID"]) == meeting.uid


def test_feed_filters_by_plan_and_county(client, make):
    taichung = make.organizer(county_code="taichung")
    yilan = make.organizer(county_code="yilan")
    tc_plan, yl_plan = make.plan(taichung), make.plan(yilan)
    tc = make.meeting(taichung, tc_plan, title="臺中會議")
    yl = make.meeting(yilan, yl_plan, title="宜蘭會議")
    make.meeting(yilan, yl_plan, title="宜蘭草稿", status="draft")
    make.commit()

    def uids(query):
        return sorted(str(e["UID"]) for e in events(parse(client.get("/calendar.ics" + query))))

    assert uids("") == sorted([tc.uid, yl.uid])
    assert uids(f"?plan={yl_plan.id}") == [yl.uid]
    assert uids("?county=taichung") == [tc.uid]
    assert uids("?county=penghu") == []


def test_every_uid_in_the_feed_is_unique_and_has_required_properties(client, make):
    org = make.organizer()
    the_plan = make.plan(org)
    for n in range(5):
        make.meeting(org, the_plan, title=f"會議{n}", start=make.now() + timedelta(days=n + 1))
    make.commit()
    found = events(parse(client.get("/calendar.ics")))
    assert len({str(e["UID"]) for e in found}) == 5
    for event in found:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in event


@pytest.mark.parametrize("status, fields", [
    ("published", {"title": "公聽會", "summary": ""}),
    ("cancelled", {"title": "逗號, 分號; 反斜線 \\ 與換行\n第二行", "summary": "說明：第一段\n第二段，含逗號"}),
    ("postponed", {"title": "臺中市國土計畫（草案）第一次通盤檢討" * 4, "venue_name": "市政大樓 201 會議室" * 5,
                   "livestream_url": "https://live.example.tw/" + "a" * 120}),
    ("published", {"kind": "committee", "title": "A" * 73 + "\\;" + "B" * 100, "summary": "^caret\\back"}),
    ("draft", {"start": datetime(202, 5, 1, 2, 6, tzinfo=timezone.utc)}),  # a typo'd year: four digits all the same
])
def test_feed_events_are_byte_for_byte_what_icalendar_writes(app, make, db, status, fields):
    # The feed writes its events directly for speed (app/calendar.py); they must stay identical to
    # the events icalendar builds for the single-meeting file.
    from app.calendar import _event_ical, meeting_event
    meeting = make.meeting(status=status, **fields)
    make.commit()
    db.session.expire_all()
    meeting = db.session.get(type(meeting), meeting.id)  # read back: times come from the database
    url = f"https://portal.example/meetings/{meeting.id}"
    with app.test_request_context():
        fast, reference = _event_ical(meeting, url), meeting_event(meeting, url).to_ical()
    assert fast == reference
    assert Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + fast + b"END:VCALENDAR\r\n")


def test_unknown_parameters_of_the_feed_redirect_to_its_canonical_address(client, make):
    the_plan = make.plan()
    make.commit()
    response = client.get(f"/calendar.ics?plan={the_plan.id}&nocache=1")
    assert response.status_code == 301 and response.headers["Location"] == f"/calendar.ics?plan={the_plan.id}"
    assert client.get(f"/calendar.ics?plan={the_plan.id}").status_code == 200


@pytest.mark.parametrize("query", ["plan=987654", "plan=abc", "county=atlantis", "plan=987654&county=atlantis"])
def test_values_the_feed_cannot_use_redirect_to_the_whole_feed(client, make, query):
    # Otherwise ?plan=<random> would make a new proxy entry and a full feed on every request.
    make.commit()
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 301 and response.headers["Location"] == "/calendar.ics"


def test_an_unchanged_feed_is_a_304(client, make):
    make.meeting(title="公聽會")
    make.commit()
    first = client.get("/calendar.ics")
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
