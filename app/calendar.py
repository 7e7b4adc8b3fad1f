"""iCalendar (.ics) files for one meeting and for subscribable feeds (RFC 5545)."""
from flask_babel import gettext
from icalendar import Calendar, Event

from .labels import LABELS
from .rules.publication import CANCELLED, POSTPONED
from .timefmt import TAIPEI, to_local

PRODID = "-//Land-use planning participation portal//TW"


def new_calendar(name: str) -> Calendar:
    """An empty VCALENDAR with our product id and a display name."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
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
    event.add("summary", _summary(meeting))
    event.add("location", f"{meeting.venue_name}, {meeting.venue_address}")
    event.add("url", url)
    event.add("description", _description(meeting, url))
    event.add("status", "CANCELLED" if meeting.status == CANCELLED else "CONFIRMED")
    event.add("categories", [str(LABELS["kind"][meeting.kind])])
    return event


def _summary(meeting) -> str:
    if meeting.status == CANCELLED:
        return gettext("[Cancelled] %(title)s", title=meeting.title)
    if meeting.status == POSTPONED:
        return gettext("[Postponed] %(title)s", title=meeting.title)
    return meeting.title


def _description(meeting, url: str) -> str:
    lines = [f"{LABELS['kind'][meeting.kind]} · {meeting.plan.name}"]
    if meeting.status in (CANCELLED, POSTPONED) and meeting.status_reason:
        lines.append(gettext("Reason: %(reason)s", reason=meeting.status_reason))
    if meeting.summary:
        lines.append(meeting.summary)
    lines.append(gettext("Details, materials and registration: %(url)s", url=url))
    return "\n\n".join(lines)


def build_calendar(name: str, meetings, url_for_meeting) -> bytes:
    """A complete .ics file for the meetings, with the Asia/Taipei VTIMEZONE included."""
    cal = new_calendar(name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url_for_meeting(meeting)))
    cal.add_missing_timezones()
    return cal.to_ical()


__all__ = ["build_calendar", "meeting_event", "TAIPEI"]
