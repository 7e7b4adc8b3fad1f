"""The staff dashboard's counts per meeting (issue 9, item 13), in a fixed number of GROUP BY queries."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from ..extensions import db
from ..meetings.models import ReviewCase
from ..rules import allocation as rules
from .models import ACTIVE, Application, SpeakingRequest


@dataclass
class MeetingCounts:
    """What the desk wants to know of one meeting at a glance."""

    applications: int = 0
    places_held: int = 0
    places_total: int = 0
    waiting: int = 0
    pending_claims: int = 0


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def meeting_counts(meetings) -> dict[int, MeetingCounts]:
    """Active applications, speaking places held of all, waiting list and pending claims, by meeting id:
    three queries, however many meetings."""
    ids = [m.id for m in meetings]
    counts = {m.id: MeetingCounts() for m in meetings}
    if not ids:
        return counts
    for meeting_id, n in db.session.execute(
            select(Application.meeting_id, func.count()).where(Application.meeting_id.in_(ids),
                                                               Application.status == ACTIVE)
            .group_by(Application.meeting_id)):
        counts[meeting_id].applications = n
    requests = (select(SpeakingRequest.meeting_id, _count(SpeakingRequest.outcome == rules.ALLOCATED),
                       _count(SpeakingRequest.outcome == rules.WAITLISTED),
                       _count(SpeakingRequest.claim == rules.CLAIM_PENDING))
                .join(Application, Application.id == SpeakingRequest.application_id)
                .where(SpeakingRequest.meeting_id.in_(ids), Application.status == ACTIVE)
                .group_by(SpeakingRequest.meeting_id))
    for meeting_id, held, waiting, pending in db.session.execute(requests):
        counts[meeting_id].places_held, counts[meeting_id].waiting = int(held), int(waiting)
        counts[meeting_id].pending_claims = int(pending)
    cases = dict(db.session.execute(select(ReviewCase.meeting_id, func.count()).where(ReviewCase.meeting_id.in_(ids))
                                    .group_by(ReviewCase.meeting_id)).all())
    for m in meetings:  # each case has its own online and other-channel places (V3, V4)
        counts[m.id].places_total = (m.speaker_cap + m.representative_cap) * max(1, cases.get(m.id, 0))
    return counts
