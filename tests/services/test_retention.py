"""Personal data is deleted a year after the meeting, as the registration privacy notice promises."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit import AuditEntry
from app.outbox.models import OutboxMessage
from app.registrations.models import Application
from app.registrations.retention import purge_personal_data


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_applications_and_their_mail_go_a_year_after_the_meeting_and_not_before(make, db, runner):
    meeting = make.open_meeting()
    confirmed = make.application(meeting)
    make.application(meeting, confirm=False)
    other = make.application(make.open_meeting(start=meeting.starts_at + timedelta(days=30)))
    assert count(db, OutboxMessage, OutboxMessage.application_id == confirmed.id) == 2

    assert purge_personal_data(now=meeting.ends_at + timedelta(days=364)) == 0
    assert count(db, Application, Application.meeting_id == meeting.id) == 2

    assert purge_personal_data(now=meeting.ends_at + timedelta(days=366)) == 2
    assert count(db, Application, Application.meeting_id == meeting.id) == 0
    assert count(db, OutboxMessage, OutboxMessage.meeting_id == meeting.id) == 0
    assert count(db, Application, Application.id == other.id) == 1  # another meeting's: kept
    assert count(db, AuditEntry, AuditEntry.action == "registration.purged",
                 AuditEntry.target_id == meeting.id) == 1


def test_purge_command_reports_what_it_deleted(make, db, runner):
    make.application(make.open_meeting())
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "Deleted 0 application(s)" in result.output
