"""A development mail sink: an SMTP server on the loopback that keeps every message as an .eml file.

`make run` starts it beside the portal. Each message is written to instance/mail/ (open it with
any mail program) and summarised on the console as "mail to X: subject". Nothing leaves the machine.

    .venv/bin/python scripts/dev-mail-sink.py [--host 127.0.0.1] [--port 8025] [--directory instance/mail]
"""
import argparse
import os
import signal
import sys
import threading
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


class MailFolder:
    """An aiosmtpd handler that writes each message to a folder and prints a one-line summary."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{self.count:04d}.eml"
        (self.directory / name).write_bytes(envelope.content)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        recipients = ", ".join(envelope.rcpt_tos)
        print(f"mail to {recipients}: {message['subject']}  (instance/mail/{name})", flush=True)
        return "250 Message accepted for delivery"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("MAIL_PORT", 8025)))
    parser.add_argument("--directory", type=Path, default=ROOT / "instance" / "mail")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(MailFolder(args.directory), hostname=args.host, port=args.port)
    try:
        controller.start()
    except (OSError, RuntimeError) as error:
        print(f"mail sink: cannot listen on {args.host}:{args.port} ({error}); is another sink running?",
              file=sys.stderr, flush=True)
        return 1
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stopped.set())
    print(f"mail sink: SMTP on {args.host}:{args.port}, messages kept in {args.directory}", flush=True)
    while not stopped.wait(1):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
