"""Migration identity01 re-keys stored e-mail addresses as identities (V5, V15), on both engines:
a suspension written with a +tag must catch its owner's plain address, and two active applications
that become one identity must not break the unique index."""
import importlib.util
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from app.registrations import desk
from app.registrations.models import Application, Suspension

MIGRATION = Path(__file__).parents[2] / "migrations/versions/identity01_email_identity_review_flags_group_aliases.py"


def migration():
    spec = importlib.util.spec_from_file_location("identity01", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stored_addresses_become_identities_without_breaking_the_index_V5_V15(make, db):
    meeting = make.open_meeting()
    first = make.application(meeting, email="Lin+one@example.tw")
    second = make.application(meeting, email="other@example.tw")
    pending = make.application(meeting, confirm=False, email="Chen+x@Example.tw")
    suspension = desk.suspend_person(meeting.organizer, {"email": "Noisy+tag@example.tw", "reason": "干擾",
                                                         "until": date.today() + timedelta(days=30)},
                                     actor=None, now=make.now())
    make.commit()
    with db.engine.begin() as conn:  # the keys as the previous revision wrote them: +tags kept
        conn.execute(text("UPDATE applications SET email = 'lin+two@example.tw' WHERE id = :id"), {"id": second.id})
        for table, row in (("applications", first), ("applications", second), ("applications", pending),
                           ("suspensions", suspension)):
            conn.execute(text(f"UPDATE {table} SET email_key = lower(email) WHERE id = :id"), {"id": row.id})
    with db.engine.begin() as conn:
        migration()._rekey_emails(conn)
    db.session.expire_all()
    assert db.session.get(Application, first.id).email_key == "lin@example.tw"
    assert db.session.get(Application, second.id).email_key == "lin+two@example.tw"  # kept: index stays whole
    assert db.session.get(Application, pending.id).email_key == "chen@example.tw"
    assert db.session.get(Suspension, suspension.id).email_key == "noisy@example.tw"
