"""Input at the edges: typo'd years, numbers too large for the database, labels that name their fields.

Each of these used to end in a 500 (or, for labels, an unnamed input); now each gets a specific
message next to the field, a 404, or a page that simply ignores the unusable parameter.
"""
import re
from datetime import timedelta

import pytest

from app.meetings.models import Meeting
from app.plans.models import Plan

from .conftest import count, edit_form, field_error, fresh, local, meeting_form, text_of

YEAR_MESSAGE = "Enter a year between 1912 and 2199."


@pytest.mark.parametrize("starts_at", ["0202-05-01T10:00", "0001-01-01T03:00", "2255-01-01T10:00"])
def test_new_meeting_with_a_typo_in_the_year_is_refused_next_to_the_field(client, counties, sign_in, starts_at):
    sign_in(counties.secretariat_a)
    before = count(Meeting)
    data = meeting_form(counties.plan_a, counties.a, start=counties.start) | {"starts_at": starts_at}
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 400
    assert field_error(response, "starts_at") == YEAR_MESSAGE
    assert count(Meeting) == before


def test_postponing_to_year_one_is_refused_not_a_500(app, client, counties, sign_in):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    response = client.post(f"/staff/meetings/{meeting.id}/postpone", data={
        "starts_at": "0001-01-01T03:00", "ends_at": "0001-01-01T05:00", "reason": "颱風"})
    assert response.status_code == 400
    assert YEAR_MESSAGE in text_of(response)
    assert fresh(meeting).status == "published"


def test_plan_dates_with_an_impossible_year_are_refused(client, counties, sign_in):
    sign_in(counties.planner_a)
    plan = counties.plan_a
    response = client.post(f"/staff/plans/{plan.id}/edit", data={
        "name": plan.name, "name_en": "", "county_code": plan.county_code, "stage": "approval", "summary": "",
        "exhibition_starts_on": "", "exhibition_ends_on": "", "approval_letter_on": "9999-12-31",
        "announced_on": "", "announcement_exhibition_ends_on": ""})
    assert response.status_code == 400
    assert field_error(response, "approval_letter_on") == YEAR_MESSAGE
    assert fresh(plan).approval_letter_on is None


HUGE = "9" * 20


@pytest.mark.parametrize("url, status", [
    (f"/meetings/{HUGE}", 404), (f"/meetings/{2**31}", 404), (f"/meetings/{2**31}.ics", 404),
    (f"/plans/{HUGE}", 404), (f"/meetings?page={HUGE}", 200), (f"/meetings?plan={HUGE}", 200),
    ("/meetings?page=²", 200), (f"/calendar.ics?plan={HUGE}", 301),
])
def test_numbers_too_large_for_the_database_are_a_404_or_ignored(app, client, counties, url, status):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(url).status_code == status


def test_staff_pages_ignore_unusable_page_numbers(app, client, counties, sign_in):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(counties.admin)
    for url in (f"/staff/?page={HUGE}", f"/staff/audit?page={HUGE}", f"/staff/profile?organizer={HUGE}",
                f"/staff/meetings/{HUGE}", f"/staff/materials/{HUGE}/edit"):
        assert client.get(url).status_code in (200, 404), url


def labels_without_their_field(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return [target for target in re.findall(r'<label for="([^"]+)"', html) if target not in ids]


def test_every_label_names_an_existing_field_on_the_staff_forms(client, counties, sign_in, make):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    client.post(f"/staff/meetings/{meeting.id}/cases", data={"title": "第一案"})
    case_id = fresh(meeting).cases[0].id
    for url in (f"/staff/meetings/{meeting.id}", f"/staff/meetings/{meeting.id}/edit", "/staff/meetings/new",
                f"/staff/meetings/{meeting.id}/cases/{case_id}/edit", f"/staff/meetings/{meeting.id}/materials",
                "/staff/profile"):
        html = client.get(url).get_data(as_text=True)
        assert "<label for=" in html, url
        assert labels_without_their_field(html) == [], url
    sign_in(counties.planner_a)
    html = client.get(f"/staff/plans/{counties.plan_a.id}/edit").get_data(as_text=True)
    assert "<label for=" in html and labels_without_their_field(html) == []


def test_the_ministry_files_and_edits_committee_meetings_on_county_plans_P6(client, make, sign_in):
    ministry = make.organizer("moi", name="內政部", county_code=None)
    county = make.organizer("county", name="甲縣政府", county_code="taichung")
    county_plan = make.plan(county, name="甲縣國土計畫")
    secretariat = make.staff("secretariat", ministry)
    make.commit()
    sign_in(secretariat)
    assert "甲縣國土計畫" in text_of(client.get("/staff/meetings/new"))
    start = make.now() + timedelta(days=30)
    response = client.post("/staff/meetings/new", data=meeting_form(county_plan, ministry, start=start,
                                                                     kind="committee", title="審議會第 1 次會議"))
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title="審議會第 1 次會議").one()
    assert (meeting.plan_id, meeting.organizer_id) == (county_plan.id, ministry.id)
    page = text_of(client.get(f"/staff/meetings/{meeting.id}/edit"))
    assert "甲縣國土計畫" in page and 'name="plan_id"' not in page  # the plan is named, not re-chosen
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, title="審議會第 1 次會議（更正）",
                                                                                plan_id=str(county_plan.id)))
    assert response.status_code == 302
    assert fresh(meeting).title == "審議會第 1 次會議（更正）"
    assert db_plan_ids(meeting) == (county_plan.id,)
    assert local(fresh(meeting).starts_at) == local(meeting.starts_at)


def db_plan_ids(meeting) -> tuple:
    return tuple(p.id for p in Plan.query.filter(Plan.id == fresh(meeting).plan_id))


def test_an_admin_filing_a_county_meeting_under_another_countys_plan_is_told_why_P6(client, counties, sign_in):
    sign_in(counties.admin)
    before = count(Meeting)
    data = meeting_form(counties.plan_a, counties.b, start=counties.start, title="乙縣會議掛在甲縣計畫") | {
        "organizer_id": str(counties.b.id)}
    response = client.post("/staff/meetings/new", data=data)
    assert response.status_code == 400
    assert field_error(response, "plan_id") == ("A city or county holds meetings on its own plans only; "
                                                "this plan belongs to another organizer.")
    assert 'value="乙縣會議掛在甲縣計畫"' in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_a_nul_character_in_any_form_is_a_clear_400_not_a_database_error(client):
    response = client.post("/staff/login", data={"email": "a\x00b@example.tw", "password": "x"})
    assert response.status_code == 400
    assert client.get("/meetings?county=tai\x00chung").status_code == 400
