"""The sign-in desk's pure rules (V2): reading a check-in code as typed or scanned, badge numbers,
and whom an absent speaker's place goes to."""
import re
import unicodedata

from . import Problem

BADGE_MAX = 20
CODE_LENGTH = 8
# A hand-held scanner types the code as a keyboard would; people type it with spaces, dashes or in lower case.
_NOT_CODE = re.compile(r"[\s\-_.]")
_CODE_SHAPE = re.compile(r"^[A-Z0-9]{%d}$" % CODE_LENGTH)


def normalise_code(text: str) -> str:
    """A check-in code as stored: full-width letters as plain ones, upper case, no spaces or dashes."""
    return _NOT_CODE.sub("", unicodedata.normalize("NFKC", text or "")).upper()


def looks_like_code(text: str) -> bool:
    """Whether what was typed has the shape of a check-in code (8 letters and digits)."""
    return bool(_CODE_SHAPE.match(normalise_code(text)))


def normalise_badge(text: str) -> str:
    """A badge number as recorded: NFKC (full-width digits as plain ones), trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def badge_problems(badge: str) -> list[Problem]:
    """A badge number is optional, on one line and short (V2: the badge exchanged at the desk)."""
    if len(badge) > BADGE_MAX or any(unicodedata.category(c).startswith("C") for c in badge):
        return [Problem("badge", "badge_invalid", {"limit": BADGE_MAX})]
    return []


def next_badge(taken: list[str]) -> str:
    """The badge number to suggest next: one more than the largest numeric badge handed out, or 1."""
    numbers = [int(b) for b in taken if b.isdigit()]
    return str(max(numbers, default=0) + 1)


def next_present(waiting: list[tuple[int, int]], present: set) -> int | None:
    """V2, V6: the first waitlisted request (key, position) whose person is present (signed in)."""
    for key, _position in sorted(waiting, key=lambda pair: pair[1]):
        if key in present:
            return key
    return None
