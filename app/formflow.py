"""How a staff form submission ends: saved and redirected, or refused with each problem beside its field."""
from flask import flash, redirect

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
