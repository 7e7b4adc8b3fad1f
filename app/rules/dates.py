"""Dates and times as staff type them (issue 9, item 6): with the ROC year, as Taiwan's offices
write it (115/12/09 09:00, 115年12月9日 9:00), or with the Gregorian year (2026-12-09 09:00, and
2026-12-09T09:00 as a browser's date picker sends it). Pure parsing: no clock, no time zone."""
import re
import unicodedata
from datetime import datetime

ROC_EPOCH = 1911
_DATE_TIME = re.compile(
    r"(?:民國)?(?P<year>\d{1,4})[/\-.年](?P<month>\d{1,2})[/\-.月](?P<day>\d{1,2})日?"
    r"(?:[T ]|日|(?<=\d)(?=\s))?\s*(?:(?:上午|下午)?(?P<hour>\d{1,2})[:時](?P<minute>\d{2})?分?)?$")


def parse_date_time(text: str) -> datetime:
    """A naive wall-clock datetime from what was typed; a year of up to three digits is an ROC
    year (115 → 2026), four digits a Gregorian one. ValueError when it is not a date and time."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()  # full-width digits and colons
    cleaned = re.sub(r"\s+", " ", cleaned.replace("（", "(").replace("）", ")"))
    cleaned = re.sub(r"\s*\([^)]*\)\s*", " ", cleaned).strip()  # a weekday in brackets: 115/12/09（三）09:00
    found = _DATE_TIME.match(cleaned)
    if not found or found["hour"] is None:
        raise ValueError("not a date and time")
    year = int(found["year"])
    if len(found["year"]) <= 3:
        year += ROC_EPOCH
    hour = int(found["hour"])
    if cleaned.find("下午") >= 0 and hour < 12:
        hour += 12
    return datetime(year, int(found["month"]), int(found["day"]), hour, int(found["minute"] or 0))


def roc_input(moment: datetime | None) -> str:
    """A wall-clock datetime as staff type it back: 115/12/09 09:00."""
    if moment is None:
        return ""
    return f"{moment.year - ROC_EPOCH}/{moment.month:02d}/{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"
