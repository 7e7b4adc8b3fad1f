"""The applicant's forms: apply to speak or observe (V1), confirm the e-mail address, cancel (W4).

They parse and bound the input; the services apply the rules. Lengths match the columns; the
normalised keys stored beside each value, which NFKC can lengthen (⑳ → 20), are checked by the
services (services.key_problems) on every path, the desk's included.
"""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm
from ..rules.names import email_is_sendable
from ..violations import MESSAGES
from .models import OBSERVE, SPEAK

STATEMENT_MAX = 2000


def strip_spaces(value):
    """A filter: the text without leading and trailing spaces."""
    return value.strip() if isinstance(value, str) else value


def fold_width(value):
    """A filter: full-width letters typed with a Chinese input method (ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ) as plain ones."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def sendable_email(form, field):
    """An address the outbox can send to: plain ASCII once NFKC has folded full-width letters (the
    outbox does not speak SMTPUTF8), refused here with a clear message rather than never mailed."""
    if field.data and not email_is_sendable(field.data):
        raise StopValidation(MESSAGES["email_not_ascii"])


class CaseChoiceField(SelectMultipleField):
    """The cases a speaker asks for, as checkboxes (no JavaScript needed); ids that are not numbers or
    not this meeting's cases are a field error, never a database query."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        """Keep the ids that are whole numbers; anything else is reported by pre_validate."""
        self._malformed = any(not (v.isascii() and v.isdigit() and len(v) < 12) for v in valuelist)
        self.data = [int(v) for v in valuelist if v.isascii() and v.isdigit() and len(v) < 12]

    def pre_validate(self, form):
        """Only this meeting's cases."""
        known = {choice.value for choice in self.choices}
        if getattr(self, "_malformed", False) or any(value not in known for value in self.data or []):
            raise StopValidation(MESSAGES["case_unknown"])


class ApplicationForm(BaseForm):
    """Apply to speak or observe at one meeting (V1), with the personal-data notice agreed to."""

    kind = RadioField(_l("I want to"), choices=[SelectChoice(SPEAK, _l("Speak")), SelectChoice(OBSERVE, _l("Observe"))],
                      validators=[InputRequired(_l("Choose whether you want to speak or to observe."))])
    name = StringField(_l("Full name"), filters=[strip_spaces], validators=[
        DataRequired(MESSAGES["name_required"]), Length(max=80)])
    organisation = StringField(_l("Organisation (optional)"), filters=[strip_spaces],
                               validators=[Length(max=120)],
                               description=_l("The group you speak or observe for; leave empty if you come "
                                              "as an individual."))
    township = StringField(_l("Township or district (optional)"), filters=[strip_spaces],
                           validators=[Length(max=40)])
    village = StringField(_l("Village or borough (optional)"), filters=[strip_spaces],
                          validators=[Length(max=40)])
    email = EmailField(_l("E-mail"), filters=[strip_spaces, fold_width], validators=[
        DataRequired(_l("Enter your e-mail address.")), sendable_email, Length(max=254),
        Email(_l("Enter a valid e-mail address, such as name@example.tw."), check_deliverability=False)],
        description=_l("We send a link to this address; your application counts only once you open it "
                       "and confirm."))
    phone = TelField(_l("Phone (optional)"), filters=[strip_spaces],
                        validators=[Length(max=40)])
    case_ids = CaseChoiceField(_l("The cases I want to speak on"), coerce=int)
    party_concerned = BooleanField(_l("I am a party concerned by the case"),
                                   description=_l("Parties concerned speak before other applicants when "
                                                  "places run short (venue rules, point 3(4)); the "
                                                  "secretariat checks the claim."))
    party_statement = TextAreaField(_l("How the case concerns you"), filters=[strip_spaces],
                                    validators=[Length(max=STATEMENT_MAX)],
                                    description=_l("For example: you own or live on land the case covers."))
    consent = BooleanField(_l("I have read the personal-data notice and agree to it"),
                           validators=[DataRequired(MESSAGES["consent_required"])])

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limits of this meeting's own settings (venue rules, point 3; V5, V7).
        self.organisation.description = _l("The group you speak or observe for; leave empty if you come as an "
                                           "individual. Each group has one speaker per case and %(n)s observers "
                                           "in principle (venue rules, point 3).", n=meeting.observers_per_group)
        self.village.description = _l("For residents: each village or borough sends %(n)s observers in "
                                      "principle (venue rules, point 3).", n=meeting.observers_per_village)
        if meeting.cases:
            self.case_ids.choices = [SelectChoice(case.id, case.title) for case in meeting.cases]
        else:  # a hearing: the meeting is its one case
            del self.case_ids

    def validate(self, extra_validators=None):
        """Observers' speaking fields are ignored, not checked: a browser without JavaScript still sends
        what was typed there before "observe" was chosen (issue 9, item 7)."""
        if self.kind.data == OBSERVE:
            if "case_ids" in self:
                self.case_ids.data, self.case_ids._malformed = [], False
            self.party_concerned.data, self.party_statement.data = False, ""
        return super().validate(extra_validators)

    def validate_village(self, field):
        """A village is named within its township (V7)."""
        if field.data and not self.township.data:
            raise ValidationError(MESSAGES["township_required"])

    def validate_case_ids(self, field):
        """A speaker chooses at least one case (the only case of a one-case meeting is taken as chosen)."""
        if self.kind.data == SPEAK and not field.data and len(field.choices) > 1:
            raise ValidationError(MESSAGES["case_required"])

    def validate_party_statement(self, field):
        """A speaker claiming to be a party concerned says how (V6)."""
        if self.kind.data == SPEAK and self.party_concerned.data and not field.data:
            raise ValidationError(MESSAGES["party_statement_required"])

    def service_data(self, locale: str) -> dict:
        """The values in the shape services.submit_application takes."""
        speaks = self.kind.data == SPEAK
        return {
            "kind": self.kind.data, "name": self.name.data, "organisation": self.organisation.data or "",
            "township": self.township.data or "", "village": self.village.data or "",
            "email": self.email.data, "phone": self.phone.data or "",
            "case_ids": (self.case_ids.data or []) if speaks and "case_ids" in self else [],
            "party_concerned": speaks and bool(self.party_concerned.data),
            "party_statement": (self.party_statement.data or "") if speaks else "",
            "consent": bool(self.consent.data), "locale": locale,
        }


class ConfirmForm(BaseForm):
    """The "Confirm my application" button: a POST, so that mail scanners opening the link confirm nothing."""


class CancelForm(BaseForm):
    """Cancel one's application, ticking a box first so that it is not done by accident (W4)."""

    confirm = BooleanField(_l("Yes, cancel my application"),
                           validators=[DataRequired(_l("Tick the box to confirm that you want to cancel."))])
