"""The public subscription forms."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..counties import COUNTIES
from ..forms import BaseForm
from ..labels import LABELS
from ..registrations.forms_public import fold_width, sendable_email, strip_spaces


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Unknown values are dropped (services.clean_choices), never an error."""


class ChoicesForm(BaseForm):
    """What to follow: counties, plans and meeting kinds; at least one."""

    counties = Checkboxes(_l("Counties and cities"))
    kinds = Checkboxes(_l("Kinds of meeting"))
    plans = Checkboxes(_l("Plans"), coerce=str)

    def fill_choices(self, plans, locale: str):
        """The counties, meeting kinds and the given plans, named in the locale."""
        english = locale.startswith("en")
        self.counties.choices = [SelectChoice(code, en if english else zh) for code, zh, en in COUNTIES]
        self.kinds.choices = [SelectChoice(k, label) for k, label in LABELS["kind"].items()]
        self.plans.choices = [SelectChoice(str(p.id), p.display_name(locale)) for p in plans]
        return self

    def validate(self, extra_validators=None):
        """At least one county, kind or plan, next to the first group."""
        valid = super().validate(extra_validators)
        if not (self.counties.data or self.kinds.data or self.plans.data):
            self.counties.errors = [*self.counties.errors, _l("Choose at least one county, kind of meeting or plan.")]
            return False
        return valid


class SubscribeForm(ChoicesForm):
    """The /subscribe form: an address and what to follow."""

    email = EmailField(_l("E-mail"), filters=[fold_width, strip_spaces], validators=[
        DataRequired(_l("Enter your e-mail address.")), sendable_email, Length(max=254),
        Email(_l("Enter a valid e-mail address, such as name@example.tw."), check_deliverability=False)],
        description=_l("We send a link to this address; notices start only once you open it and confirm."))


class ButtonForm(BaseForm):
    """A form of one button (confirm, unsubscribe)."""
