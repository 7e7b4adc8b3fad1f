"""Comparing what people type: organisation and village names, e-mail, phone; masking names (V5, V7)."""
import re
import unicodedata

# Characters written two ways in Taiwan; the second form is folded into the first.
_VARIANTS = str.maketrans({"臺": "台", "邨": "村"})
# Words that add nothing to identify a group or place: spaces, punctuation and symbols of any width.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MASK = "○"


def clean_text(text: str, *, multiline: bool = False) -> str:
    """What a person typed, without invisible control and format characters (NUL, bidi overrides,
    zero-width spaces) that could make a name display as another; line breaks kept if `multiline`."""
    kept = "\n" if multiline else ""
    return "".join(ch for ch in (text or "") if ch in kept or unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def normalise_name(text: str) -> str:
    """A key equal for «臺灣環境資訊協會» and « 台灣環境資訊協會 »: NFKC (full → half width), 臺 → 台,
    case folded, spaces and punctuation removed (V5, V7)."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_VARIANTS).casefold()
    # Normalised again: dropping punctuation can bring together characters that compose.
    return unicodedata.normalize("NFKC", _NOISE.sub("", folded))


def normalise_village(township: str, village: str) -> str:
    """A key for a village or borough (村／里) within its township, compared like group names (V7)."""
    village_key = normalise_name(village)
    if not village_key:
        return ""
    return f"{normalise_name(township)}/{village_key}"


def normalise_email(address: str) -> str:
    """An e-mail address compared case-insensitively, without surrounding spaces (V5)."""
    return unicodedata.normalize("NFKC", address or "").strip().casefold()


def normalise_phone(number: str) -> str:
    """A phone number reduced to its digits, +886 written as a leading 0 (V5)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", number or ""))
    for prefix in ("00886", "886"):  # +886 or 00886, with or without the trunk 0 kept: +886 (0)912…
        if digits.startswith(prefix):
            return "0" + digits[len(prefix):].removeprefix("0")
    return digits


def mask_name(name: str) -> str:
    """A person's name for public lists: the first character kept, the rest masked (王小明 → 王○○).

    A two-character name keeps its first (王明 → 王○); a name written without CJK characters keeps
    the first letter of each word (José García → J○○ G○○)."""
    name = (name or "").strip()
    if not name:
        return ""
    if not any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in name):
        return " ".join(word[0] + MASK * 2 for word in name.split())
    return name[0] + MASK * max(1, len(name) - 1)
