"""The secretariat desk's forms; they parse input, the desk services apply the rules."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..formflow import plausible_year
from ..forms import BaseForm
from ..labels import LABELS, choices
from ..meetings.forms import ManagePageForm
from .forms_public import CaseChoiceField
from .models import CHANNELS


def optional_id(value) -> int | None:
    """A select's value as an id, or None for the empty choice."""
    return int(value) if value not in (None, "") else None


class RecordForm(BaseForm):
    """An application that came by telephone, fax, paper, e-mail or on site (V4)."""

    channel = SelectField(_l("How the application came in"), validators=[InputRequired()],
                          choices=[SelectChoice("", _l("Choose…"))] + [
                              SelectChoice(code, LABELS["channel"][code]) for code in CHANNELS[1:]])
    kind = RadioField(_l("Applies to"), choices=choices("application_kind"), default="speak",
                      validators=[InputRequired()])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=120)],
                               description=_l("Leave empty for a private person."))
    township = StringField(_l("Township or district"), validators=[Length(max=40)])
    village = StringField(_l("Village or borough"), validators=[Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)],
                        description=_l("An e-mail address or a phone number is required; with an address the "
                                       "applicant is told of their place by e-mail."))
    phone = TelField(_l("Phone"), validators=[Length(max=40)])
    locale = SelectField(_l("Language for e-mails"), choices=choices("language"), default="zh_Hant_TW")
    case_ids = CaseChoiceField(_l("Cases to speak on"), coerce=int, validators=[Optional()])
    party_concerned = BooleanField(_l("Claims to be a party concerned by the case"),
                                   description=_l("Parties concerned whose claim you accept come first (venue "
                                                  "rules, point 3(4)); the claim waits for a decision on the "
                                                  "application's page."))
    party_statement = TextAreaField(_l("How the case concerns them"), validators=[Length(max=2000)])
    interest_group = StringField(
        _l("Interest group"), validators=[Length(max=120)],
        description=_l("Under point 3(2) of the Ministry's Meeting and Venue Management Rules, people who share "
                       "a common interest and apply on paper, by e-mail, orally or on site pick from among "
                       "themselves 1 to 5 representatives to speak (at most 10 when necessary). Name the group "
                       "the same way for each of its representatives: they are counted together, against the "
                       "number of representatives per case and interest set on the list of applications."))

    def validate_party_statement(self, field):
        """A party-concerned claim says how the case concerns the applicant."""
        if self.party_concerned.data and not (field.data or "").strip():
            raise ValidationError(_l("Say briefly how the case concerns them."))

    def service_data(self) -> dict:
        """The values in the shape desk.record_other_channel takes."""
        data = {name: getattr(self, name).data for name in (
            "channel", "kind", "name", "organisation", "township", "village", "email", "phone", "locale",
            "party_concerned", "party_statement", "interest_group")}
        data["case_ids"] = self.case_ids.data or []
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


class CapsForm(ManagePageForm):
    """Online speaking places (V3) and other-channel representatives (V4) per case, with the reason."""

    id_prefix = "caps"

    speaker_cap = IntegerField(_l("Online speakers per case"), validators=[InputRequired()],
                               description=_l("5 in principle, at most 10 when necessary (venue rules, point 3(1))."))
    representative_cap = IntegerField(_l("Representatives per shared interest and case (other channels)"),
                                      validators=[InputRequired()],
                                      description=_l("1 to 5, at most 10 when necessary (venue rules, point 3(2)); "
                                                     "counted for each group of parties sharing an interest."))
    reason = TextAreaField(_l("Reason for the change"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Recorded, and shown on the meeting page when it departs from your "
                                          "rule profile."))
    accept_losses = BooleanField(_l("If fewer places than are now held: take them from the last in order "
                                    "(they are told by e-mail)"))


class ClaimForm(ManagePageForm):
    """Accept or reject one speaking request's party-concerned claim (V6)."""

    decision = RadioField(_l("Decision"), validators=[InputRequired()], choices=[
        SelectChoice("accept", _l("Accept: a party concerned by the case")),
        SelectChoice("reject", _l("Do not accept"))])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)],
                         description=_l("Required when the claim is not accepted."))

    def __init__(self, *args, request_id=0, **kwargs):
        self.id_prefix = f"claim{request_id}"
        super().__init__(*args, **kwargs)

    def validate_note(self, field):
        """Rejecting a claim needs a note saying why."""
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the claim is not accepted."))


class RejectForm(ManagePageForm):
    """Reject the application, with the reason the applicant is told."""

    id_prefix = "reject"

    reason = TextAreaField(_l("Reason (sent to the applicant)"), validators=[DataRequired(), Length(max=2000)])


class PoolForm(ManagePageForm):
    """Move a speaker between online places (V3) and other-channel places (V4)."""

    id_prefix = "pool"

    pool = SelectField(_l("Pool"), choices=choices("pool"), validators=[InputRequired()])


class StaffCancelForm(ManagePageForm):
    """Cancel on the applicant's behalf: only the CSRF token."""

    id_prefix = "cancel"


class SuspensionForm(BaseForm):
    """Bar a person from applying until a date, after disrupting a meeting (V15)."""

    organizer_id = SelectField(_l("Organizer"), coerce=int, validators=[Optional()])
    name = StringField(_l("Full name"), validators=[Length(max=80)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)],
                        description=_l("Give an e-mail address, a phone number or both: applications from the "
                                       "address are refused; those typing the phone are marked for you to check."))
    phone = TelField(_l("Phone"), validators=[Length(max=40)])
    until = DateField(_l("Suspended until (inclusive)"), validators=[InputRequired(), plausible_year])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("For staff only; the person is told only to contact the secretariat."))
    meeting_id = SelectField(_l("Meeting where it happened"), coerce=optional_id, validators=[Optional()])
    fixed_organizer_id: int | None = None  # staff of one organizer act for it; admins choose
    meeting_organizers: dict = {}  # meeting id -> its organizer, for the meetings offered

    def chosen_organizer_id(self) -> int | None:
        """The organizer the suspension is for."""
        return self.fixed_organizer_id or (self.organizer_id.data if "organizer_id" in self else None)

    def validate_meeting_id(self, field):
        """The meeting named must be one of the organizer's."""
        if field.data and self.meeting_organizers.get(field.data) != self.chosen_organizer_id():
            raise ValidationError(_l("Choose a meeting of the same organizer."))

    def service_data(self) -> dict:
        """The values in the shape desk.suspend_person takes."""
        return {"name": self.name.data or "", "email": (self.email.data or "").strip(), "phone": self.phone.data or "",
                "until": self.until.data, "reason": self.reason.data or "", "meeting_id": self.meeting_id.data or None}


class LiftForm(BaseForm):
    """Lift a suspension: only the CSRF token."""


class DeskFiltersForm(BaseForm):
    """The list's filters and search, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=100)],
                    description=_l("Name, organisation, e-mail, phone or check-in code."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("All"))] + choices("application_kind"))
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("All"))] + choices("application_status"))
    outcome = SelectField(_l("Place held"), choices=[SelectChoice("", _l("All"))] + choices("outcome"))
    pool = SelectField(_l("Pool"), choices=[SelectChoice("", _l("All"))] + choices("pool"))
    case = SelectField(_l("Case"), choices=[])
    claim = BooleanField(_l("Only pending party-concerned claims"), false_values=("", "false", "0"))


class SameGroupForm(BaseForm):
    """Two names of one group: the first counts as the second from now on."""

    alias_name = StringField(_l("This name"), validators=[Length(max=120)],
                             description=_l("For example an old name, an English name, or a spelling the portal "
                                            "does not already treat as the same."))
    canonical_name = StringField(_l("is the same group as"), validators=[Length(max=120)])


class RemoveForm(BaseForm):
    """Undo one alias: only the CSRF token."""
