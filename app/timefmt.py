"""Asia/Taipei display, the ROC year beside the Gregorian date, and form conversions."""
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import pass_context

from .i18n import catalogue, locale_code

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
    return "" if value is None else _roc_date_in(value, locale_code())


def clock(value: datetime | None) -> str:
    """The Taipei time of day, 24-hour."""
    return "" if value is None else _clock(value)


def roc_datetime(value: datetime | None) -> str:
    """Date (ROC and Gregorian) and Taipei time of day."""
    return "" if value is None else _roc_datetime_in(value, locale_code())


def iso(value: datetime | None) -> str:
    """The ISO 8601 form with Taipei offset, for <time datetime=…>."""
    return "" if value is None else _iso(value)


# Pure formatting, memoised by value and language: a list page formats the same few dozen
# moments in every request, and each costs a time-zone conversion and a Babel call otherwise.
# The results are exactly what the functions computed unmemoised (tests/test_fast_translations.py).
@lru_cache(maxsize=16384)
def _roc_date_in(value: date | datetime, code: str | None) -> str:
    day = to_local(value).date() if isinstance(value, datetime) else value
    return catalogue(code).ugettext("%(weekday)s %(iso)s (ROC year %(roc)s, %(month)s/%(day)s)") % dict(
        roc=day.year - ROC_EPOCH, month=day.month, day=day.day,
        weekday=_weekday(day.weekday(), code), iso=day.isoformat())


@lru_cache(maxsize=64)
def _weekday(weekday: int, code: str | None) -> str:
    # Babel's abbreviated weekday, as flask_babel.format_date(day, "EEE") gives it (2024-01-01 was a Monday).
    return format_date(date(2024, 1, 1 + weekday), "EEE", locale=code)


@lru_cache(maxsize=16384)
def _roc_datetime_in(value: datetime, code: str | None) -> str:
    return f"{_roc_date_in(value, code)} {_clock(value)}"


@lru_cache(maxsize=16384)
def _clock(value: datetime) -> str:
    return to_local(value).strftime("%H:%M")


@lru_cache(maxsize=16384)
def _iso(value: datetime) -> str:
    return to_local(value).isoformat(timespec="minutes")


def _template_code(context) -> str | None:
    code = context.get("locale_code")  # set at every render (setup.py), inside any force_locale
    return locale_code() if code is None or code == "None" else code


@pass_context
def _roc_date_filter(context, value):
    return "" if value is None else _roc_date_in(value, _template_code(context))


@pass_context
def _roc_datetime_filter(context, value):
    return "" if value is None else _roc_datetime_in(value, _template_code(context))


def register_filters(app):
    """Make the formatting functions available as Jinja filters (reading the render's language)."""
    app.jinja_env.filters.update(roc_date=_roc_date_filter, roc_datetime=_roc_datetime_filter, clock=clock, iso=iso)
