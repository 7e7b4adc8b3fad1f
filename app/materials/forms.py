"""The form for attaching a material."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import URL, DataRequired, Length, Optional

from ..forms import BaseForm
from ..labels import choices


class MaterialForm(BaseForm):
    """Title, category, and either a file or a link."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=choices("category"), default="briefing")
    file = FileField(_l("File"), description=_l("PDF, OpenDocument, Office, PNG, JPEG or ZIP, at most 25 MB."))
    link_url = StringField(_l("Or a link"), validators=[Optional(), URL(), Length(max=500)],
                           description=_l("For a document published elsewhere, such as the gazette."))


class MaterialDetailsForm(BaseForm):
    """A material's title and category, and the address of a link; a file is replaced by removing it."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=choices("category"))
    link_url = StringField(_l("Link"), validators=[Optional(), URL(), Length(max=500)])
