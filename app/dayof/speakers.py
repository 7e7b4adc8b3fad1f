"""The speakers of each case as the desk sees them (V2, V3–V6): who holds a place, who waits, who is present."""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..registrations.models import ACTIVE, Application, SpeakingRequest
from ..registrations.placing import queue_of
from ..rules import allocation as rules
from ..rules.signin import next_present
from .signin import live_sign_ins


@dataclass
class SpeakerRow:
    """One speaking request: its place, whether its person is signed in (and with which badge), and for
    a place held by someone absent, who would be given it if they are passed over."""

    request: SpeakingRequest
    badge: str | None
    would_go_to: Application | None = None

    @property
    def present(self) -> bool:
        """Whether the person is signed in."""
        return self.badge is not None


@dataclass
class CaseSpeakers:
    """A case's speakers: holding a place (in order) and waitlisted (in order)."""

    key: int
    title: str
    holding: list = field(default_factory=list)
    waiting: list = field(default_factory=list)


def speaker_rows(meeting) -> list[CaseSpeakers]:
    """Every case's speakers holding a place or waitlisted, in their order, with presence (V2)."""
    standing = live_sign_ins(meeting.id)
    requests = db.session.scalars(select(SpeakingRequest).join(Application).where(
        SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.active.is_(True), Application.status == ACTIVE,
        SpeakingRequest.outcome.in_((rules.ALLOCATED, rules.WAITLISTED)))
        .options(joinedload(SpeakingRequest.application))
        .order_by(SpeakingRequest.case_key, SpeakingRequest.outcome, SpeakingRequest.position)).all()
    cases = {c.id: CaseSpeakers(c.id, c.title) for c in meeting.cases}
    for request in requests:
        case = cases.setdefault(request.case_key, CaseSpeakers(request.case_key, meeting.title))
        sign_in = standing.get(request.application_id)
        row = SpeakerRow(request, sign_in.badge if sign_in else None)
        (case.holding if request.outcome == rules.ALLOCATED else case.waiting).append(row)
    for case in cases.values():
        for row in case.holding:
            if not row.present:
                row.would_go_to = _first_present(case.waiting, _queue(row.request))
    return list(cases.values())


def _queue(request: SpeakingRequest) -> tuple:
    return queue_of(request.case_key, request.application.pool, request.application.interest_group)


def _first_present(waiting: list[SpeakerRow], queue: tuple) -> Application | None:
    """Who would get an absent speaker's place: the rule the pass-over itself follows (rules.signin)."""
    same = {row.request.id: row for row in waiting if _queue(row.request) == queue}
    key = next_present([(k, row.request.position or 0) for k, row in same.items()],
                       {k for k, row in same.items() if row.present})
    return same[key].request.application if key is not None else None
