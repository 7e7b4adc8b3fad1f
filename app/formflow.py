"""How a staff form submission ends (saved and redirected, or refused with each problem beside its
field), and the checks every staff form shares."""
from flask import flash, redirect
from flask_babel import gettext
from wtforms.validators import ValidationError

from .extensions import db
from .violations import RuleViolation, apply_to_form


def refuse(form, violation: RuleViolation) -> bool:
    """Undo a refused attempt, put each problem next to its field and flash the rest; True."""
    db.session.rollback()
    for message in apply_to_form(form, violation):
        flash(message, "error")
    return True


def form_status(form, refused: bool = False) -> int:
    """The status of a re-shown form: 400 when a field check or a rule refused it, else 200."""
    return 400 if refused or form.errors else 200


def submit(form, action, message: str, next_url):
    """Run `action()` for a valid submission: commit, flash `message` and redirect to `next_url(result)`.

    Returns (the redirect or None, whether a rule refused it). On a RuleViolation nothing is kept:
    the transaction is rolled back and the problems go next to their fields (see refuse).
    """
    if not form.validate_on_submit():
        return None, False
    try:
        result = action()
    except RuleViolation as violation:
        return None, refuse(form, violation)
    db.session.commit()
    flash(message, "success")
    return redirect(next_url(result)), False


FIRST_YEAR, LAST_YEAR = 1912, 2199  # the ROC calendar begins in 1912; nothing here is planned beyond 2199


def plausible_year(form, field):
    """Refuse a date whose year is a typo (0202, 20255): it would break the ROC date and calendar files."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(gettext("Enter a year between %(first)s and %(last)s.", first=FIRST_YEAR,
                                      last=LAST_YEAR))
