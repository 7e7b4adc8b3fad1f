"""The desk's list of applications: summary counts (V3, V4, V6, V7), filters, search, pagination, empty state."""
import re
from datetime import timedelta

import pytest

from app.registrations import desk as desk_services
from app.registrations import views_staff

from .conftest import text_of


@pytest.fixture
def meeting(make, counties):
    """County A's open meeting with two cases."""
    m = make.open_meeting(counties.a, cases=2)
    make.commit()
    return m


def listed(response) -> list[str]:
    """The names in the list's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/staff/applications/\d+">(.*?)</a>', response.get_data(as_text=True))


def test_empty_desk_says_how_applications_arrive(client, counties, sign_in, meeting):
    sign_in(counties.secretariat_a)
    response = client.get(f"/staff/meetings/{meeting.id}/applications")
    assert response.status_code == 200
    body = text_of(response)
    assert "No applications yet." in body
    assert "0 of 5" in body and "0 of 20 seats" in body


def test_summary_counts_places_per_case_and_pool_V3_V4_V7(client, make, counties, sign_in, meeting):
    case1, case2 = meeting.cases
    base = make.now()
    for i in range(6):
        make.application(meeting, case_ids=[case1.id], at=base + timedelta(seconds=i))
    make.application(meeting, case_ids=[case2.id], party_concerned=True, party_statement="住在附近",
                     at=base + timedelta(seconds=10))
    for i in range(3):
        make.application(meeting, "observe", at=base + timedelta(seconds=20 + i))
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td><td>(\d+)</td></tr>', body)
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("第1案", "5 of 5", "1"), ("第1案", "0 of 5", "0"), ("第2案", "1 of 5", "0"), ("第2案", "0 of 5", "0")]
    assert "3 of 20 seats" in body
    assert re.search(r"awaiting a decision</dt><dd><a [^>]*claim=pending[^>]*>1</a>", body)


def test_summary_counts_representatives_per_shared_interest_V4(client, make, counties, sign_in, meeting):
    case1, _case2 = meeting.cases
    for n, interest in enumerate(["海埔地地主自救會"] * 6 + ["蘭陽農田水利小組"]):
        desk_services.record_other_channel(meeting, make.application_data(channel="paper", interest_group=interest,
                                                                          case_ids=[case1.id]),
                                           actor=None, now=make.now() + timedelta(seconds=n))
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td><td>(\d+)</td></tr>', body)
    assert [(r[0], r[1].split(" · ")[-1], r[2], r[3]) for r in rows if " · " in r[1]] == [
        ("第1案", "海埔地地主自救會", "5 of 5", "1"), ("第1案", "蘭陽農田水利小組", "1 of 5", "0")]


def test_filters_by_kind_status_place_case_and_pending_claim(client, make, counties, sign_in, meeting):
    case1, case2 = meeting.cases
    base = make.now()
    speakers = [make.application(meeting, case_ids=[case1.id], name=f"講者{i}", at=base + timedelta(seconds=i))
                for i in range(6)]
    claimant = make.application(meeting, case_ids=[case2.id], name="關係人", party_concerned=True,
                                party_statement="地主", at=base + timedelta(seconds=7))
    make.application(meeting, "observe", name="旁聽者", at=base + timedelta(seconds=8))
    make.application(meeting, "observe", name="未確認", confirm=False, at=base + timedelta(seconds=9))
    make.commit()
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications"
    assert listed(client.get(url, query_string={"kind": "observe"})) == ["旁聽者", "未確認"]
    assert listed(client.get(url, query_string={"status": "unconfirmed"})) == ["未確認"]
    assert listed(client.get(url, query_string={"outcome": "waitlisted"})) == ["講者5"]
    assert listed(client.get(url, query_string={"outcome": "gallery"})) == ["旁聽者"]
    assert listed(client.get(url, query_string={"case": case2.id})) == [claimant.name]
    assert listed(client.get(url, query_string={"case": case1.id, "outcome": "allocated"})) == [
        s.name for s in speakers[:5]]
    assert listed(client.get(url, query_string={"claim": "pending"})) == ["關係人"]
    # Values that mean nothing are ignored rather than failing.
    assert len(listed(client.get(url, query_string={"kind": "sing", "case": "99999", "page": "x"}))) == 9


def test_search_finds_name_organisation_email_phone_and_check_in_code(client, make, counties, sign_in, meeting):
    wang = make.application(meeting, "observe", name="王大明", organisation="臺灣濕地保護聯盟",
                            email="wang@example.tw")
    lin = make.application(meeting, "observe", name="林小華", email="lin@example.tw")
    other = desk_services.record_other_channel(
        meeting, {"channel": "phone", "kind": "observe", "name": "陳阿姨", "phone": "0912-345-678"},
        actor=None, now=make.now())
    make.commit()
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications"
    for q, expected in [("大明", [wang.name]), ("濕地", [wang.name]), ("LIN@EXAMPLE", [lin.name]),
                        ("0912345678", [other.name]), ("345-678", [other.name]),
                        (lin.check_in_code.lower(), [lin.name]), ("100%", [])]:
        assert listed(client.get(url, query_string={"q": q})) == expected, q
    body = text_of(client.get(url, query_string={"q": "nobody"}))
    assert "No application matches these filters." in body and 'value="nobody"' in body


def test_list_is_paginated_in_order_of_time_of_application_V6(client, make, counties, sign_in, meeting, monkeypatch):
    monkeypatch.setattr(views_staff, "PAGE_SIZE", 3)
    base = make.now()
    people = [make.application(meeting, "observe", name=f"旁聽{i}", at=base + timedelta(seconds=i)) for i in range(7)]
    make.commit()
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications"
    first = client.get(url, query_string={"kind": "observe"})
    assert listed(first) == [p.name for p in people[:3]]
    assert "Page 1 of 3" in text_of(first)
    assert f'href="{url}?kind=observe&amp;page=2"' in first.get_data(as_text=True)
    assert listed(client.get(url, query_string={"kind": "observe", "page": 3})) == [people[6].name]


def test_the_desk_warns_when_speakers_with_a_place_need_more_than_the_comment_budget_V11(client, make, counties,
                                                                                          sign_in, meeting):
    case1, _case2 = meeting.cases
    desk_services.set_caps(meeting, speaker_cap=10, representative_cap=5, reason="登記踴躍", actor=None, now=make.now())
    base = make.now()
    for i in range(11):  # 10 places × 3 minutes = 30: within the budget; then other channels add one
        make.application(meeting, case_ids=[case1.id], at=base + timedelta(seconds=i))
    make.commit()
    sign_in(counties.secretariat_a)
    assert "more than the case's" not in text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    desk_services.record_other_channel(meeting, make.application_data(channel="phone", case_ids=[case1.id]),
                                       actor=None, now=make.now())
    make.commit()
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/applications"))
    assert ("第1案: the speakers holding a place need 33 minutes at 3 minutes each, more than the case's "
            "30 minutes of public comment") in body
