"""What a would-be applicant should know before applying: which speaking queues are full (V3) and
whether the gallery is (V7) — so that a full meeting says so up front, instead of surprising
people with a waiting-list place after they confirm."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..rules import allocation as rules
from .models import ACTIVE, OBSERVE, Application, SpeakingRequest


@dataclass(frozen=True)
class FullCase:
    """A case whose online speaking places are all taken, and how many already wait."""

    title: str
    cap: int
    waiting: int


@dataclass(frozen=True)
class Availability:
    """The full speaking queues of a meeting and whether its gallery is full."""

    full_cases: list[FullCase]
    gallery_full: bool


def availability(meeting) -> Availability:
    """Counted from the stored places of active applications (online pool only: V3's places)."""
    rows = db.session.execute(
        select(SpeakingRequest.case_key, SpeakingRequest.outcome, func.count())
        .join(Application, Application.id == SpeakingRequest.application_id)
        .where(SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.active.is_(True),
               Application.status == ACTIVE, Application.pool == rules.ONLINE)
        .group_by(SpeakingRequest.case_key, SpeakingRequest.outcome)).all()
    held = {(case, outcome): n for case, outcome, n in rows}
    cases = [(c.id, c.title) for c in meeting.cases] or [(0, meeting.title)]
    full = [FullCase(title, meeting.speaker_cap, held.get((key, rules.WAITLISTED), 0)) for key, title in cases
            if held.get((key, rules.ALLOCATED), 0) >= meeting.speaker_cap]
    seated = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.meeting_id == meeting.id, Application.status == ACTIVE, Application.kind == OBSERVE,
        Application.outcome == rules.GALLERY))
    return Availability(full, seated >= meeting.gallery_seats)
