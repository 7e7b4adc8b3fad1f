"""The console's forms: each carries the version of the state it was made against (a stale one is refused)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..forms import BaseForm


class ActionForm(BaseForm):
    """A console button: only the state's version (and the CSRF token)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class SettingsForm(ActionForm):
    """Minutes per speaker, the warning point and whether the public leaves for deliberation (V11, V12)."""

    minutes_per_speaker = IntegerField(_l("Minutes per speaker"), validators=[InputRequired()])
    warning_seconds = IntegerField(_l("Amber light from (seconds left)"), validators=[InputRequired()])
    public_leaves = BooleanField(_l("Speakers and observers leave the room for the committee's deliberation"))


class ExtensionForm(ActionForm):
    """The chair extends the case's comment time, with every member present consenting (V11)."""

    new_total = IntegerField(_l("New total (minutes, at most 60)"), validators=[InputRequired()])
    chair = StringField(_l("Chair"), validators=[Length(max=80)])
    members_present = IntegerField(_l("Committee members present"), validators=[Optional(), NumberRange(min=0)])
    members_consenting = IntegerField(_l("Members consenting"), validators=[Optional(), NumberRange(min=0)])


class NoticeForm(ActionForm):
    """Someone will photograph or record (V10)."""

    case = SelectField(_l("Case"), coerce=int, validators=[InputRequired()])
    who = StringField(_l("Who"), validators=[Length(max=120)])
    area = StringField(_l("From which area"), validators=[Length(max=120)])


class WrittenForm(ActionForm):
    """A written version handed in, or a summary made with the speaker's consent (V14)."""

    written_version = BooleanField(_l("Handed in a written version"))
    summary = TextAreaField(_l("Summary (with the speaker's consent)"), validators=[Length(max=4000)])
