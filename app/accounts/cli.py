"""Account commands: `flask reset-two-factor --email …` (a lost phone, when no other administrator can reset it)."""
import click
from flask.cli import with_appcontext

from ..dbtypes import utcnow
from ..extensions import db
from .services import find_by_email
from .two_factor import reset


@click.command("reset-two-factor")
@with_appcontext
@click.option("--email", required=True)
def reset_two_factor_command(email):
    """Clear an account's two-factor sign-in; an administrator sets it up again at the next sign-in."""
    user = find_by_email(email)
    if user is None:
        raise click.UsageError(f"no account {email}")
    reset(user, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Two-factor sign-in reset for {user.email}; it is set up again at the next sign-in.")
