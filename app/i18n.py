"""Translations looked up once per language, not once per string.

Flask-Babel's gettext finds the request context, the domain, the locale and that locale's
catalogue again on every call (about 7 µs); a list page makes hundreds of calls. These helpers
keep Flask-Babel's choice of language (the locale selector, `force_locale` around e-mails) and its
catalogues, and skip only the repeated look-ups: Python code asks `get_locale()` once per call,
templates read the language their render started with (`locale_code`, from a context processor
that runs at every render, inside any `force_locale`).
"""
from flask_babel import force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

# Locale code -> Flask-Babel's translations for it. Flask-Babel keeps the same objects for the
# whole process (one domain, one set of directories); this only finds them faster.
_CATALOGUES = {}


def locale_code() -> str | None:
    """The current language's code (zh_Hant_TW, en), None outside a request."""
    locale = get_locale()
    return None if locale is None else str(locale)


def catalogue(code: str | None = None):
    """Flask-Babel's translations for `code` (default: the current language)."""
    if code is None:
        code = locale_code()
        if code is None:
            return get_translations()  # outside a request: Flask-Babel's null translations
    try:
        return _CATALOGUES[code]
    except KeyError:
        with force_locale(code):
            translations = get_translations()
            if locale_code() == code:  # not the null translations of a moment without an app context
                _CATALOGUES[code] = translations
        return translations


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, faster: the string in the current language, `%(name)s` filled in."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext, faster (`num` is available as %(num)s)."""
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext (translated whenever it is used as a string), through gettext above."""
    return LazyString(gettext, string, **variables)


def _template_catalogue(context):
    code = context.get("locale_code")  # "None" only where no language was chosen (no request)
    return catalogue(None if code == "None" else code)


@pass_context
def _template_gettext(context, string):
    return _template_catalogue(context).ugettext(string)


@pass_context
def _template_ngettext(context, singular, plural, num):
    return _template_catalogue(context).ungettext(singular, plural, num)


@pass_context
def _template_pgettext(context, message_context, string):
    return _template_catalogue(context).upgettext(message_context, string)


@pass_context
def _template_npgettext(context, message_context, singular, plural, num):
    return _template_catalogue(context).unpgettext(message_context, singular, plural, num)


@pass_context
def _newstyle_gettext(context, string, **variables):
    # What jinja2.ext's newstyle gettext does, in one call instead of three (_ -> gettext -> ours).
    text = _template_catalogue(context).ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _newstyle_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = _template_catalogue(context).ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def register_template_gettext(app):
    """Templates' _(), gettext and ngettext through the catalogues above. Jinja's documented hook
    installs them (replacing Flask-Babel's slower callables), newstyle as Flask-Babel has them;
    `_`, gettext and ngettext, called hundreds of times a page, then go straight to the same work."""
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True,
        pgettext=_template_pgettext, npgettext=_template_npgettext)
    app.jinja_env.globals.update(_=_newstyle_gettext, gettext=_newstyle_gettext, ngettext=_newstyle_ngettext)
