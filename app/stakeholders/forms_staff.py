"""Staff forms of the directory and of notices."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import BaseForm
from ..registrations.forms_public import strip_spaces
from ..rules.directory import check_row
from .forms_public import ChoicesForm
from .wording import ORGANISATION_KIND_LABELS


def parse_contacts(text: str) -> list[dict]:
    """Contacts typed one per line: name, role, e-mail, phone (comma separated)."""
    found = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = [part.strip() for part in line.replace("，", ",").split(",")] + ["", "", "", ""]
            found.append({"contact": parts[0], "role": parts[1], "email": parts[2], "phone": parts[3]})
    return found


class OrganisationForm(ChoicesForm):
    """An organisation: name, kind, standing invitee (P11), contacts and what it follows."""

    name = StringField(_l("Name"), filters=[strip_spaces],
                       validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=160)])
    kind = SelectField(_l("Kind of organisation"),
                       choices=[SelectChoice(k, v) for k, v in ORGANISATION_KIND_LABELS.items()])
    standing = BooleanField(_l("Standing invitee: told of every meeting (P11)"))
    contacts = TextAreaField(_l("Contacts"), description=_l("One per line: name, role, e-mail, phone."))
    topics = StringField(_l("Topics"), filters=[strip_spaces], validators=[Length(max=500)],
                         description=_l("Words separated by commas; a meeting whose title or summary holds one is "
                                        "notified."))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])

    def validate(self, extra_validators=None):
        """Following is optional for an organisation (standing invitees follow everything)."""
        return BaseForm.validate(self, extra_validators)

    def validate_contacts(self, field):
        """Each contact line needs a valid e-mail address."""
        for number, contact in enumerate(parse_contacts(field.data), start=1):
            row = check_row(number, {"name": "x", **contact}, counties=set(), org_kinds=set(), meeting_kinds=set())
            if not contact["email"] or any(code == "email_invalid" for code, _ in row.reasons):
                raise ValidationError(_l("Line %(line)s: enter a valid e-mail address as the third item.",
                                         line=number))


class ImportForm(BaseForm):
    """A CSV or ODS file to import (a dry run comes first)."""

    file = FileField(_l("CSV or ODS file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "ods"], _l("Choose a .csv or .ods file."))])


class ManualNoticeForm(BaseForm):
    """A notice staff write themselves about a meeting."""

    note = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write the message.")), Length(max=4000)])
