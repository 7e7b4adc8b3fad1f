"""Asia/Taipei display, the ROC year beside the Gregorian date, and form conversions."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date, gettext

TAIPEI = ZoneInfo("Asia/Taipei")
ROC_EPOCH = 1911


def from_local(naive: datetime | None) -> datetime | None:
    """A naive Taipei wall-clock time from a form, as an aware UTC datetime."""
    if naive is None:
        return None
    return naive.replace(tzinfo=TAIPEI).astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    """An aware datetime shown on Taipei's wall clock."""
    return None if moment is None else moment.astimezone(TAIPEI)


def roc_date(value: date | datetime | None) -> str:
    """A date with the ROC year beside the Gregorian one, in the current language."""
    if value is None:
        return ""
    day = to_local(value).date() if isinstance(value, datetime) else value
    return gettext(
        "%(weekday)s %(iso)s (ROC year %(roc)s, %(month)s/%(day)s)",
        roc=day.year - ROC_EPOCH, month=day.month, day=day.day,
        weekday=format_date(day, "EEE"), iso=day.isoformat(),
    )


def clock(value: datetime | None) -> str:
    """The Taipei time of day, 24-hour."""
    return "" if value is None else to_local(value).strftime("%H:%M")


def roc_datetime(value: datetime | None) -> str:
    """Date (ROC and Gregorian) and Taipei time of day."""
    return "" if value is None else f"{roc_date(value)} {clock(value)}"


def iso(value: datetime | None) -> str:
    """The ISO 8601 form with Taipei offset, for <time datetime=…>."""
    return "" if value is None else to_local(value).isoformat(timespec="minutes")


def register_filters(app):
    """Make the formatting functions available as Jinja filters."""
    app.jinja_env.filters.update(roc_date=roc_date, roc_datetime=roc_datetime, clock=clock, iso=iso)
