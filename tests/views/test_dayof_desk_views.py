"""The sign-in desk's pages (V2): who may open them, signing in by code as a scanner types it, walk-ins,
undo, passing over, and bad input that gets a clear message and changes nothing (never a 500)."""
import re
from datetime import timedelta

import pytest

from app.dayof.signin_models import SignIn
from app.registrations.models import Application

from .conftest import count, field_error, flashes, fresh, text_of

DESK = "/staff/meetings/{m}/day/desk"


@pytest.fixture
def day(make, counties):
    """County A's two-case meeting, 1 online place per case: a speaker holding it, one waiting, an observer."""
    meeting = make.open_meeting(counties.a, cases=2, speaker_cap=1, departure_reason="測試")
    case = meeting.cases[0]
    base = make.now() - timedelta(minutes=5)  # before anything a test records at the desk now
    holder = make.application(meeting, name="陳大文", organisation="環保聯盟", case_ids=[case.id], at=base)
    waiting = make.application(meeting, name="林小華", phone="0912-111-222", case_ids=[case.id],
                               at=base + timedelta(seconds=1))
    observer = make.application(meeting, "observe", name="張旁聽", at=base + timedelta(seconds=2))
    make.commit()
    return meeting, holder, waiting, observer


def desk_url(meeting, tail=""):
    return DESK.format(m=meeting.id) + tail


def test_planner_gets_403_and_another_county_404_and_nothing_changes(client, counties, sign_in, day):
    meeting, holder, _, _ = day
    pages = [("get", ""), ("post", "/code"), ("get", "/walk-in"), ("post", "/walk-in"), ("get", "/speakers"),
             ("post", f"/people/{holder.id}/sign-in"), ("post", f"/speakers/{holder.requests[0].id}/pass-over")]
    data = {"code": holder.check_in_code, "badge": "1", "kind": "observe", "name": "某人", "phone": "0911000000"}
    for user, status in ((counties.planner_a, 403), (counties.secretariat_b, 404)):
        sign_in(user)
        for method, tail in pages:
            response = getattr(client, method)(desk_url(meeting, tail), data=data)
            assert response.status_code == status, f"{user.role} {method} {tail}"
            assert holder.name not in text_of(response)
    assert count(SignIn) == 0 and count(Application) == 3


def test_anonymous_visitor_is_sent_to_sign_in(client, day):
    meeting, *_ = day
    response = client.get(desk_url(meeting))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_scanned_code_and_enter_sign_in_and_say_where_they_sit_V2(client, counties, sign_in, day):
    meeting, holder, _, _ = day
    sign_in(counties.secretariat_a)
    page = text_of(client.get(desk_url(meeting)))
    assert 'name="code"' in page and "autofocus" in page and 'value="1"' in page  # the next badge offered
    response = client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code.lower(), "badge": "1"},
                           follow_redirects=True)
    told = flashes(response)
    assert "陳大文 is signed in, badge 1." in told
    assert any("speaking place 1" in line for line in told)
    assert count(SignIn, SignIn.application_id == holder.id, SignIn.badge == "1") == 1
    assert 'value="2"' in text_of(response)  # the next badge


def test_unknown_code_is_shown_beside_the_field_keeping_the_input(client, counties, sign_in, day):
    meeting, *_ = day
    sign_in(counties.secretariat_a)
    response = client.post(desk_url(meeting, "/code"), data={"code": "QQQQ-QQQQ", "badge": "4"})
    assert response.status_code == 400
    assert field_error(response, "desk_code") == ("No application has the check-in code QQQQQQQQ. Check the code, "
                                                  "or search by name or phone.")
    assert 'value="QQQQ-QQQQ"' in text_of(response) and count(SignIn) == 0


def test_double_submitted_code_changes_nothing(client, counties, sign_in, day):
    meeting, holder, _, _ = day
    sign_in(counties.secretariat_a)
    client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code, "badge": "1"})
    again = client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code, "badge": "2"})
    assert again.status_code == 400
    assert "陳大文 is already signed in" in field_error(again, "desk_code")
    assert count(SignIn) == 1 and fresh(holder) is not None


def test_someone_of_another_meeting_is_refused(client, counties, sign_in, day, make):
    meeting, *_ = day
    other = make.open_meeting(counties.a)
    stranger = make.application(other, name="別場的人")
    make.commit()
    sign_in(counties.secretariat_a)
    by_code = client.post(desk_url(meeting, "/code"), data={"code": stranger.check_in_code, "badge": ""})
    assert by_code.status_code == 400 and "belongs to another meeting" in field_error(by_code, "desk_code")
    by_row = client.post(desk_url(meeting, f"/people/{stranger.id}/sign-in"), data={"badge": ""},
                         follow_redirects=True)
    assert any("belongs to another meeting" in f for f in flashes(by_row))
    assert count(SignIn) == 0


def test_search_by_phone_then_sign_in_a_waitlisted_person_who_is_told_so(client, counties, sign_in, day):
    meeting, _, waiting, _ = day
    sign_in(counties.secretariat_a)
    found = text_of(client.get(desk_url(meeting), query_string={"q": "0912111222"}))
    assert "林小華" in found and "number 1 on the waiting list" in found and "陳大文" not in found
    response = client.post(desk_url(meeting, f"/people/{waiting.id}/sign-in"), data={"badge": "8"},
                           follow_redirects=True)
    assert "林小華 is signed in, badge 8." in flashes(response)
    assert count(SignIn, SignIn.application_id == waiting.id) == 1


def test_refused_person_is_shown_with_the_reason_and_cannot_be_signed_in(client, counties, sign_in, day):
    meeting, _, waiting, _ = day
    sign_in(counties.secretariat_a)
    client.post(f"/staff/applications/{waiting.id}/reject", data={"reason": "資料不實"})
    found = text_of(client.get(desk_url(meeting), query_string={"q": "林小華"}))
    assert "Not accepted: 資料不實" in found
    response = client.post(desk_url(meeting, f"/people/{waiting.id}/sign-in"), data={"badge": ""},
                           follow_redirects=True)
    assert "林小華's application was not accepted: 資料不實. They cannot be signed in." in flashes(response)
    assert count(SignIn) == 0


def test_undo_from_the_desk_and_a_second_undo_says_so(client, counties, sign_in, day):
    meeting, holder, _, _ = day
    sign_in(counties.secretariat_a)
    client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code, "badge": "1"})
    record = SignIn.query.one()
    first = client.post(desk_url(meeting, f"/sign-ins/{record.id}/undo"), follow_redirects=True)
    assert "陳大文's sign-in is undone." in flashes(first)
    second = client.post(desk_url(meeting, f"/sign-ins/{record.id}/undo"), follow_redirects=True)
    assert second.status_code == 200
    assert "陳大文's sign-in was already undone. Nothing was changed." in flashes(second)
    assert fresh(record).undone_at is not None


def test_walk_in_observer_is_recorded_signed_in_and_told_their_seat_V7(client, counties, sign_in, day):
    meeting, *_ = day
    sign_in(counties.secretariat_a)
    assert client.get(desk_url(meeting, "/walk-in")).status_code == 200
    response = client.post(desk_url(meeting, "/walk-in"), data={"kind": "observe", "name": "路過民眾",
                                                                "phone": "0922333444", "badge": "30"},
                           follow_redirects=True)
    assert "路過民眾 is signed in, badge 30." in flashes(response)
    assert "You have gallery seat 2." in flashes(response), flashes(response)
    walk_in = Application.query.filter_by(name="路過民眾").one()
    assert walk_in.channel == "onsite" and count(SignIn, SignIn.application_id == walk_in.id) == 1


def test_walk_in_without_name_or_contact_is_refused_beside_the_fields(client, counties, sign_in, day):
    meeting, *_ = day
    sign_in(counties.secretariat_a)
    no_name = client.post(desk_url(meeting, "/walk-in"), data={"kind": "observe", "name": "", "phone": "0922"})
    assert no_name.status_code == 400 and field_error(no_name, "walkin_name")
    no_contact = client.post(desk_url(meeting, "/walk-in"), data={"kind": "observe", "name": "無名氏"})
    assert no_contact.status_code == 400
    assert field_error(no_contact, "walkin_phone") == "Give an e-mail address or a phone number."
    assert 'value="無名氏"' in text_of(no_contact) and count(Application) == 3


def test_pass_over_page_names_who_would_get_the_place_and_passing_over_gives_it(client, counties, sign_in, day):
    meeting, holder, waiting, _ = day
    sign_in(counties.secretariat_a)
    client.post(desk_url(meeting, f"/people/{waiting.id}/sign-in"), data={"badge": "2"})
    page = text_of(client.get(desk_url(meeting, "/speakers")))
    assert "The place would go to 林小華 (signed in, waiting)." in page
    confirm = text_of(client.get(desk_url(meeting, f"/speakers/{holder.requests[0].id}/pass-over")))
    assert "Pass over 陳大文 (absent)" in confirm and "林小華, the first person on the waiting list" in confirm
    assert fresh(holder).requests[0].outcome == "allocated"  # asking changes nothing
    response = client.post(desk_url(meeting, f"/speakers/{holder.requests[0].id}/pass-over"), follow_redirects=True)
    assert "陳大文 is passed over." in flashes(response)
    assert "The place goes to 林小華, the first person on the waiting list who is signed in." in flashes(response)
    assert fresh(waiting).requests[0].outcome == "allocated"
    twice = client.post(desk_url(meeting, f"/speakers/{holder.requests[0].id}/pass-over"), follow_redirects=True)
    assert any("no longer holds a speaking place" in f for f in flashes(twice))
    gone = client.get(desk_url(meeting, f"/speakers/{holder.requests[0].id}/pass-over"), follow_redirects=True)
    assert any("no longer holds a speaking place" in f for f in flashes(gone))
    assert client.get(desk_url(meeting, "/speakers/999999/pass-over")).status_code == 404
    missing = client.post(desk_url(meeting, "/speakers/999999/pass-over"), follow_redirects=True)
    assert any("not one of this meeting's" in f for f in flashes(missing))


def test_the_counts_alone_follow_sign_ins_at_other_desks(client, counties, sign_in, day):
    meeting, holder, _, _ = day
    sign_in(counties.secretariat_a)
    assert 'data-counts-url="/staff/meetings/%d/day/desk/counts"' % meeting.id in text_of(client.get(desk_url(meeting)))
    before = client.get(desk_url(meeting, "/counts"))
    assert before.status_code == 200 and before.headers["Cache-Control"] == "no-store"
    client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code, "badge": ""})
    after = text_of(client.get(desk_url(meeting, "/counts")))
    assert "<td>1 / 1</td>" in after and "<td>0 / 1</td>" in text_of(before)
    sign_in(counties.secretariat_b)
    assert client.get(desk_url(meeting, "/counts")).status_code == 404


def test_a_badge_already_handed_out_is_refused_beside_the_badge_keeping_what_was_typed(client, counties, sign_in,
                                                                                        day):
    meeting, holder, waiting, observer = day
    sign_in(counties.secretariat_a)
    client.post(desk_url(meeting, "/code"), data={"code": holder.check_in_code, "badge": "7"})
    by_row = client.post(desk_url(meeting, f"/people/{waiting.id}/sign-in"), data={"badge": "7", "q": "林小華"})
    assert by_row.status_code == 400
    assert "7" in field_error(by_row, f"person{waiting.id}_badge") and "陳大文" in field_error(
        by_row, f"person{waiting.id}_badge")
    assert re.search(rf'id="person{waiting.id}_badge"[^>]*value="7"', text_of(by_row))  # what was typed
    assert "林小華" in text_of(by_row)  # the search results are still shown
    by_code = client.post(desk_url(meeting, "/code"), data={"code": observer.check_in_code, "badge": "7"})
    assert by_code.status_code == 400 and "陳大文" in field_error(by_code, "desk_badge")
    assert observer.check_in_code in text_of(by_code)  # the scanned code is kept
    assert count(SignIn) == 1
