from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community.accounts.forms import language_choices
from community.forum.services import BODY_MAX, MAX_TAGS, TITLE_MAX, TITLE_MIN

BODY_HELP = _l(
    "Markdown: **bold**, *italics*, [links](https://example.org), > quotes, - lists. "
    "Write @ and a handle to mention a member."
)


def _body_field(label):
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Please write something.")),
            Length(max=BODY_MAX, message=_l("The text can have at most %(max)d characters.")),
        ],
        description=BODY_HELP,
        render_kw={"rows": 8},
    )


class NewThreadForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Please write a title.")),
            Length(
                min=TITLE_MIN, max=TITLE_MAX, message=_l("The title must have between %(min)d and %(max)d characters.")
            ),
        ],
    )
    language = SelectField(_l("Language of the thread"), choices=[])
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=200, message=_l("Too many tags."))],
        description=_l("Up to %(num)d, separated by commas, e.g. licensing, biotech.", num=MAX_TAGS),
    )
    body = _body_field(_l("Your message"))
    submit = SubmitField(_l("Start the thread"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class ReplyForm(FlaskForm):
    body = _body_field(_l("Your reply"))
    submit = SubmitField(_l("Post the reply"))


class EditPostForm(FlaskForm):
    body = _body_field(_l("Text"))
    submit = SubmitField(_l("Save the changes"))


class CategoryForm(FlaskForm):
    slug = StringField(
        _l("Address"),
        validators=[DataRequired(message=_l("Please choose an address.")), Length(max=60)],
        description=_l("Part of the page's address: lowercase letters, digits and hyphens, e.g. patents-search."),
    )
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=80)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=80)])
    description_es = TextAreaField(_l("Description in Spanish"), validators=[Length(max=300)], render_kw={"rows": 2})
    description_pt = TextAreaField(_l("Description in Portuguese"), validators=[Length(max=300)], render_kw={"rows": 2})
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=300)], render_kw={"rows": 2})
    is_announcements = BooleanField(_l("Announcements: only moderators start threads"))
    submit = SubmitField(_l("Save the category"))
