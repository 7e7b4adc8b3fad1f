"""Staff responses' small rich text (paragraphs, lists, emphasis, links), sanitised on the way in, and the
folded form of citizens' text that the Chinese search matches."""
import re
import unicodedata

import bleach
from markupsafe import Markup

from ..rules.names import fold_chinese

ALLOWED_TAGS = ["p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = ["https", "http", "mailto"]
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def sanitise(html: str) -> str:
    """Keep only the small set of tags and safe links; everything else is removed or escaped."""
    cleaned = bleach.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                           protocols=ALLOWED_PROTOCOLS, strip=True)
    return bleach.linkify(cleaned, callbacks=[_no_follow], skip_tags=["a"], parse_email=False).strip()


def _no_follow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


def as_markup(stored: str) -> Markup:
    """A stored response as HTML for pages. Every write sanitises it (responses._checked: drafts, bulk answers,
    templates), so a page shows it as stored; cleaning it again cost about 5 ms a response on every view."""
    return Markup(stored)


def plain(stored: str) -> str:
    """A response as plain text, for e-mails, spreadsheets and the open data: no markup at all (a `<`
    that would open a tag once unescaped is shown as ‹)."""
    text = stored.replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n")
    lines = [line.strip() for line in bleach.clean(text, tags=[], strip=True).splitlines() if line.strip()]
    unescaped = "\n".join(lines).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _TAG_START.sub("‹", unescaped)


def search_key(*texts: str) -> str:
    """Text folded for searching: full width to half, Simplified to Traditional, 臺 to 台, case folded."""
    joined = " ".join(t for t in texts if t)
    return fold_chinese(unicodedata.normalize("NFKC", joined).casefold())


def like_pattern(query: str) -> str:
    """A LIKE pattern matching the folded query anywhere, with LIKE's wildcards escaped (escape '\\')."""
    key = search_key(query.strip())
    return "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
