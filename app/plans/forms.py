"""The staff form for a plan."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..counties import COUNTIES
from ..formflow import plausible_year
from ..forms import BaseForm
from ..labels import choices


class PlanForm(BaseForm):
    """A plan's names, county, stage and statutory dates (P3, P7)."""

    name = StringField(_l("Plan name"), validators=[DataRequired(), Length(max=160)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=200)])
    county_code = SelectField(_l("City or county"), choices=[SelectChoice("", _l("National"))]
                              + [SelectChoice(c, zh) for c, zh, _ in COUNTIES])
    stage = SelectField(_l("Current stage"), choices=choices("stage"))
    summary = TextAreaField(_l("Summary"), validators=[Length(max=5000)])
    exhibition_starts_on = DateField(_l("Public exhibition from"), validators=[Optional(), plausible_year])
    exhibition_ends_on = DateField(_l("Public exhibition until"), validators=[Optional(), plausible_year],
                                   description=_l("At least 30 days."))
    approval_letter_on = DateField(_l("Approval letter received on"), validators=[Optional(), plausible_year])
    announced_on = DateField(_l("Announced on"), validators=[Optional(), plausible_year],
                             description=_l("Within 30 days of the approval letter."))
    announcement_exhibition_ends_on = DateField(_l("Exhibited after announcement until"),
                                                validators=[Optional(), plausible_year],
                                                description=_l("At least 90 days from the announcement."))

    def service_data(self) -> dict:
        """The cleaned values in the shape the services take."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
