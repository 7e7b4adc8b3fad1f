"""Comparing what people type: organisation and village names, e-mail, phone; masking names (V5, V7)."""
import re
import unicodedata
from functools import lru_cache

import opencc

# Characters written two ways in Taiwan; the second form is folded into the first. 裏 comes back
# from OpenCC's Simplified-to-Traditional table for 里, which is a village (里) here.
_VARIANTS = {"臺": "台", "邨": "村", "裏": "里"}
_S2T = opencc.OpenCC("s2t")
# A trailing abbreviation in brackets: "臺灣環境資訊協會 (TEIA)", after NFKC made （） half width.
_ABBREVIATION = re.compile(r"\s*\(\s*[A-Za-z][A-Za-z0-9.&\- ]{0,19}\)\s*$")
# Words that add nothing to identify a group or place: spaces, punctuation and symbols of any width.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MASK = "○"


def clean_text(text: str, *, multiline: bool = False) -> str:
    """What a person typed, without invisible control and format characters (NUL, bidi overrides,
    zero-width spaces) that could make a name display as another; line breaks kept if `multiline`."""
    kept = "\n" if multiline else ""
    return "".join(ch for ch in (text or "") if ch in kept or unicodedata.category(ch) not in ("Cc", "Cf")).strip()


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    # Character by character, not phrase by phrase: a phrase table would map the same character
    # differently by its neighbours, and a key must not depend on them. Applied twice, so that the
    # fold is idempotent whatever the table maps to what (台 → 臺 → 台).
    once = "".join(_VARIANTS.get(c, c) for c in _S2T.convert(ch))
    return "".join(_VARIANTS.get(c, c) for c in _S2T.convert(once)) if once != ch else once


def fold_chinese(text: str) -> str:
    """Simplified characters as Traditional ones (OpenCC s2t), and Taiwan's two spellings as one
    (臺 → 台, 邨 → 村, 裏 → 里): 台湾环境资讯协会 and 臺灣環境資訊協會 fold alike (V5, V7)."""
    return "".join(_fold_char(ch) if ord(ch) > 0x2E7F else ch for ch in text)


def strip_abbreviation(text: str) -> str:
    """The name without a trailing abbreviation in brackets ("…協會 (TEIA)" → "…協會"), unless
    nothing else is left."""
    stripped = _ABBREVIATION.sub("", text)
    return stripped if stripped.strip() else text


def normalise_name(text: str) -> str:
    """A key equal for «臺灣環境資訊協會», « 台灣環境資訊協會 », 台湾环境资讯协会 and 臺灣環境資訊協會 (TEIA):
    NFKC (full → half width), Simplified → Traditional and 臺 → 台, a trailing bracketed abbreviation
    dropped, case folded, spaces and punctuation removed (V5, V7)."""
    return _fixpoint(_name_pass, strip_abbreviation(unicodedata.normalize("NFKC", text or "")))


def _name_pass(text: str) -> str:
    folded = fold_chinese(unicodedata.normalize("NFKC", text.casefold()))
    # Normalised again: dropping punctuation can bring together characters that compose.
    return unicodedata.normalize("NFKC", _NOISE.sub("", folded))


def _fixpoint(step, text: str, limit: int = 5) -> str:
    # Each fold can expose another (NFKC after case folding, a character after its neighbour left):
    # repeat until nothing changes, so that a key normalised again stays the same.
    for _ in range(limit):
        again = step(text)
        if again == text:
            break
        text = again
    return text


def normalise_village(township: str, village: str) -> str:
    """A key for a village or borough (村／里) within its township, compared like group names (V7)."""
    village_key = normalise_name(village)
    if not village_key:
        return ""
    return f"{normalise_name(township)}/{village_key}"


def normalise_email(address: str) -> str:
    """The identity of an e-mail address (V5): NFKC, lower case, no surrounding spaces, and no
    `+tag` in the local part (name+x@example.tw is name@example.tw). For comparing only: mail
    still goes to the address as typed."""
    address = _fixpoint(lambda a: unicodedata.normalize("NFKC", a).strip().lower(), address or "")
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    base = local.split("+", 1)[0]
    return f"{base or local}@{domain}"


def email_is_sendable(address: str) -> bool:
    """Whether mail can be sent to the address as typed once NFKC made full-width letters plain:
    ASCII only, since the outbox does not speak SMTPUTF8 (an address in Chinese is refused)."""
    return unicodedata.normalize("NFKC", address or "").strip().isascii()


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
