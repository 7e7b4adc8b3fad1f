"""Issue 9, item 13: audit entries read as sentences in the reader's language, naming their record in words."""
import re

import pytest

from app import audit
from app.audit import AuditEntry

from .conftest import text_of

RAW_CODE = re.compile(r"\b(?:registration|meeting|account|staff|plan|material)\.[a-z_]+\b|\b[a-z_]+s #\d+")


def history_cells(body: str) -> list[str]:
    """The 'What happened' cells of a history table, tags stripped."""
    cells = re.findall(r'<td data-label="(?:What happened|經過)">(.*?)</td>', body, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


@pytest.fixture
def confirmed(make, counties):
    meeting = make.open_meeting(counties.a, cases=1)
    make.commit()
    application = make.application(meeting, name="王小明", case_ids=[meeting.cases[0].id])
    make.commit()
    return application


def test_application_history_reads_as_sentences_in_english(client, counties, sign_in, confirmed):
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/applications/{confirmed.id}"))
    cells = history_cells(body)
    assert "The application of 王小明 was confirmed" in cells, cells
    assert not RAW_CODE.search(" ".join(cells)) and "registration.submitted" not in body


def test_application_history_reads_as_sentences_in_chinese(client, counties, sign_in, confirmed):
    sign_in(counties.secretariat_a)
    client.set_cookie("lang", "zh_Hant_TW")
    body = text_of(client.get(f"/staff/applications/{confirmed.id}"))
    cells = history_cells(body)
    assert "王小明 的申請已確認" in cells, cells
    assert not RAW_CODE.search(" ".join(cells))


def test_audit_log_names_records_in_words_and_unknown_actions_read_as_a_sentence(client, db, make, counties,
                                                                                 sign_in, confirmed):
    audit.record(counties.secretariat_a, "registration.something_new", confirmed, {"same_name_and_phone_as": confirmed.id},
                 organizer_id=counties.a.id)
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get("/staff/audit"))
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<tr><td>.*?</td><td>.*?</td><td>(.*?)</td>",
                                                                   body, re.S)]
    assert "The application of 王小明 was confirmed" in cells
    assert "A change to “王小明” was recorded" in cells  # an action with no sentence yet: words, not its code
    assert "The meeting “甲縣公開公聽會” was created" in cells
    assert not RAW_CODE.search(" ".join(cells)) and "applications #" not in body
    assert "same_name_and_phone_as" not in body and "<dt>Same name and phone as the application of</dt><dd>王小明</dd>" in body
    assert count_entries(db) > 3


def count_entries(db):
    return db.session.query(AuditEntry).count()


def test_the_audit_log_names_a_responses_decision_and_its_comment_in_words(client, make, counties, sign_in):
    meeting = counties.published_a
    audit.record(counties.secretariat_a, "response.drafted", meeting,
                 {"title": "#5 海岸地區", "comment_id": 5, "decision": "elsewhere", "meeting_id": meeting.id},
                 organizer_id=counties.a.id)
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get("/staff/audit"))
    assert "<dt>Decision</dt><dd>Handled separately</dd>" in body and "<dt>Comment number</dt><dd>5</dd>" in body
    assert "elsewhere" not in body and "comment id" not in body and "meeting id" not in body
