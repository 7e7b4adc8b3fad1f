"""iCalendar (.ics) files for one meeting and for subscribable feeds (RFC 5545).

Text from staff may hold line breaks or control characters (older rows, other channels): every
value is cleaned here (`_clean`, `_one_line`) before it is escaped, so a file is always written and
never holds a raw CR or another control character (RFC 5545, 3.3.11 allows none but TAB).
"""
import re
from datetime import datetime, timezone
from functools import cache

from flask_babel import gettext
from icalendar import Calendar, Event

from .labels import LABELS
from .rules.publication import CANCELLED, POSTPONED
from .timefmt import TAIPEI, to_local

PRODID = "-//Land-use planning participation portal//TW"
_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def _clean(value: str) -> str:
    """`value` with every kind of line break as LF (escaped later as \\n) and other control characters gone."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


def _one_line(value: str) -> str:
    """`value` on one line: line breaks and tabs become single spaces."""
    return " ".join(_clean(value).replace("\t", " ").split("\n")).strip()


def new_calendar(name: str) -> Calendar:
    """An empty VCALENDAR with our product id and a display name."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _one_line(name))  # icalendar writes X- values unescaped
    cal.add("x-wr-timezone", "Asia/Taipei")
    return cal


def meeting_event(meeting, url: str) -> Event:
    """A VEVENT whose UID never changes and whose SEQUENCE grows with every change."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", to_local(meeting.starts_at))
    event.add("dtend", to_local(meeting.ends_at))
    event.add("summary", _clean(_summary(meeting)))
    event.add("location", _clean(_location(meeting)))
    event.add("url", url)
    event.add("description", _clean(_description(meeting, url)))
    event.add("status", "CANCELLED" if meeting.status == CANCELLED else "CONFIRMED")
    event.add("categories", [str(LABELS["kind"][meeting.kind])])
    return event


def _location(meeting) -> str:
    return f"{meeting.venue_name}, {meeting.venue_address}"


class _Phrases:
    """The few translated phrases of a feed, looked up once per file: Flask-Babel's lookups cost
    more than writing an event, and a feed of 2,000 meetings would repeat them 8,000 times."""

    def __init__(self):
        self.kinds = {kind: str(label) for kind, label in LABELS["kind"].items()}
        # Without variables gettext returns the translated template itself; it is filled in below.
        self.cancelled, self.postponed = gettext("[Cancelled] %(title)s"), gettext("[Postponed] %(title)s")
        self.reason = gettext("Reason: %(reason)s")
        self.details = gettext("Details, materials and registration: %(url)s")


def _summary(meeting, phrases: _Phrases | None = None) -> str:
    if meeting.status not in (CANCELLED, POSTPONED):
        return meeting.title
    phrases = phrases or _Phrases()
    return (phrases.cancelled if meeting.status == CANCELLED else phrases.postponed) % {"title": meeting.title}


def _description(meeting, url: str, phrases: _Phrases | None = None) -> str:
    phrases = phrases or _Phrases()
    lines = [f"{phrases.kinds[meeting.kind]} · {meeting.plan.name}"]
    if meeting.status in (CANCELLED, POSTPONED) and meeting.status_reason:
        lines.append(phrases.reason % {"reason": meeting.status_reason})
    if meeting.summary:
        lines.append(meeting.summary)
    lines.append(phrases.details % {"url": url})
    return "\n\n".join(lines)


def build_calendar(name: str, meetings, url_for_meeting) -> bytes:
    """A complete .ics file for the meetings, with the Asia/Taipei VTIMEZONE included.

    The bytes are what icalendar writes for new_calendar() with one meeting_event() per meeting
    and add_missing_timezones(); the events are written directly (`_event_ical`), because
    icalendar's generic writer takes about a second for a feed of 2,000 meetings.
    """
    header = new_calendar(name).to_ical().removesuffix(b"END:VCALENDAR\r\n")
    phrases = _Phrases()
    events = [_event_ical(meeting, url_for_meeting(meeting), phrases) for meeting in meetings]
    return b"".join((header, _taipei_vtimezone() if events else b"", *events, b"END:VCALENDAR\r\n"))


@cache
def _taipei_vtimezone() -> bytes:
    """The VTIMEZONE component icalendar generates for Asia/Taipei (computed once)."""
    cal = Calendar()
    event = Event()
    event.add("dtstart", datetime(2000, 1, 1, tzinfo=TAIPEI))
    cal.add_component(event)
    cal.add_missing_timezones()
    return b"".join(c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE")


def _event_ical(meeting, url: str, phrases: _Phrases | None = None) -> bytes:
    """meeting_event(meeting, url).to_ical(), written directly (properties in icalendar's order)."""
    phrases = phrases or _Phrases()
    stamps = (meeting.updated_at, meeting.created_at)
    if any(moment.tzinfo is not timezone.utc for moment in stamps):
        return meeting_event(meeting, url).to_ical()  # not read back from the database: the slow path
    updated, created = (_stamp(moment) + "Z" for moment in stamps)
    lines = (
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(_summary(meeting, phrases)),
        "DTSTART;TZID=Asia/Taipei:" + _stamp(to_local(meeting.starts_at)),
        "DTEND;TZID=Asia/Taipei:" + _stamp(to_local(meeting.ends_at)),
        "DTSTAMP:" + updated,
        "UID:" + _text(meeting.uid),
        f"SEQUENCE:{meeting.sequence:d}",
        "CATEGORIES:" + _text(phrases.kinds[meeting.kind]),
        "CREATED:" + created,
        "DESCRIPTION:" + _text(_description(meeting, url, phrases)),
        "LAST-MODIFIED:" + updated,
        "LOCATION:" + _text(_location(meeting)),
        "STATUS:" + ("CANCELLED" if meeting.status == CANCELLED else "CONFIRMED"),
        "URL:" + url,
        "END:VEVENT",
    )
    return "".join(_fold(line) + "\r\n" for line in lines).encode()


def _stamp(moment: datetime) -> str:
    """A DATE-TIME value as icalendar writes it (the year always four digits, unlike strftime's %Y)."""
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}")


_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": "\\n"})


def _text(value: str) -> str:
    """A TEXT value cleaned (`_clean`), then escaped exactly as icalendar's vText escapes it (a written
    "\\N" is a line break; backslash, semicolon, comma escaped; line breaks written as "\\n"),
    without building a vText."""
    return _clean(value).replace("\\N", "\n").translate(_TEXT_ESCAPES)


def _fold(line: str, limit: int = 75) -> str:
    """The line folded at `limit` octets exactly as icalendar folds it (RFC 5545, 3.1).

    Each piece holds as many whole characters as fit in `limit - 1` octets (cut on the UTF-8
    bytes, stepping back over continuation bytes), as icalendar's character loop does, only faster.
    """
    data = line.encode()
    if len(data) < limit:
        return line
    pieces, start, least = [], 0, 0
    while len(data) - start >= limit:
        cut = start + limit - 1
        while data[cut] & 0xC0 == 0x80:  # never inside a character
            cut -= 1
        cut = max(cut, least)
        # Like icalendar, never fold between a backslash (or ^) and the character it escapes: the
        # next piece starts with it and takes the following character whatever its size.
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
            lead = data[cut + 1] if cut + 1 < len(data) else 0
            least = cut + 2 + (lead >= 0xC0) + (lead >= 0xE0) + (lead >= 0xF0)
        pieces.append(data[start:cut])
        start = cut
    if start < len(data):
        pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


__all__ = ["build_calendar", "meeting_event", "TAIPEI"]
