"""`flask outbox send [--loop]` and `flask outbox status`."""
import signal
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError

from ..dbtypes import utcnow
from ..extensions import db
from .worker import counts_by_status, send_due

outbox_group = AppGroup("outbox", help="Send queued e-mail and show the outbox.")


class _Shutdown:
    """Stop on SIGTERM: at once while idle, after the current batch while sending."""

    def __init__(self):
        self.requested = self.busy = False
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum, frame):
        self.requested = True
        if not self.busy:
            raise SystemExit(0)


def _send_once(limit: int, *, quiet: bool) -> int:
    sent, failed = send_due(now=utcnow(), limit=limit)
    if sent or failed or not quiet:
        click.echo(f"outbox: {sent} sent, {failed} failed")
    return sent + failed


@outbox_group.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (Ctrl-C or SIGTERM).")
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds between rounds with --loop.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Messages per round.")
def send_command(loop, interval, limit):
    """Send the due messages of the outbox (a failed attempt is retried later with a growing delay)."""
    if not loop:
        _send_once(limit, quiet=False)
        return
    shutdown = _Shutdown()
    click.echo(f"outbox worker: sending every {interval:g}s (Ctrl-C to stop)")
    try:
        while not shutdown.requested:
            shutdown.busy = True
            try:
                handled = _send_once(limit, quiet=True)
            except (OperationalError, InterfaceError, PendingRollbackError) as error:
                # The database busy or restarting: drop the session (its connection may be dead) and try
                # again next round; send_due settles its broken batch itself, at once or at the next round.
                click.echo(f"outbox: database unavailable, retrying: {type(error).__name__}", err=True)
                try:
                    db.session.rollback()
                except Exception:  # noqa: BLE001  (a dead connection: the session is discarded anyway)
                    pass
                db.session.remove()
                handled = 0
            shutdown.busy = False
            if handled < limit and not shutdown.requested:  # a full round: more may be due at once
                time.sleep(interval)
    except KeyboardInterrupt:
        pass


@outbox_group.command("status")
def status_command():
    """Count the outbox's messages by status."""
    counts = counts_by_status()
    click.echo(", ".join(f"{count} {status}" for status, count in counts.items()))
