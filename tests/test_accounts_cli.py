"""The account commands: the demo admin's two-factor code, and resetting two-factor sign-in."""
from app.accounts.models import User
from app.accounts.totp import matching_step
from app.audit import AuditEntry
from app.dbtypes import utcnow
from app.demo import DEMO_TOTP_SECRET


def test_demo_admin_uses_two_factor_and_demo_code_prints_a_valid_code(runner, db):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0 and DEMO_TOTP_SECRET in result.output
    admin = User.query.filter_by(email="admin@demo.landuse.tw").one()
    assert admin.totp_secret == DEMO_TOTP_SECRET
    result = runner.invoke(args=["demo-code"])
    assert result.exit_code == 0, result.output
    code = result.output.split()[0]
    assert matching_step(DEMO_TOTP_SECRET, code, now=utcnow(), after=None) is not None


def test_reset_two_factor_clears_the_secret_and_is_audited(runner, db, make):
    admin = make.staff("admin")
    make.commit()
    result = runner.invoke(args=["reset-two-factor", "--email", admin.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, admin.id).totp_secret is None
    assert AuditEntry.query.filter_by(action="totp.reset").count() == 1
    assert runner.invoke(args=["reset-two-factor", "--email", "nobody@example.tw"]).exit_code == 2
