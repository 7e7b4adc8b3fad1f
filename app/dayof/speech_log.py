"""The speech log: every speech given, with its times, pauses, overrun and written version or summary
(V11, V14). It is exported as CSV and ODS, and read by the minutes (`speeches_for_meeting`)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..labels import LABELS
from ..meetings.models import Meeting
from ..spreadsheets import to_csv, to_ods
from ..timefmt import iso
from .models import SpeakingTurn
from .state import cases_of


@dataclass(frozen=True)
class Speech:
    """One speech for the minutes: who (their application), on which case, when, and what was handed in."""

    application_id: int
    case_id: int | None
    started_at: datetime
    ended_at: datetime
    written_version: bool
    summary: str
    turn_id: int = 0  # the speaking turn it came from: the comment log keeps it, so a speech is logged once


def _spoken(meeting_id: int) -> list[SpeakingTurn]:
    return list(db.session.scalars(
        select(SpeakingTurn).options(joinedload(SpeakingTurn.application))
        .where(SpeakingTurn.meeting_id == meeting_id, SpeakingTurn.ended_at.is_not(None))
        .order_by(SpeakingTurn.started_at, SpeakingTurn.id)))


def speeches_for_meeting(meeting_id: int) -> list[Speech]:
    """Every finished speech of the meeting in the order given: the minutes' raw material (V14)."""
    return [Speech(t.application_id, t.case_key or None, t.started_at, t.ended_at, t.written_version, t.summary, t.id)
            for t in _spoken(meeting_id)]


HEADERS = (_l("Speaker"), _l("Organisation"), _l("Case"), _l("Pool"), _l("Started (ISO 8601)"),
           _l("Ended (ISO 8601)"), _l("Seconds spoken"), _l("Pauses"), _l("Seconds paused"),
           _l("Seconds over time"), _l("Written version handed in"), _l("Summary"))


def log_rows(meeting: Meeting) -> list[list]:
    """The log as rows of plain values, headers first, in the current language."""
    titles = {case.key: case.title for case in cases_of(meeting)}
    yes, no = str(_l("Yes")), str(_l("No"))
    rows = [[str(h) for h in HEADERS]]
    for turn in _spoken(meeting.id):
        spoken = (turn.ended_at - turn.started_at).total_seconds() - turn.paused_seconds
        pool = str(LABELS["pool"].get(turn.application.pool, turn.application.pool))
        rows.append([turn.application.name, turn.application.organisation, titles.get(turn.case_key, ""), pool,
                     iso(turn.started_at), iso(turn.ended_at), round(spoken),
                     turn.pauses, round(turn.paused_seconds), round(turn.overrun_seconds),
                     yes if turn.written_version else no, turn.summary])
    return rows


def log_csv(meeting: Meeting) -> bytes:
    """The speech log as CSV, UTF-8 with a BOM so that Excel reads the Chinese; no cell runs as a formula."""
    return to_csv(log_rows(meeting))


def log_ods(meeting: Meeting) -> bytes:
    """The speech log as an OpenDocument spreadsheet."""
    return to_ods(log_rows(meeting), str(_l("Speech log")))
