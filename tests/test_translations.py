"""The Traditional Chinese catalogue: complete, placeholder-safe, compiled and used by the app.

No app fixture: these tests read the source and the catalogue directly, and build their own app
only to prove that the compiled catalogue is what people see.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app, timefmt

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
ZH_PO = TRANSLATIONS / "zh_Hant_TW" / "LC_MESSAGES" / "messages.po"
# The Makefile's `extract-messages` adds these keywords to Babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# Python's %-format with a mapping key: flags, width, precision, length modifier, conversion.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
UPCOMING_ZH = "近期會議"


def visible_directory(path: str) -> bool:
    """Skip only hidden directories: Babel's default also skips `_macros`, whose strings people do see."""
    name = os.path.basename(path)
    return not name.startswith(".") and name != "__pycache__"


def source_msgids() -> set[str]:
    """Every msgid the current source marks for translation, with babel.cfg and the Makefile's keywords."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    msgids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=visible_directory):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            msgids.add(msgid)
    return msgids


def zh_catalog():
    """The Traditional Chinese catalogue as it is on disk."""
    with open(ZH_PO, "rb") as po:
        return read_po(po, locale="zh_Hant_TW")


def placeholders(text: str) -> set[str]:
    """The names of the %(name)s placeholders in a string."""
    return set(PLACEHOLDER.findall(text))


def compile_catalogues_if_stale():
    """Compile each .po whose .mo is missing or older, atomically, as `pybabel compile -f` would."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as po:
            catalog = read_po(po, locale=po_path.parent.parent.name)
        # A temporary file and a rename, so that a parallel worker never reads half a catalogue.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as mo:
            write_mo(mo, catalog, use_fuzzy=True)
        shutil.copymode(po_path, tmp)
        os.replace(tmp, mo_path)


def test_every_source_message_has_a_non_fuzzy_traditional_chinese_translation():
    catalog = zh_catalog()
    missing, fuzzy = [], []
    for msgid in sorted(source_msgids()):
        message = catalog.get(msgid)
        if message is None or not message.string:
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, (f"{len(missing)} msgid(s) lack a zh_Hant_TW translation; run `make extract-messages` "
                         "and translate them (strings from app/templates/_macros/ reach the catalogue only when "
                         "pybabel extract runs with --ignore-dirs '.* __pycache__'):\n" + "\n".join(missing))
    assert not fuzzy, f"{len(fuzzy)} zh_Hant_TW translation(s) are marked fuzzy:\n" + "\n".join(fuzzy)


def test_no_translation_in_the_catalogue_is_empty_or_fuzzy():
    problems = [m.id for m in zh_catalog() if m.id and (not m.string or m.fuzzy)]
    assert not problems, "empty or fuzzy zh_Hant_TW entries:\n" + "\n".join(map(str, problems))


def test_translations_keep_every_placeholder_of_the_msgid_and_add_none():
    wrong = []
    for message in zh_catalog():
        if not message.id or not message.string:
            continue
        wanted, found = placeholders(message.id), placeholders(message.string)
        if wanted != found:
            wrong.append(f"{message.id!r}: missing {sorted(wanted - found)}, unknown {sorted(found - wanted)}")
    assert not wrong, "placeholder mismatches:\n" + "\n".join(wrong)


def test_every_translation_formats_with_the_values_the_code_passes():
    # Jinja's gettext %-formats every string, so a stray "%" would break a page.
    broken = []
    for message in zh_catalog():
        if not message.id or not message.string:
            continue
        values = {name: "1" for name in placeholders(message.id)}
        try:
            message.string % values
        except (KeyError, ValueError, TypeError) as error:
            broken.append(f"{message.id!r}: {error!r}")
    assert not broken, "translations that fail to format:\n" + "\n".join(broken)


def test_pybabel_compile_succeeds_so_make_translations_does_not_stop(tmp_path):
    # Compile a copy: the check is what matters here, not the .mo the app reads.
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        target = tmp_path / po_path.relative_to(TRANSLATIONS)
        target.parent.mkdir(parents=True)
        target.write_bytes(po_path.read_bytes())
    pybabel = Path(sys.executable).with_name("pybabel")
    result = subprocess.run([str(pybabel), "compile", "-d", str(tmp_path), "-f"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def zh_app():
    """The app with freshly compiled catalogues; no database is touched."""
    compile_catalogues_if_stale()
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_app_speaks_traditional_chinese_from_the_compiled_catalogue_by_default(zh_app):
    with zh_app.test_request_context():
        assert flask_babel.gettext("Upcoming meetings") == UPCOMING_ZH
        assert str(flask_babel.get_locale()) == "zh_Hant_TW"


def test_dates_show_the_roc_year_month_day_and_weekday_compactly(zh_app):
    # Issue 9, item 6: one compact form; the Gregorian date is in the HTML's <time> (tests/rules/test_timefmt.py).
    with zh_app.test_request_context():
        shown = timefmt.roc_date(date(2026, 11, 24))
    assert shown == "115/11/24（二）"


def test_english_visitors_see_the_english_msgids(zh_app):
    with zh_app.test_request_context(headers={"Cookie": "lang=en"}):
        assert flask_babel.gettext("Upcoming meetings") == "Upcoming meetings"
        assert timefmt.roc_date(date(2026, 11, 24)) == "Tue 24 Nov 2026"


def test_a_rendered_page_uses_the_chinese_catalogue(zh_app):
    response = zh_app.test_client().get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "國土計畫民眾參與平臺" in html
    assert "找不到網頁" in html
    assert "Page not found" not in html


def test_babel_cfg_covers_every_template_so_no_text_escapes_the_catalogue():
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, _options = parse_mapping_cfg(cfg)
    patterns = [pattern for pattern, method in method_map if method == "jinja2"]
    templates = [p.relative_to(ROOT).as_posix() for p in (ROOT / "app" / "templates").rglob("*") if p.is_file()]
    uncovered = [t for t in templates if not any(fnmatch.fnmatch(t, p.replace("**", "*")) for p in patterns)]
    assert uncovered == []


def test_wtforms_own_messages_are_traditional_chinese_on_chinese_pages(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    from wtforms import StringField
    from wtforms.validators import DataRequired, Length

    from app.forms import BaseForm

    class Probe(BaseForm):  # BaseForm.Meta supplies WTForms' zh_TW catalogue (no library patch)
        name = StringField(validators=[DataRequired(), Length(max=3)])

    with app.test_request_context(method="POST", data={"name": ""}):
        form = Probe(meta={"csrf": False})
        form.validate()
        assert form.name.errors == ["此欄位是必需的。"]  # WTForms' zh_TW, not its Simplified 该字段是必填字段。
