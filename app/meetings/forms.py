"""Staff forms for meetings and their parts; they parse input, the services apply the rules."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from ..formflow import plausible_year
from ..forms import BaseForm
from ..labels import choices
from ..rules.dates import parse_date_time, roc_input
from ..rules.venue import SETTING_NAMES
from ..timefmt import from_local
from .services import Postponement

DT_FORMAT = "%Y-%m-%dT%H:%M"
LOCAL_TIME = _l("Taipei time (UTC+8), with the ROC year: 115/12/09 14:00. A Gregorian date (2026-12-09 14:00) "
                "works too.")


class TaipeiDateTimeField(StringField):
    """A date and time typed with the ROC year (115/12/09 14:00) or the Gregorian one (2026-12-09
    14:00, or what a date picker sends), shown back with the ROC year (issue 9, item 6)."""

    def __init__(self, label=None, validators=None, format=DT_FORMAT, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "115/12/09 14:00", "autocomplete": "off",
                                        "inputmode": "text", "size": 18})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = parse_date_time(text)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a date and time like 115/12/09 14:00 (ROC year) or 2026-12-09 14:00.")) \
                from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return roc_input(self.data)


class MeetingForm(BaseForm):
    """Everything a meeting notice says, and its venue-rule settings."""

    plan_id = SelectField(_l("Plan"), coerce=int, validators=[InputRequired()])
    organizer_id = SelectField(_l("Organizer"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Kind of meeting"), choices=choices("kind"))
    phase = SelectField(_l("Planning phase"), choices=[SelectChoice("", _l("Not applicable"))] + choices("phase"),
                        description=_l("For symposia and workshops of the planning stage only."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=5000)])
    starts_at = TaipeiDateTimeField(_l("Starts"), format=DT_FORMAT, validators=[InputRequired(), plausible_year],
                                   description=LOCAL_TIME)
    ends_at = TaipeiDateTimeField(_l("Ends"), format=DT_FORMAT, validators=[InputRequired(), plausible_year],
                                 description=LOCAL_TIME)
    # W6: every notice says where (venue and address) and how to get there
    venue_name = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    venue_address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    directions = TextAreaField(_l("How to get there"), validators=[Length(max=3000)],
                               description=_l("Metro, bus, car and parking."))
    overflow_room = StringField(_l("Overflow room"), validators=[Length(max=200)],
                                description=_l("Where observers beyond the gallery's seats are seated, "
                                               "such as the auditorium."))
    livestream_url = StringField(_l("Live-stream link"), validators=[Optional(), URL(), Length(max=500)])
    contact = TextAreaField(_l("Contact and other ways to register"), validators=[Length(max=1000)],
                            description=_l("Phone, e-mail and fax of the secretariat."))
    registration_opens_at = TaipeiDateTimeField(_l("Registration opens"), format=DT_FORMAT,
                                               validators=[Optional(), plausible_year], description=LOCAL_TIME)
    registration_closes_at = TaipeiDateTimeField(_l("Registration deadline"), format=DT_FORMAT,
                                                validators=[Optional(), plausible_year], description=LOCAL_TIME)
    speaker_cap = IntegerField(_l("Online speakers per case"), validators=[InputRequired()])
    gallery_seats = IntegerField(_l("Gallery seats"), validators=[InputRequired()])
    observers_per_group = IntegerField(_l("Observers per group"), validators=[InputRequired()])
    observers_per_village = IntegerField(_l("Observers per village or borough"), validators=[InputRequired()])
    minutes_per_speaker = IntegerField(_l("Minutes per speaker"), validators=[InputRequired()])
    comment_minutes_per_case = IntegerField(_l("Minutes of public comment per case"), validators=[InputRequired()])
    departure_reason = TextAreaField(_l("Reason for departing from the rule profile"),
                                     validators=[Length(max=2000)],
                                     description=_l("Required when a setting differs from your organizer's "
                                                    "profile; shown on the meeting page."))
    sequence = HiddenField()

    def service_data(self) -> dict:
        """The cleaned values in the shape the services take (UTC datetimes)."""
        data = {name: getattr(self, name).data for name in (
            "kind", "phase", "title", "summary", "venue_name", "venue_address", "directions", "overflow_room",
            "livestream_url", "contact", *SETTING_NAMES)}
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            data[name] = from_local(getattr(self, name).data)
        for name in ("title", "venue_name", "venue_address"):
            data[name] = data[name].strip()
        data["livestream_url"] = data["livestream_url"] or ""
        return data


class ManagePageForm(BaseForm):
    """A form shown beside others on the meeting's manage page: its element ids carry a prefix so
    labels and error descriptions point into the right form; field names stay plain."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            field.id = field.label.field_id = f"{self.id_prefix}_{field.name}"


class PublishForm(ManagePageForm):
    """Publishing needs the CSRF token, and a confirmation when the checklist has gaps (P8)."""

    id_prefix = "publish"

    publish_anyway = HiddenField()


WHEN_NEW, WHEN_TBA = "new", "tba"


def needed_for_a_new_time(form, field):
    """Required when the meeting moves to a new time; ignored when the new time is to be announced (W5)."""
    if field.raw_data and field.raw_data[0].strip():
        return
    field.errors[:] = []
    if form.when.data == WHEN_TBA:
        raise StopValidation()
    raise StopValidation(field.gettext("This field is required."))


class PostponeForm(ManagePageForm):
    """A new time or "to be announced", moved online or not, a new deadline, and the reason (W5, W1)."""

    id_prefix = "postpone"

    when = RadioField(_l("When will the meeting take place?"), default=WHEN_NEW, choices=[
        SelectChoice(WHEN_NEW, _l("At a new time")), SelectChoice(WHEN_TBA, _l("New time to be announced"))])
    starts_at = TaipeiDateTimeField(_l("New start"), format=DT_FORMAT,
                                   validators=[needed_for_a_new_time, plausible_year], description=LOCAL_TIME)
    ends_at = TaipeiDateTimeField(_l("New end"), format=DT_FORMAT,
                                 validators=[needed_for_a_new_time, plausible_year], description=LOCAL_TIME)
    moved_online = BooleanField(_l("The meeting moves online"))
    online_link = StringField(_l("Link to join online"), validators=[Length(max=500)],
                              description=_l("Needed when the meeting moves online; shown on the meeting page."))
    registration_closes_at = TaipeiDateTimeField(
        _l("New registration deadline"), format=DT_FORMAT, validators=[Optional(), plausible_year],
        description=_l("Leave empty to keep the current deadline. Taipei time (UTC+8)."))
    reason = TextAreaField(_l("Reason (shown publicly)"), validators=[DataRequired(), Length(max=2000)])

    def postponement(self):
        """The form as the service's Postponement (UTC times; the times are ignored when "to be announced")."""
        tba = self.when.data == WHEN_TBA
        return Postponement(
            reason=self.reason.data, to_be_announced=tba,
            starts_at=None if tba else from_local(self.starts_at.data),
            ends_at=None if tba else from_local(self.ends_at.data),
            moved_online=bool(self.moved_online.data), online_link=(self.online_link.data or "").strip(),
            registration_closes_at=from_local(self.registration_closes_at.data))


class CancelForm(ManagePageForm):
    """The reason for cancelling, shown publicly (W5)."""

    id_prefix = "cancel"

    reason = TextAreaField(_l("Reason (shown publicly)"), validators=[DataRequired(), Length(max=2000)])


class AgendaItemForm(ManagePageForm):
    """A timed agenda item on the meeting's day (W2)."""

    id_prefix = "agenda"

    starts_at = TimeField(_l("From"), validators=[InputRequired()])
    ends_at = TimeField(_l("To"), validators=[InputRequired()])
    title = StringField(_l("Item"), validators=[DataRequired(), Length(max=200)])
    presenter = StringField(_l("Presenter"), validators=[Length(max=200)])


class CaseForm(ManagePageForm):
    """A case under review and its public-comment budget (V11)."""

    id_prefix = "case"

    title = StringField(_l("Case"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=3000)])
    comment_minutes = IntegerField(_l("Minutes of public comment"), validators=[Optional()],
                                   description=_l("Leave empty for the meeting's default; at most 60."))


class AttendanceForm(ManagePageForm):
    """Suggested attendance of an invited agency or unit (W3)."""

    id_prefix = "attendance"

    agency = StringField(_l("Agency"), validators=[DataRequired(), Length(max=160)])
    unit = StringField(_l("Unit"), validators=[Length(max=160)])
    seats = IntegerField(_l("Suggested attendees"), default=1, validators=[InputRequired(), NumberRange(min=1, max=50)])
    subtopics = StringField(_l("For sub-topics"), validators=[Length(max=500)])


class ProfileForm(BaseForm):
    """An organizer's venue-rule defaults."""

    speaker_cap = IntegerField(_l("Online speakers per case"), validators=[InputRequired()])
    gallery_seats = IntegerField(_l("Gallery seats"), validators=[InputRequired()])
    observers_per_group = IntegerField(_l("Observers per group"), validators=[InputRequired()])
    observers_per_village = IntegerField(_l("Observers per village or borough"), validators=[InputRequired()])
    minutes_per_speaker = IntegerField(_l("Minutes per speaker"), validators=[InputRequired()])
    comment_minutes_per_case = IntegerField(_l("Minutes of public comment per case"), validators=[InputRequired()])
    basis = TextAreaField(_l("Basis"), validators=[Length(max=2000)],
                          description=_l("The rules these numbers come from, such as your county's own venue rules."))
