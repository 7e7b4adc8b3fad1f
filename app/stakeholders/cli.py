"""`flask notices due`: announce the meetings whose registration opened since the last run."""
import click
from flask.cli import AppGroup
from sqlalchemy import exists, select

from ..dbtypes import utcnow
from ..extensions import db
from ..meetings import signals
from ..meetings.models import Meeting
from ..rules.publication import PUBLISHED
from .models import REGISTRATION_OPEN, Notice

notices_group = AppGroup("notices", help="Meeting notices to subscribers and the stakeholder directory.")


def announce_opened_registrations(now) -> int:
    """Send registration_opened for each published meeting whose window is open and not yet announced (W1)."""
    announced = exists().where(Notice.meeting_id == Meeting.id, Notice.kind == REGISTRATION_OPEN)
    due = db.session.scalars(select(Meeting).where(
        Meeting.status == PUBLISHED, Meeting.registration_opens_at <= now,
        Meeting.registration_closes_at > now, ~announced).order_by(Meeting.id)).all()
    for meeting in due:
        signals.registration_opened.send(meeting, now=now)
    return len(due)


@notices_group.command("due")
def due_command():
    """Write the registration-opened notices that are due (run it every few minutes, beside the outbox)."""
    count = announce_opened_registrations(utcnow())
    db.session.commit()
    click.echo(f"notices: {count} registration-opened notice(s) written")
