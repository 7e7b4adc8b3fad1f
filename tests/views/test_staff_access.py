"""Staff pages: who may see and change what, per role and organizer; 404 and 405 pages in the site's style."""
import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from app.audit import AuditEntry
from app.materials.models import Material
from app.meetings.models import AgendaItem, Meeting, MeetingStatusChange

from .conftest import SITE_NAME, count, fresh, meeting_form, text_of

OTHER_ORGANIZERS_DRAFT = [
    ("get", "/staff/meetings/{id}"),
    ("get", "/staff/meetings/{id}/edit"),
    ("post", "/staff/meetings/{id}/edit"),
    ("post", "/staff/meetings/{id}/publish"),
    ("post", "/staff/meetings/{id}/cancel"),
    ("post", "/staff/meetings/{id}/postpone"),
    ("post", "/staff/meetings/{id}/agenda"),
    ("post", "/staff/meetings/{id}/cases"),
    ("get", "/staff/meetings/{id}/materials"),
    ("post", "/staff/meetings/{id}/materials"),
]


def assert_not_found_page(response, what=""):
    assert response.status_code == 404, what
    body = text_of(response)
    assert SITE_NAME in body and "Page not found" in body, what


def test_another_organizers_draft_meeting_is_404_for_secretariat(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft_b = counties.draft_b
    for method, url in OTHER_ORGANIZERS_DRAFT:
        response = getattr(client, method)(url.format(id=draft_b.id), data={"title": "x", "reason": "x"})
        assert_not_found_page(response, f"{method} {url}")
        assert "乙縣草稿座談會" not in text_of(response)  # a draft's existence and title stay private
    draft_b = fresh(draft_b)
    assert (draft_b.status, draft_b.sequence) == ("draft", 0)
    assert count(Material) == 0 and count(AgendaItem) == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizers_plan_edit_is_404(client, counties, sign_in, method):
    sign_in(counties.secretariat_a)
    response = getattr(client, method)(f"/staff/plans/{counties.plan_b.id}/edit", data={"name": "改名"})
    assert_not_found_page(response)
    assert fresh(counties.plan_b).name == "乙縣國土計畫"


def test_planner_gets_404_on_another_organizers_plan(client, counties, sign_in):
    sign_in(counties.planner_a)
    for url in ("/staff/plans/{id}/materials", "/staff/plans/{id}/edit"):
        assert_not_found_page(client.get(url.format(id=counties.plan_b.id)), url)


def test_another_organizers_material_cannot_be_deleted(client, db, make, counties, sign_in):
    material = Material(meeting_id=counties.published_b.id, title="乙縣簡報", category="briefing",
                        link_url="https://example.tw/b.pdf")
    db.session.add(material)
    make.commit()
    sign_in(counties.secretariat_a)
    assert_not_found_page(client.post(f"/staff/materials/{material.id}/delete"))
    assert count(Material) == 1


def test_another_organizers_agenda_item_cannot_be_deleted_through_own_meeting(client, db, make, counties, sign_in):
    item = AgendaItem(meeting_id=counties.published_b.id, starts_at=counties.published_b.starts_at,
                      ends_at=counties.published_b.ends_at, title="乙縣簡報")
    db.session.add(item)
    make.commit()
    sign_in(counties.secretariat_a)
    # Through B's meeting: B's existence is private; through A's own meeting: the item is not A's.
    assert_not_found_page(client.post(f"/staff/meetings/{counties.published_b.id}/agenda/{item.id}/delete"))
    assert_not_found_page(client.post(f"/staff/meetings/{counties.published_a.id}/agenda/{item.id}/delete"))
    assert count(AgendaItem) == 1


PLANNER_MAY_NOT = [
    ("/staff/meetings/{id}/publish", {}),
    ("/staff/meetings/{id}/edit", {"title": "規劃師改的標題"}),
    ("/staff/meetings/{id}/cancel", {"reason": "規劃師取消"}),
    ("/staff/meetings/{id}/postpone", {"reason": "規劃師延期"}),
    ("/staff/meetings/{id}/agenda", {"starts_at": "10:00", "ends_at": "10:30", "title": "報告"}),
    ("/staff/meetings/{id}/cases", {"title": "案件"}),
    ("/staff/meetings/{id}/attendance", {"agency": "機關", "seats": "1"}),
]


def test_planner_gets_403_on_changing_own_organizers_meeting(client, counties, sign_in):
    sign_in(counties.planner_a)
    for url, data in PLANNER_MAY_NOT:
        response = client.post(url.format(id=counties.draft_a.id), data=data)
        assert response.status_code == 403, url
        body = text_of(response)
        assert SITE_NAME in body and "Your account does not have permission" in body
    draft = fresh(counties.draft_a)
    assert (draft.status, draft.title, draft.sequence) == ("draft", "甲縣草稿座談會", 0)
    assert count(MeetingStatusChange, MeetingStatusChange.meeting_id == draft.id) == 0
    assert count(AgendaItem) == 0


def test_planner_gets_403_on_the_edit_form_and_new_meeting(client, counties, sign_in):
    sign_in(counties.planner_a)
    assert client.get(f"/staff/meetings/{counties.draft_a.id}/edit").status_code == 403
    assert client.get("/staff/meetings/new").status_code == 403


def test_planner_can_read_own_organizers_draft_but_sees_no_actions(client, counties, sign_in):
    sign_in(counties.planner_a)
    response = client.get(f"/staff/meetings/{counties.draft_a.id}")
    assert response.status_code == 200
    body = text_of(response)
    assert "甲縣草稿座談會" in body
    assert "Your role may read this meeting but not change it" in body
    assert f"/staff/meetings/{counties.draft_a.id}/publish" not in body
    assert f"/staff/meetings/{counties.draft_a.id}/edit" not in body


def test_planner_may_attach_material_to_own_organizers_meeting(client, counties, sign_in):
    sign_in(counties.planner_a)
    response = client.post(f"/staff/meetings/{counties.draft_a.id}/materials",
                           data={"title": "簡報", "category": "briefing", "link_url": "https://example.tw/a.pdf"})
    assert response.status_code == 302
    assert count(Material, Material.meeting_id == counties.draft_a.id) == 1


def test_admin_sees_every_organizers_meetings_and_drafts(client, counties, sign_in):
    sign_in(counties.admin)
    body = text_of(client.get("/staff/"))
    for title in ("甲縣草稿座談會", "甲縣公開公聽會", "乙縣草稿座談會", "乙縣公開公聽會"):
        assert title in body
    assert client.get(f"/staff/meetings/{counties.draft_b.id}").status_code == 200
    assert client.get(f"/staff/meetings/{counties.draft_b.id}/edit").status_code == 200
    assert client.get(f"/staff/plans/{counties.plan_b.id}/edit").status_code == 200


def test_admin_may_publish_another_organizers_draft(client, counties, sign_in):
    sign_in(counties.admin)
    assert client.post(f"/staff/meetings/{counties.draft_b.id}/publish", data={"publish_anyway": "yes"}).status_code == 302
    assert fresh(counties.draft_b).status == "published"


def test_dashboard_lists_only_own_organizers_meetings_drafts_included(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = client.get("/staff/")
    assert response.status_code == 200
    body = text_of(response)
    assert "甲縣草稿座談會" in body and "甲縣公開公聽會" in body
    assert "乙縣草稿座談會" not in body and "乙縣公開公聽會" not in body
    drafts = text_of(client.get("/staff/?status=draft"))
    assert "甲縣草稿座談會" in drafts and "甲縣公開公聽會" not in drafts


def test_plan_list_and_audit_log_show_only_own_organizer(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    plans = text_of(client.get("/staff/plans/"))
    assert "甲縣國土計畫" in plans and "乙縣國土計畫" not in plans
    audit = client.get("/staff/audit")
    assert audit.status_code == 200
    own = count(AuditEntry, AuditEntry.organizer_id == counties.a.id)
    assert len(re.findall(r"The meeting “[^”]+” was created", text_of(audit))) == count(
        AuditEntry, AuditEntry.organizer_id == counties.a.id, AuditEntry.action == "meeting.created")
    assert own > 0
    # Details are shown as text people read (the titles, not JSON escapes), and only one's own.
    assert "甲縣草稿座談會" in text_of(audit) and "乙縣草稿座談會" not in text_of(audit)
    assert "\\u" not in text_of(audit) and "meeting.created" not in text_of(audit)


def test_new_meeting_cannot_be_filed_under_another_organizers_plan(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    form_page = text_of(client.get("/staff/meetings/new"))
    assert "乙縣國土計畫" not in form_page
    before = count(Meeting)
    response = client.post("/staff/meetings/new", data=meeting_form(counties.plan_b, counties.a, start=counties.start,
                                                                    title="甲縣掛在乙縣計畫下的會議"))
    assert response.status_code == 400
    assert count(Meeting) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, counties):
    for url in ("/staff/", "/staff/meetings/new", "/staff/meetings/{id}", "/staff/meetings/{id}/edit",
                "/staff/meetings/{id}/materials", "/staff/plans/", "/staff/plans/new", "/staff/profile",
                "/staff/audit"):
        url = url.format(id=counties.draft_a.id)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/staff/login?next=" + quote(url, safe=""), url


def test_anonymous_posts_change_nothing_and_are_sent_to_sign_in(client, counties):
    for url in ("/staff/meetings/{id}/publish", "/staff/meetings/{id}/cancel", "/staff/meetings/{id}/materials",
                "/staff/meetings/{id}/agenda", "/staff/profile", "/staff/logout"):
        response = client.post(url.format(id=counties.draft_a.id), data={"reason": "匿名", "title": "匿名"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login"), url
    assert fresh(counties.draft_a).status == "draft"
    assert count(Material) == 0 and count(AgendaItem) == 0
    assert count(AuditEntry, AuditEntry.action == "meeting.published") == 2  # only the factories' two


UNKNOWN = [
    ("get", "/staff/meetings/999999"),
    ("get", "/staff/meetings/999999/edit"),
    ("post", "/staff/meetings/999999/publish"),
    ("post", "/staff/meetings/999999/postpone"),
    ("post", "/staff/meetings/999999/cancel"),
    ("post", "/staff/meetings/999999/agenda"),
    ("post", "/staff/meetings/{id}/agenda/999999/delete"),
    ("post", "/staff/meetings/{id}/cases/999999/delete"),
    ("post", "/staff/meetings/{id}/attendance/999999/delete"),
    ("get", "/staff/meetings/999999/materials"),
    ("get", "/staff/plans/999999/materials"),
    ("get", "/staff/things/1/materials"),
    ("post", "/staff/materials/999999/delete"),
    ("get", "/staff/plans/999999/edit"),
    ("get", "/staff/no-such-page"),
    ("get", "/materials/999999/x.pdf"),
    ("get", "/meetings/999999"),
    ("get", "/plans/999999"),
]


def test_unknown_ids_are_404_in_the_sites_style_never_500(client, counties, sign_in):
    sign_in(counties.admin)
    for method, url in UNKNOWN:
        assert_not_found_page(getattr(client, method)(url.format(id=counties.draft_a.id)), f"{method} {url}")


WRONG_METHOD = [
    ("post", "/staff/"),
    ("get", "/staff/logout"),
    ("get", "/staff/meetings/{id}/publish"),
    ("get", "/staff/meetings/{id}/cancel"),
    ("get", "/staff/materials/1/delete"),
    ("put", "/staff/meetings/{id}/edit"),
    ("post", "/staff/audit"),
]


def test_wrong_method_gets_the_405_page(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    for method, url in WRONG_METHOD:
        response = getattr(client, method)(url.format(id=counties.draft_a.id))
        assert response.status_code == 405, f"{method} {url}"
        body = text_of(response)
        assert SITE_NAME in body and "This address does not accept that kind of request." in body
    assert fresh(counties.draft_a).status == "draft"


def test_dashboard_is_paginated_and_keeps_its_status_filter(client, counties, sign_in, make, monkeypatch):
    from app.meetings import views_staff
    monkeypatch.setattr(views_staff, "DASHBOARD_PAGE_SIZE", 2)
    for number in range(3):
        make.meeting(counties.a, counties.plan_a, status="draft", title=f"甲縣分頁草稿{number}",
                     start=counties.start + timedelta(days=number))
    make.commit()
    sign_in(counties.secretariat_a)
    first = client.get("/staff/?status=draft")
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and "4 meetings found." in text_of(first)  # 3 new drafts and draft_a
    assert 'href="/staff/?status=draft&amp;page=2"' in body
    second = text_of(client.get("/staff/?status=draft&page=2"))
    titles = {f"甲縣分頁草稿{n}" for n in range(3)} | {"甲縣草稿座談會"}
    shown = {t for t in titles if t in body} | {t for t in titles if t in second}
    assert shown == titles and not any(t in body and t in second for t in titles)
    assert "甲縣公開公聽會" not in body + second


def test_an_empty_filtered_dashboard_offers_every_meeting_not_a_first_one(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    body = text_of(client.get("/staff/?status=cancelled"))
    assert "No meetings here." in body and "Create the first one" not in body


def test_only_admins_see_and_open_the_staff_accounts_pages(client, counties, sign_in):
    sign_in(counties.admin)
    assert 'href="/staff/accounts/"' in text_of(client.get("/staff/"))
    assert client.get("/staff/accounts/").status_code == 200
    for user in (counties.secretariat_a, counties.planner_a):
        sign_in(user)
        body = text_of(client.get("/staff/"))
        assert 'href="/staff/accounts/"' not in body and 'href="/staff/security/sessions"' in body
        response = client.get("/staff/accounts/")
        assert response.status_code == 403 and "Your account does not have permission" in text_of(response)
