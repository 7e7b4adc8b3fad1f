"""Command-line tasks: `flask demo-data`, `flask create-staff`, `flask purge-personal-data`
`flask demo-code`, `flask backup`, `flask restore` (app/accounts/cli.py has `reset-two-factor`)."""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .accounts.services import AccountError, create_staff
from .dbtypes import utcnow
from .extensions import db
from .plans.models import Organizer


def refuse_in_production(command: str):
    """The demo's passwords and two-factor key are published: never in production."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.UsageError(f"{command} is for development only: the demo accounts' passwords and "
                               "two-factor key are published. Create staff with `flask create-staff`.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no meetings yet.")
@with_appcontext
def demo_data_command(if_empty):
    """Load realistic demo organizers, plans, meetings, materials and staff accounts."""
    refuse_in_production("demo-data")
    from .demo import DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET, load_demo_data
    from .meetings.models import Meeting
    if if_empty and db.session.scalar(select(func.count(Meeting.id))):
        click.echo("The database already has meetings; demo data not loaded again.")
    else:
        counts = load_demo_data(now=utcnow())
        db.session.commit()
        click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".")
    click.echo("Demo staff sign-in (development only) at /staff/login:")
    for email, _name, role, _org in DEMO_STAFF:
        click.echo(f"  {role:<12} {email}  password: {DEMO_PASSWORD}")
    click.echo(f"The admin also needs a two-factor code: add the key {DEMO_TOTP_SECRET} to an authenticator app, "
               "or run `flask --app wsgi demo-code` for the current one.")


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "secretariat", "planner"]), required=True)
@click.option("--organizer", "organizer_slug", help="The organizer's slug (not for admins), e.g. taichung.")
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_staff_command(email, name, role, organizer_slug, password):
    """Create a staff account."""
    organizer = None
    if organizer_slug:
        organizer = db.session.scalar(select(Organizer).where(Organizer.slug == organizer_slug))
        if organizer is None:
            slugs = ", ".join(db.session.scalars(select(Organizer.slug).order_by(Organizer.slug)))
            raise click.UsageError(f"no organizer '{organizer_slug}'; known: {slugs or 'none (run flask demo-data)'}")
    try:
        user = create_staff(email=email, name=name, role=role, organizer=organizer, password=password, now=utcnow())
    except AccountError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")
    if user.is_admin:
        click.echo("Administrators must use two-factor sign-in: the first sign-in leads to setting it up.")


@click.command("purge-personal-data")
@with_appcontext
def purge_personal_data_command():
    """Delete applications (and their e-mails) of meetings that ended more than a year ago; run daily."""
    from .registrations.retention import purge_personal_data
    deleted = purge_personal_data(now=utcnow())
    db.session.commit()
    click.echo(f"Deleted {deleted} application(s) of meetings that ended more than a year ago.")


@click.command("demo-code")
@with_appcontext
def demo_code_command():
    """Print the demo admin's current two-factor code (only for the demo's published key)."""
    refuse_in_production("demo-code")
    from .accounts.models import User
    from .accounts.totp import code_at
    from .demo import DEMO_TOTP_SECRET
    admins = db.session.scalars(select(User.email).where(User.totp_secret == DEMO_TOTP_SECRET)).all()
    if not admins:
        raise click.UsageError("no account uses the demo's two-factor key")
    click.echo(f"{code_at(DEMO_TOTP_SECRET, utcnow())}  ({', '.join(admins)}; valid for about 30 seconds)")


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(archive):
    """Write ARCHIVE (.tar.gz): a consistent database dump, every stored file and their checksums."""
    from .backup import BackupError, backup
    try:
        manifest = backup(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {manifest['engine']} database (revision {', '.join(manifest['revision'])}) "
               f"and {len(manifest['files'])} stored files to {archive}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive):
    """Load ARCHIVE into an empty database and an empty file store (refused otherwise)."""
    from .backup import BackupError, restore
    try:
        manifest = restore(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup of {manifest['created_at']}: the database and "
               f"{len(manifest['files'])} stored files, every checksum verified.")


@click.command("store-import-local")
@click.option("--folder", type=click.Path(file_okay=False, exists=True),
              help="The folder to copy from (default: UPLOAD_FOLDER, i.e. instance/uploads).")
@with_appcontext
def store_import_local_command(folder):
    """Copy every file of the local upload folder into the object store (S3_BUCKET); run it again safely."""
    from .storage import FolderStore, file_store, upload_folder
    target = file_store()
    if target.kind != "s3":
        raise click.UsageError("Set S3_BUCKET (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) first: "
                               "the files would be copied onto themselves.")
    source = FolderStore(folder or upload_folder(current_app))
    copied = kept = 0
    for key in source.keys():
        data = source.get(key)
        if target.get(key) == data:
            kept += 1
            continue
        target.put(key, data, "application/octet-stream")
        if target.get(key) != data:
            raise click.ClickException(f"{key} did not read back the same from the object store; stopped.")
        copied += 1
    click.echo(f"Copied {copied} files into the object store ({kept} were already there, unchanged). "
               "The local files are left in place: remove them once the portal serves from the store.")
