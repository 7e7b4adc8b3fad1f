"""Staff date fields take the ROC year as Taiwan's offices write it, or a Gregorian date, and say
which they expect (issue 9, item 6): the meeting is saved at the same Taipei time either way."""
from datetime import timedelta

from app.meetings.models import Meeting
from app.timefmt import TAIPEI

from .conftest import field_error, meeting_form, on_the_minute


def test_a_meeting_typed_with_roc_years_is_saved_at_the_same_taipei_time(client, make, sign_in):
    org = make.organizer()
    plan, user = make.plan(org), make.staff("secretariat", org)
    make.commit()
    sign_in(user)
    start = on_the_minute(make.now() + timedelta(days=30)).astimezone(TAIPEI)
    end = start + timedelta(hours=3)
    roc = f"{start.year - 1911}/{start:%m/%d %H:%M}"
    response = client.post("/staff/meetings/new", data=meeting_form(
        plan, org, start=start, title="民國年的公聽會") | {"starts_at": roc, "ends_at": end.strftime("%Y-%m-%d %H:%M")})
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title="民國年的公聽會").one()
    assert (meeting.starts_at, meeting.ends_at) == (start, end)
    edit = client.get(f"/staff/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'value="{roc}"' in edit  # shown back with the ROC year
    assert "115/12/09 14:00" in edit and "2026-12-09 14:00" in edit  # the fields say what they expect


def test_a_date_that_cannot_be_read_is_refused_next_to_its_field_and_kept(client, make, sign_in):
    org = make.organizer()
    plan, user = make.plan(org), make.staff("secretariat", org)
    make.commit()
    sign_in(user)
    start = on_the_minute(make.now() + timedelta(days=30))
    response = client.post("/staff/meetings/new", data=meeting_form(plan, org, start=start) | {"starts_at": "下週三早上"})
    assert response.status_code == 400
    assert field_error(response, "starts_at") == ("Enter a date and time like 115/12/09 14:00 (ROC year) "
                                                  "or 2026-12-09 14:00.")
    assert 'value="下週三早上"' in response.get_data(as_text=True)
    assert Meeting.query.count() == 0
