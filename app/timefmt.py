"""Asia/Taipei display in one compact form, and form conversions (issue 9, item 6).

People read 115/12/09（三）09:00–12:00 in Chinese and Wed 9 Dec 2026, 09:00–12:00 in English. In
HTML (`when`, `day` filters) the date sits in a <time> element that carries the Gregorian date
(its `datetime` and, in Chinese, its `title`) and never breaks across lines (class "when").
"""
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import pass_context
from markupsafe import Markup, escape

from .i18n import locale_code
from .rules.dates import ROC_EPOCH

TAIPEI = ZoneInfo("Asia/Taipei")
ZH_WEEKDAYS = "一二三四五六日"


def from_local(naive: datetime | None) -> datetime | None:
    """A naive Taipei wall-clock time from a form, as an aware UTC datetime."""
    if naive is None:
        return None
    return naive.replace(tzinfo=TAIPEI).astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    """An aware datetime shown on Taipei's wall clock."""
    return None if moment is None else moment.astimezone(TAIPEI)


def roc_date(value: date | datetime | None) -> str:
    """A date in the current language: 115/12/09（三）, or Wed 9 Dec 2026 in English."""
    return "" if value is None else _roc_date_in(value, locale_code())


def clock(value: datetime | None) -> str:
    """The Taipei time of day, 24-hour."""
    return "" if value is None else _clock(value)


def roc_datetime(value: datetime | None) -> str:
    """Date and Taipei time of day: 115/12/09（三）09:00, or Wed 9 Dec 2026, 09:00."""
    return "" if value is None else _roc_datetime_in(value, locale_code())


def readable_moment(text: str) -> str:
    """An ISO 8601 moment with its offset, as audit details store it (2026-12-09T01:00:00+00:00), in
    Taipei time as people read it (115/12/09（三）09:00); any other text unchanged (issue 9, item 6)."""
    if not (isinstance(text, str) and _ISO_MOMENT.match(text)):
        return text
    try:
        return roc_datetime(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def iso(value: datetime | None) -> str:
    """The ISO 8601 form with Taipei offset, for <time datetime=…>."""
    return "" if value is None else _iso(value)


# Pure formatting, memoised by value and language: a list page formats the same few dozen
# moments in every request, and each costs a time-zone conversion and a Babel call otherwise.
# The results are exactly what the functions computed unmemoised (tests/test_fast_translations.py).
@lru_cache(maxsize=16384)
def _roc_date_in(value: date | datetime, code: str | None) -> str:
    day = to_local(value).date() if isinstance(value, datetime) else value
    if _english(code):
        return format_date(day, "EEE d MMM y", locale="en")
    return f"{day.year - ROC_EPOCH}/{day.month:02d}/{day.day:02d}（{ZH_WEEKDAYS[day.weekday()]}）"


def _english(code: str | None) -> bool:
    return bool(code) and code.startswith("en")


@lru_cache(maxsize=16384)
def _roc_datetime_in(value: datetime, code: str | None) -> str:
    return f"{_roc_date_in(value, code)}{', ' if _english(code) else ''}{_clock(value)}"


@lru_cache(maxsize=16384)
def _span_in(start: datetime, end: datetime | None, code: str | None) -> str:
    if end is None:
        return _roc_datetime_in(start, code)
    if to_local(start).date() == to_local(end).date():
        return f"{_roc_datetime_in(start, code)}–{_clock(end)}"
    return f"{_roc_datetime_in(start, code)} – {_roc_datetime_in(end, code)}"


def time_span(start: datetime | None, end: datetime | None = None) -> str:
    """A meeting's time as plain text: 115/12/09（三）09:00–12:00 (the end's date only if it differs)."""
    return "" if start is None else _span_in(start, end, locale_code())


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


@lru_cache(maxsize=16384)
def _when_html(start: datetime, end: datetime | None, code: str | None) -> Markup:
    local = to_local(start)
    title = "" if _english(code) else f' title="{local.date().isoformat()}"'
    head = f'<time datetime="{_iso(start)}"{title}>{escape(_roc_datetime_in(start, code))}</time>'
    if end is None:
        return Markup(f'<span class="when">{head}</span>')
    same_day = local.date() == to_local(end).date()
    tail = _clock(end) if same_day else _roc_datetime_in(end, code)
    joint = "–" if same_day else " – "
    return Markup(f'<span class="when">{head}{joint}<time datetime="{_iso(end)}">{escape(tail)}</time></span>')


@lru_cache(maxsize=16384)
def _day_html(value: date | datetime, code: str | None) -> Markup:
    day = to_local(value).date() if isinstance(value, datetime) else value
    title = "" if _english(code) else f' title="{day.isoformat()}"'
    return Markup(f'<time class="when" datetime="{day.isoformat()}"{title}>{escape(_roc_date_in(day, code))}</time>')


@pass_context
def _when_filter(context, start, end=None):
    """`start` (and `end`) as HTML that never breaks: <time> elements holding the Gregorian date."""
    return "" if start is None else _when_html(start, end, _template_code(context))


@pass_context
def _day_filter(context, value):
    """A date as HTML that never breaks, with the Gregorian date in its <time> element."""
    return "" if value is None else _day_html(value, _template_code(context))


@pass_context
def _month_filter(context, value: date) -> str:
    """A month as a heading: 115 年 12 月, or December 2026."""
    code = _template_code(context)
    if _english(code):
        return format_date(value, "MMMM y", locale="en")
    return f"{value.year - ROC_EPOCH} 年 {value.month} 月"


@pass_context
def _span_filter(context, start, end=None):
    return "" if start is None else _span_in(start, end, _template_code(context))


def register_filters(app):
    """Make the formatting functions available as Jinja filters (reading the render's language)."""
    app.jinja_env.filters.update(roc_date=_roc_date_filter, roc_datetime=_roc_datetime_filter, clock=clock, iso=iso,
                                 when=_when_filter, day=_day_filter, time_span=_span_filter,
                                 month=_month_filter)
