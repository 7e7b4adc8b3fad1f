"""The applicant's forms on the private page (issue 9, item 2): correct name or organisation, switch
to observing, add or drop cases, and "resend my link". They parse and bound; changes.py applies the rules."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..forms import BaseForm
from ..violations import MESSAGES
from .forms_public import CaseChoiceField, fold_width, sendable_email, strip_spaces
from .models import ACTIVE, SPEAK


class ChangeForm(BaseForm):
    """A change that may cost a place: `accept_losses` is set by the confirmation step that names the loss."""

    accept_losses = BooleanField()


class DetailsForm(ChangeForm):
    """Correct a typo in one's name or organisation (checked again under V5)."""

    name = StringField(_l("Full name"), filters=[strip_spaces], validators=[
        DataRequired(MESSAGES["name_required"]), Length(max=80)])
    organisation = StringField(_l("Organisation (optional)"), filters=[strip_spaces], validators=[Length(max=120)])


class ObserveForm(ChangeForm):
    """Switch from speaking to observing, keeping the time of application."""


class CasesForm(ChangeForm):
    """The cases a speaker speaks on, ticked: untick to drop one, tick to add one."""

    case_ids = CaseChoiceField(_l("The cases I want to speak on"), coerce=int)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_ids.choices = [SelectChoice(case.id, case.title) for case in meeting.cases]


class ResendForm(BaseForm):
    """Ask for the links of one's applications again, by e-mail address."""

    email = EmailField(_l("E-mail"), filters=[strip_spaces, fold_width], validators=[
        DataRequired(_l("Enter your e-mail address.")), sendable_email, Length(max=254),
        Email(_l("Enter a valid e-mail address, such as name@example.tw."), check_deliverability=False)],
        description=_l("The address you applied with."))


def change_forms(application, now) -> dict:
    """The private page's change forms, as the page first shows them (current values filled in), and
    whether the application may be changed now: active, and its meeting neither over nor cancelled."""
    meeting = application.meeting
    changeable = application.status == ACTIVE and now < meeting.ends_at and meeting.status != "cancelled"
    forms = {"changeable": changeable, "details_form": None, "cases_form": None, "observe_form": None}
    if not changeable:
        return forms
    forms["details_form"] = DetailsForm(formdata=None, name=application.name, organisation=application.organisation)
    if application.kind == SPEAK:
        forms["observe_form"] = ObserveForm(formdata=None)
        if meeting.cases:
            forms["cases_form"] = CasesForm(meeting, formdata=None,
                                            case_ids=[r.case_key for r in application.requests])
    return forms
