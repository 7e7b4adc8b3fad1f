"""The sign-in desk's live counts (V2, V3–V7): per case and for the room, recounted from the rows."""
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..registrations.models import ACTIVE, SPEAK, Application, SpeakingRequest
from ..rules import allocation as rules
from .signin import signed_in_application_ids


@dataclass
class CaseCount:
    """One case's speakers: holding a place, waitlisted, and how many of each are signed in."""

    key: int
    title: str
    holding: int = 0
    holding_signed_in: int = 0
    waiting: int = 0
    waiting_signed_in: int = 0


@dataclass
class RoomCount:
    """The room: people signed in, and the gallery and overflow room (V7)."""

    signed_in: int = 0
    gallery_seats: int = 0
    gallery_held: int = 0
    gallery_signed_in: int = 0
    overflow_held: int = 0
    overflow_signed_in: int = 0
    cases: list = field(default_factory=list)

    @property
    def gallery_left(self) -> int:
        """Gallery seats no observer holds (V7); beyond them observers go to the overflow room."""
        return max(0, self.gallery_seats - self.gallery_held)


def desk_counts(meeting) -> RoomCount:
    """Signed in / holding a place per case, and for the room: signed in, gallery seats left, overflow room.
    Every open desk fetches these every few seconds, so they are read as plain rows: the active
    applications' places, and the places of their active speaking requests."""
    present = signed_in_application_ids(meeting.id)
    applications = db.session.execute(select(Application.id, Application.kind, Application.outcome).where(
        Application.meeting_id == meeting.id, Application.status == ACTIVE)).all()
    requests = db.session.execute(
        select(SpeakingRequest.application_id, SpeakingRequest.case_key, SpeakingRequest.outcome)
        .join(Application, Application.id == SpeakingRequest.application_id)
        .where(SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.active.is_(True),
               Application.status == ACTIVE, Application.kind == SPEAK)).all()
    titles = {case.id: case.title for case in meeting.cases}
    cases = {key: CaseCount(key, title) for key, title in titles.items()}
    room = RoomCount(signed_in=len(present & {a.id for a in applications}), gallery_seats=meeting.gallery_seats)
    for application_id, case_key, outcome in requests:
        _count_request(cases.setdefault(case_key, CaseCount(case_key, meeting.title)), outcome,
                       application_id in present)
    for application_id, kind, outcome in applications:
        here = application_id in present
        if kind != SPEAK and outcome == rules.GALLERY:
            room.gallery_held += 1
            room.gallery_signed_in += here
        elif kind != SPEAK and outcome == rules.OVERFLOW:
            room.overflow_held += 1
            room.overflow_signed_in += here
    room.cases = [cases[key] for key in titles] + [cases[key] for key in sorted(set(cases) - set(titles))]
    return room


def _count_request(case: CaseCount, outcome: str | None, here: bool):
    if outcome == rules.ALLOCATED:
        case.holding += 1
        case.holding_signed_in += here
    elif outcome == rules.WAITLISTED:
        case.waiting += 1
        case.waiting_signed_in += here
