"""Attachments built when the worker sends a message, not when a service queues it.

A service that holds a lock (a meeting's allocation lock) should not spend it drawing a QR code or
writing a calendar file, so the outbox row may record what to attach instead of the bytes:
`later("meeting_ics", "meeting-5.ics", "text/calendar; charset=utf-8", meeting_id=5, …)`. The worker
asks the builder registered for that kind for the bytes as it sends. The outbox sits below the
domain packages, so it never imports them: they register their builders (`register`) when imported,
which create_app does for every package with blueprints.
"""
import base64
from collections.abc import Callable

_builders: dict[str, Callable[..., bytes]] = {}
_lasting: set[str] = set()


class AttachmentUnavailable(ValueError):
    """The attachment cannot be built: no builder for its kind, or what it shows no longer exists."""


def register(kind: str, builder: Callable[..., bytes], *, lasting: bool = False) -> None:
    """Let the worker build attachments of `kind` by calling `builder(**arguments)`; `lasting`: the same
    arguments always give the same bytes, so one batch builds them once (a notice's .ics for 10,000 rows)."""
    _builders[kind] = builder
    if lasting:
        _lasting.add(kind)


def inline(filename: str, content_type: str, data: bytes) -> dict:
    """An attachment stored with the message (JSON: the bytes base64-encoded)."""
    return {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}


def later(kind: str, filename: str, content_type: str, **arguments) -> dict:
    """An attachment stored as what to build (`kind` and JSON `arguments`), built by the worker."""
    return {"filename": filename, "content_type": content_type, "build": kind, "arguments": arguments}


def content(item: dict, memo: dict | None = None) -> bytes:
    """The bytes of a stored attachment: decoded, or built now by its kind's builder (once per `memo`
    for a lasting kind)."""
    if "build" not in item:
        return base64.b64decode(item["data"], validate=True)
    if memo is not None and item["build"] in _lasting:
        key = (item["build"], repr(sorted(item.get("arguments", {}).items())))
        if key not in memo:
            memo[key] = content(item)
        return memo[key]
    builder = _builders.get(item["build"])
    if builder is None:
        raise AttachmentUnavailable(f"no builder registered for attachment kind {item['build']!r}")
    try:
        return builder(**item.get("arguments", {}))
    except TypeError as error:  # arguments the builder does not take: retrying cannot mend them
        raise AttachmentUnavailable(f"attachment kind {item['build']!r}: {error}") from error
