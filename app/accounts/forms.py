"""The staff forms: sign-in (password, then code), password, two-factor set-up, invitations, roles."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..forms import BaseForm
from ..labels import choices

NEW_PASSWORD_HELP = _l("At least 12 characters; a few unrelated words are easy to remember.")
CODE_HELP = _l("The six digits your authenticator app shows for this portal.")


class LoginForm(BaseForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class CodeForm(BaseForm):
    """A six-digit code from the authenticator app (sign-in's second step, set-up, turning it off)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)], description=CODE_HELP,
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "20"})


class PasswordChangeForm(BaseForm):
    """The current password, and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                                 description=NEW_PASSWORD_HELP)
    confirm_password = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


class SetPasswordForm(BaseForm):
    """The invitee's first password, twice."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=NEW_PASSWORD_HELP, render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class RoleForm(BaseForm):
    """An account's role and, unless an administrator, its organizer."""

    role = SelectField(_l("Role"), choices=choices("role"))
    organizer_id = SelectField(_l("Organizer"), coerce=int, validators=[Optional()],
                               description=_l("Not used for administrators, who act for every organizer."))

    def set_organizers(self, organizers):
        """Offer these organizers (and “none”, for administrators)."""
        self.organizer_id.choices = [SelectChoice(0, _l("None (administrators)"))] + [
            SelectChoice(o.id, o.name) for o in organizers]


class InviteForm(RoleForm):
    """Who to invite, and the role they will have."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
