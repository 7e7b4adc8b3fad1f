"""Issue 9, item 13: the desk at a glance — status words that do not wrap, the applications list first."""
import re
from pathlib import Path

import pytest

from .conftest import text_of

CSS = Path(__file__).resolve().parents[2] / "app" / "static" / "site.css"


@pytest.fixture
def meeting(make, counties):
    m = make.open_meeting(counties.a, cases=1)
    make.commit()
    make.application(m, name="王小明", case_ids=[m.cases[0].id])
    make.commit()
    return m


def nowrap_selectors() -> set[str]:
    """The selectors site.css gives `white-space: nowrap`."""
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S))
    return {sel.strip() for sels, body in rules if re.search(r"white-space:\s*nowrap", body) for sel in sels.split(",")}


def test_status_words_are_pills_that_do_not_wrap(client, counties, sign_in, meeting):
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>王小明</a>.*?</tr>", body, re.S).group(0)
    pills = re.findall(r'<span class="badge status-word">([^<]+)</span>', row)
    assert len(pills) == 1 and pills[0].strip(), row
    assert {".badge", ".status-word"} <= nowrap_selectors()
    status_page = text_of(client.get("/staff/"))
    assert re.search(r'<span class="badge badge-published">', status_page)  # meeting status pills: .badge too


def test_applications_list_comes_first_and_the_cap_form_is_folded(client, counties, sign_in, meeting):
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    order = [body.index(f'id="{h}-heading"') for h in ("list", "summary", "caps")]
    assert order == sorted(order)  # the list, then places, then the number of places
    folded = re.search(r"<details( open)?>\s*<summary><h2 id=\"caps-heading\">.*?</details>", body, re.S)
    assert folded and folded.group(1) is None and 'action="/staff/meetings/' in folded.group(0)


def test_a_refused_cap_change_shows_the_form_unfolded(client, counties, sign_in, meeting):
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/caps", data={"speaker_cap": "999", "reason": ""})
    assert response.status_code in (400, 422)
    assert re.search(r"<details open>\s*<summary><h2 id=\"caps-heading\">", text_of(response))
