"""Account commands: `flask demo-code` (the demo admin's current two-factor code) and
`flask reset-two-factor --email …` (a lost phone, when no other administrator can reset it)."""
import click
from sqlalchemy import select

from ..dbtypes import utcnow
from ..extensions import db
from .models import User
from .services import find_by_email
from .totp import code_at
from .two_factor import reset


@click.command("demo-code")
def demo_code_command():
    """Print the demo admin's current two-factor code (only for the demo's published key)."""
    from ..demo import DEMO_TOTP_SECRET
    admins = db.session.scalars(select(User.email).where(User.totp_secret == DEMO_TOTP_SECRET)).all()
    if not admins:
        raise click.UsageError("no account uses the demo's two-factor key")
    click.echo(f"{code_at(DEMO_TOTP_SECRET, utcnow())}  ({', '.join(admins)}; valid for about 30 seconds)")


@click.command("reset-two-factor")
@click.option("--email", required=True)
def reset_two_factor_command(email):
    """Clear an account's two-factor sign-in; an administrator sets it up again at the next sign-in."""
    user = find_by_email(email)
    if user is None:
        raise click.UsageError(f"no account {email}")
    reset(user, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Two-factor sign-in reset for {user.email}; it is set up again at the next sign-in.")


def register_commands(group):
    """Add the account commands to a Click group (the accounts blueprint's, merged into `flask`)."""
    group.add_command(demo_code_command)
    group.add_command(reset_two_factor_command)
