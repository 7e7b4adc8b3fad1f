"""The sign-in desk's forms (V2); they parse input, app/dayof/signin.py applies the rules."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..labels import choices
from ..meetings.forms import ManagePageForm
from ..registrations.forms_public import CaseChoiceField
from ..rules.signin import BADGE_MAX

BADGE_HELP = _l("The number on the badge you hand over; leave empty if none.")


class CodeForm(ManagePageForm):
    """A check-in code, typed or scanned (a hand-held scanner types it and presses Enter), and the badge."""

    id_prefix = "desk"

    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Type the code or scan the QR code; Enter signs the person in."))
    badge = StringField(_l("Badge number"), validators=[Length(max=BADGE_MAX)], description=BADGE_HELP)


class RowSignInForm(ManagePageForm):
    """Sign in one person found by name, organisation or phone, with their badge."""

    badge = StringField(_l("Badge number"), validators=[Length(max=BADGE_MAX)])

    def __init__(self, *args, application_id=0, **kwargs):
        self.application_id, self.id_prefix = application_id, f"person{application_id}"
        super().__init__(*args, **kwargs)


class ActionForm(ManagePageForm):
    """An action that needs nothing but the CSRF token (undo a sign-in, pass over a speaker)."""


class WalkInForm(ManagePageForm):
    """An application made at the desk, to speak (V4: on site) or to observe, in a few keystrokes."""

    id_prefix = "walkin"

    kind = RadioField(_l("Applies to"), choices=choices("application_kind"), default="speak",
                      validators=[InputRequired()])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=120)],
                               description=_l("Leave empty for a private person."))
    phone = StringField(_l("Phone"), validators=[Length(max=40)],
                        description=_l("A phone number or an e-mail address is required."))
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    case_ids = CaseChoiceField(_l("Cases to speak on"), coerce=int, validators=[Optional()])
    interest_group = StringField(_l("Interest group"), validators=[Length(max=120)],
                                 description=_l("People sharing an interest choose 1 to 5 representatives "
                                                "among themselves (venue rules, point 3(2)); optional."))
    badge = StringField(_l("Badge number"), validators=[Length(max=BADGE_MAX)], description=BADGE_HELP)

    def service_data(self) -> dict:
        """The values in the shape registrations.desk.record_other_channel takes (on site, consent given)."""
        data = {name: (getattr(self, name).data or "").strip() for name in (
            "kind", "name", "organisation", "phone", "email", "interest_group")}
        return data | {"case_ids": self.case_ids.data or [], "township": "", "village": "", "locale": "zh_Hant_TW",
                       "party_concerned": False, "party_statement": ""}
