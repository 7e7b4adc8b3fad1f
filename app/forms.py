"""The base of every form: WTForms' own messages in the visitor's language, and one line per single-line field.

`BaseForm.Meta` is Flask-WTF's and WTForms' supported place for both: `get_translations` supplies
the catalogue, `bind_field` adds `single_line` to every single-line text field (StringField and its
kinds, text areas excepted), so that no form can forget it.
"""
import unicodedata
from functools import cache

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.i18n import get_translations
from wtforms.validators import StopValidation

# Babel's names -> WTForms' catalogue names: WTForms calls Traditional Chinese `zh_TW`; asked for
# `zh_Hant_TW` it would fall back to `zh`, its Simplified Chinese.
WTFORMS_LOCALES = {"zh_Hant_TW": "zh_TW", "en": "en"}
LINE_BREAKS = {"Zl", "Zp"}  # U+2028, U+2029: line and paragraph separators


@cache
def wtforms_translations(locale: str):
    """WTForms' built-in messages for one of our locales (loaded once per locale)."""
    return get_translations([WTFORMS_LOCALES.get(locale, "en")])


def has_control_character(text: str) -> bool:
    """Whether `text` holds a control character (C0, DEL, C1: line feed, CR, tab, …) or a line separator."""
    return any(unicodedata.category(char) == "Cc" or unicodedata.category(char) in LINE_BREAKS for char in text)


def single_line(form, field):
    """Refuse a line break, tab or other control character in a single-line field: such a value breaks
    e-mail headers, calendar files and exports downstream."""
    if isinstance(field.data, str) and has_control_character(field.data):
        raise StopValidation(_l("Enter this on one line, without line breaks, tabs or other control characters."))


def is_single_line(field) -> bool:
    """Whether a bound field takes one line of text (a text input, e-mail, URL, password, search …)."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


class BaseForm(FlaskForm):
    """Every form of the portal derives from this one."""

    class Meta:
        def get_translations(self, form):
            """WTForms' messages in the request's language (English outside a request)."""
            locale = str(get_locale()) if has_request_context() else "en"
            return wtforms_translations(locale)

        def bind_field(self, form, unbound_field, options):
            """Bind as WTForms does, then check single-line text fields with `single_line`."""
            field = super().bind_field(form, unbound_field, options)
            if is_single_line(field):
                field.validators = [*field.validators, single_line]
            return field
