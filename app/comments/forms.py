"""Forms of the comments pages: they parse and bound input; the services apply the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..formflow import plausible_year
from ..forms import BaseForm
from ..registrations.forms_public import fold_width, sendable_email, strip_spaces
from ..rules.comments import OPINION_MAX_CHARS
from .wording import CHANNEL_LABELS, DECISION_LABELS, ORAL_FORM_LABELS


def options(pairs) -> list[SelectChoice]:
    """Menu choices as WTForms wants them, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


# The decision is checked by the service, which reports it beside the reasoning's problems (not WTForms first).
DECISION_CHOICES = options([("", "")] + list(DECISION_LABELS.items()))


def _plan_section():
    """The section of the plan a response changed: the same field on the response, bulk and template forms."""
    return StringField(_l("Plan section changed (optional)"), filters=[strip_spaces], validators=[Length(max=200)])


class OpinionFields(BaseForm):
    """Who sends a written opinion and what it says (P4)."""

    name = StringField(_l("Full name"), filters=[strip_spaces], validators=[Length(max=80)],
                       description=_l("Your name, or leave it empty and give your organisation's name."))
    organisation = StringField(_l("Organisation"), filters=[strip_spaces], validators=[Length(max=120)])
    address = StringField(_l("Address"), filters=[strip_spaces], validators=[Length(max=200)],
                          description=_l("Required by law with a written opinion; never published."))
    email = EmailField(_l("E-mail"), filters=[strip_spaces, fold_width],
                       validators=[Optional(), Length(max=254), sendable_email],
                       description=_l("We send your receipt and tell you when the answer is published."))
    text = TextAreaField(_l("Your opinion"), validators=[Length(max=OPINION_MAX_CHARS + 1000)])
    confidential = BooleanField(_l("Do not publish my name or my organisation's name"))

    def service_data(self) -> dict:
        """The fields as the services take them."""
        names = ("name", "organisation", "address", "email", "text")
        return {name: getattr(self, name).data or "" for name in names} | {"confidential": self.confidential.data}


class OpinionForm(OpinionFields):
    """The public form, with attachments and the personal-data notice."""

    files = MultipleFileField(_l("Attachments (optional)"),
                              description=_l("Up to 5 files: PDF, OpenDocument, Office, PNG, JPEG or ZIP."))
    consent = BooleanField(_l("I have read the personal-data notice and agree to it"))


class PaperOpinionForm(OpinionFields):
    """Staff enter an opinion that came on paper, by fax or by e-mail."""

    channel = SelectField(_l("Received by"),
                          choices=options((k, v) for k, v in CHANNEL_LABELS.items() if k != "online"))
    received_on = DateField(_l("Date received"), validators=[InputRequired(), plausible_year])
    scan = FileField(_l("Scan"))


class OralCommentForm(BaseForm):
    """Staff log a comment spoken at a meeting, or a statement handed in."""

    kind = RadioField(_l("Kind"), choices=options([("oral", _l("Spoken at the meeting")),
                                                   ("statement", _l("Written statement handed in"))]), default="oral")
    case_id = SelectField(_l("Case"), coerce=str, choices=[])
    name = StringField(_l("Speaker's name"), filters=[strip_spaces], validators=[Length(max=80)])
    organisation = StringField(_l("Organisation"), filters=[strip_spaces], validators=[Length(max=120)])
    oral_form = SelectField(_l("Minuted from"), choices=options(ORAL_FORM_LABELS.items()))
    text = TextAreaField(_l("Comment"), validators=[Length(max=OPINION_MAX_CHARS)])
    confidential = BooleanField(_l("Identity withheld on request"))


class ResponseForm(BaseForm):
    """The draft answer to one comment; `version` is the one the editor saw."""

    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validate_choice=False)
    reasoning = TextAreaField(_l("Reasoning"), validators=[Length(max=20000)],
                              description=_l("Paragraphs, lists, bold, italics and links are kept; other markup "
                                             "is removed."))
    plan_section = _plan_section()
    template_id = SelectField(_l("Start from a template"), coerce=str, choices=[], validate_choice=False)
    version = HiddenField()


class VersionForm(BaseForm):
    """A button that acts on the response version the page showed."""

    version = HiddenField()


class CommentEditForm(BaseForm):
    """Topic, confidentiality, and the redacted public text."""

    topic = StringField(_l("Topic"), filters=[strip_spaces], validators=[Length(max=80)])
    confidential = BooleanField(_l("Identity withheld on request"))
    redacted_text = TextAreaField(_l("Public text with personal data removed (empty: the original)"),
                                  validators=[Length(max=OPINION_MAX_CHARS)])


class SplitForm(BaseForm):
    """Cut a long submission into one comment per point."""

    parts = TextAreaField(_l("The points, separated by a line with only ---"), validators=[DataRequired()])


class BulkForm(BaseForm):
    """Answer the selected comments at once."""

    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validate_choice=False)
    reasoning = TextAreaField(_l("Reasoning"), validators=[Length(max=20000)])
    plan_section = _plan_section()
    template_id = SelectField(_l("Or use a template"), coerce=str, choices=[], validate_choice=False)


class TemplateForm(BaseForm):
    """A reusable answer."""

    title = StringField(_l("Title"), filters=[strip_spaces], validators=[Length(max=120)])
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validate_choice=False)
    reasoning = TextAreaField(_l("Reasoning"), validators=[Length(max=20000)])
    plan_section = _plan_section()


class DiscussionForm(BaseForm):
    """A discussion item for the deliberation committee (P5)."""

    title = StringField(_l("Title"), filters=[strip_spaces], validators=[DataRequired(), Length(max=200)])


class ResolutionForm(BaseForm):
    """The committee's resolution."""

    resolution = TextAreaField(_l("Resolution"), validators=[Length(max=20000)])


class MinutesForm(BaseForm):
    """Publish the minutes, or a correction of them."""

    members = TextAreaField(_l("Committee members present"), validators=[Length(max=5000)])
    agencies = TextAreaField(_l("Agencies present"), validators=[Length(max=5000)])
    note = TextAreaField(_l("What this correction changes (for a correction)"), validators=[Length(max=5000)])


class SignedCopyForm(BaseForm):
    """The signed official copy of the minutes."""

    file = FileField(_l("Signed copy"))


class SettingsForm(BaseForm):
    """The organizer's response deadline."""

    response_days = IntegerField(_l("Days after receipt for an approved response"), validators=[Optional()])

