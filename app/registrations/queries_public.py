"""Read-side queries of registrations for the public meeting page (never contact details)."""
from functools import cache

from sqlalchemy import bindparam, select

from ..extensions import db
from ..rules.allocation import ALLOCATED
from .models import Application, SpeakingRequest


@cache
def _allocated_speakers_statement():
    """Built once, run with the meeting's id bound (building it costs more than running it)."""
    return (select(SpeakingRequest.case_key, SpeakingRequest.position, Application.name, Application.organisation)
            .join(Application, Application.id == SpeakingRequest.application_id)
            .where(SpeakingRequest.meeting_id == bindparam("meeting_id"), SpeakingRequest.active.is_(True),
                   SpeakingRequest.outcome == ALLOCATED)
            .order_by(SpeakingRequest.case_key, Application.pool, Application.interest_group,
                      SpeakingRequest.position, SpeakingRequest.id))


def allocated_speakers(meeting_id: int) -> list:
    """The speakers holding a place (V3–V6), in order per case — online places, then the
    representatives of other channels by shared interest — with case key, position, name and
    organisation only: the public list never loads contact details."""
    return list(db.session.execute(_allocated_speakers_statement(), {"meeting_id": meeting_id}))
