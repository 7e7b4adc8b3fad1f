"""Helpers for the notices tests: a real SMTP server (aiosmtpd) that can refuse chosen addresses."""
import pytest

from ..conftest import SMTPSink


class PickySink(SMTPSink):
    """The `smtp` sink, refusing RCPT for chosen addresses: `refuse[address]` is a list of replies used
    one per attempt ("450 …" a temporary refusal, "550 …" a permanent one); an empty list accepts."""

    def __init__(self):
        super().__init__()
        self.refuse = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.refuse.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp():
    """The picky sink, on a free loopback port (overrides the suite's plain sink here)."""
    from aiosmtpd.controller import Controller
    sink = PickySink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture(autouse=True)
def mail_to_sink(app, smtp):
    """Every test here sends to the sink."""
    app.config.update(smtp.config)
