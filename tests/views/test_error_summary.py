"""Errors in view (issue 9, item 5): a refused form's page opens at an error summary that lists
every error with a link to its field, on public, private, desk and staff pages alike. Without
JavaScript the summary's autofocus makes the browser open the re-shown page at it and focus it;
static/error-summary.js makes its links focus their fields (tests/e2e/test_staff_meeting_routine.py)."""
import html as htmllib
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.registrations import links

from .conftest import fresh, local

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
SUMMARY = re.compile(r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus[^>]*>(.*?)</div>',
                     re.S)


def summary_links(response) -> dict[str, str]:
    """The error summary's links: field id -> the text that names the field and its problem."""
    body = response.get_data(as_text=True)
    assert body.count('id="error-summary"') == 1, "one error summary on the page"
    found = SUMMARY.search(body)
    assert found, "no error summary"
    return {target: htmllib.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for target, text in re.findall(r'<a href="#([\w-]+)">(.*?)</a>', found.group(1), re.S)}


def summary_tops_its_form(response, action: str) -> bool:
    """Whether the summary comes right before or at the top of the form posting to `action`, and only
    the browser's own autofocus (no script) is needed to open the page at it."""
    body = response.get_data(as_text=True)
    summary, action_at = body.find('id="error-summary"'), body.find(f'action="{action}"')
    form = body.rfind("<form", 0, action_at)
    if summary < 0 or action_at < 0:
        return False
    if summary > form:  # inside the form: no other form opens between
        return "<form" not in body[action_at:summary] and "</form>" not in body[action_at:summary]
    return "<form" not in body[summary:form] and "</form>" not in body[summary:form]


def linked_fields_exist(response, links_: dict):
    body = response.get_data(as_text=True)
    for target in links_:
        assert f'id="{target}"' in body, f"the summary links to #{target}, which is not on the page"


def test_the_public_apply_form_lists_every_error_with_a_link_to_its_field(app, make):
    meeting = make.open_meeting()
    make.commit()
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    url = f"/meetings/{meeting.id}/register"
    response = visitor.post(url, data={"kind": "observe", "name": "", "email": "not-an-address"})
    assert response.status_code == 400
    found = summary_links(response)
    assert {"name", "email", "consent"} <= set(found)
    assert found["name"] == "Full name: Enter your name."  # the field's label, then its problem
    linked_fields_exist(response, found)
    assert summary_tops_its_form(response, url)
    assert '<script src="/static/error-summary.js' in response.get_data(as_text=True)
    assert "error-summary.js" not in visitor.get(url).get_data(as_text=True)  # only a refused form loads it


def test_the_private_page_cancel_form_opens_at_its_error(app, make):
    meeting = make.open_meeting()
    person = make.application(meeting, locale="en")
    make.commit()
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    url = f"/registration/{links.make_token(fresh(person), links.MANAGE)}/cancel"
    response = visitor.post(url, data={})
    assert response.status_code == 400
    found = summary_links(response)
    assert list(found) == ["confirm"] and "Tick the box" in found["confirm"]
    linked_fields_exist(response, found)
    assert summary_tops_its_form(response, url)


def test_a_desk_form_opens_at_its_errors(client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a)
    make.commit()
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications/new"
    response = client.post(url, data={"channel": "", "kind": "observe", "name": ""})
    assert response.status_code == 400
    found = summary_links(response)
    assert {"channel", "name"} <= set(found)
    linked_fields_exist(response, found)
    assert summary_tops_its_form(response, url)


def test_a_staff_form_opens_at_its_errors_with_links(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    url = f"/staff/meetings/{meeting.id}/postpone"
    response = client.post(url, data={"when": "new", "starts_at": "", "ends_at": "", "reason": ""})
    assert response.status_code == 400
    assert summary_links(response) == {"postpone_starts_at": "New start: This field is required.",
                                       "postpone_ends_at": "New end: This field is required.",
                                       "postpone_reason": "Reason (shown publicly): This field is required."}
    start = meeting.starts_at + timedelta(days=3)  # a rule's refusal (W5) is listed the same way
    response = client.post(url, data={"when": "new", "starts_at": local(start), "ends_at": local(start),
                                      "reason": "颱風"})
    assert response.status_code == 400
    found = summary_links(response)
    assert found == {"postpone_ends_at": "New end: The meeting must end after it starts."}
    linked_fields_exist(response, found)
    assert summary_tops_its_form(response, url)


def test_a_refused_part_on_the_manage_page_shows_one_summary_for_its_own_form(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.draft_a
    url = f"/staff/meetings/{meeting.id}/agenda"
    response = client.post(url, data={"starts_at": "", "ends_at": "", "title": ""})
    assert response.status_code == 400
    found = summary_links(response)
    assert set(found) == {"agenda_starts_at", "agenda_ends_at", "agenda_title"}
    linked_fields_exist(response, found)
    body = response.get_data(as_text=True)
    form = re.search(rf'<form method="post" action="{url}".*?</form>', body, re.S).group(0)
    assert 'id="error-summary"' in form  # at the top of the form that was refused


def test_the_chinese_summary_reads_naturally(app, make):
    meeting = make.open_meeting()
    make.commit()
    response = app.test_client().post(f"/meetings/{meeting.id}/register", data={"kind": "observe"})
    assert response.status_code == 400
    body = htmllib.unescape(response.get_data(as_text=True))
    assert "請修正下列事項。資料尚未儲存，您已填寫的內容都會保留。" in body
    assert re.search(r'<a href="#consent">[^<]+：[^<]+</a>', body)  # label：problem, with a full-width colon


FIELD_MACROS = re.compile(r"\{\{ (?:field|text|checkbox|choices)\(")


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_every_form_page_renders_the_shared_error_summary(template):
    """A guard for forms present and future: a page that shows form fields renders the shared summary
    (_macros/forms.html form_errors, which registrations/_fields.html error_summary calls)."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    if template.startswith("_macros/") or template == "registrations/_fields.html" or not FIELD_MACROS.search(text):
        return
    assert "form_errors(" in text or "error_summary(" in text, f"{template} shows fields but no error summary"
