"""Forms of the admin pages: settings, roles and scopes, watched words, prepared replies, audit log filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from community.accounts.models import Role
from community.audit.labels import ACTION_LABELS
from community.audit.models import AuditAction
from community.forms import DayField
from community.forum.models import Category
from community.i18n import LANGUAGES, country_choices, current_language, is_country, language_name
from community.moderation.admin import (
    REPLY_BODY_MAX,
    REPLY_NAME_MAX,
    ROLE_LABELS,
    WATCHED_WORD_ACTION_LABELS,
    WORD_MAX,
)
from community.moderation.models import WatchedWordAction
from community.profiles.forms import MultiCheckboxField

OFFERED_OPTIONS = _l("Please choose one of the offered options.")
TOO_LONG = _l("This can have at most %(max)d characters.")


class SettingForm(FlaskForm):
    """One setting's yes/no; the page shows one such form per setting (its radios are written out)."""

    setting = HiddenField(validators=[DataRequired(message=_l("There is no such setting."))])
    value = RadioField(
        choices=[SelectChoice("on", "on"), SelectChoice("off", "off")],
        validate_choice=False,
        validators=[InputRequired(message=OFFERED_OPTIONS), AnyOf(["on", "off"], message=OFFERED_OPTIONS)],
    )
    submit = SubmitField(_l("Save"))


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name, handle or e-mail"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    search = SubmitField(_l("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("Any role"))] + [(role.value, label) for role, label in ROLE_LABELS.items()]

    def validate_role(self, field):
        if field.data and field.data not in {role.value for role in Role}:
            raise ValidationError(OFFERED_OPTIONS)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Change the role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, label) for role, label in ROLE_LABELS.items()]

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError(OFFERED_OPTIONS)


class ScopesForm(FlaskForm):
    countries = SelectMultipleField(
        _l("Countries"),
        choices=[],
        validate_choice=False,
        description=_l("Hold Ctrl (or ⌘) to choose several."),
        render_kw={"size": 10},
    )
    categories = MultiCheckboxField(
        _l("Forum categories"), invalid_message=_l("Please choose categories from the list.")
    )
    submit = SubmitField(_l("Save the scope"))

    def __init__(self, categories: list[Category], *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.countries.choices = country_choices(language)
        self.categories.choices = [(str(category.id), category.name_in(language)[0]) for category in categories]

    def category_ids(self) -> list[int]:
        return [int(value) for value in self.categories.data or []]

    def validate_countries(self, field):
        if any(not is_country(code) for code in field.data or []):
            raise ValidationError(_l("Please choose countries from the list."))


class WatchedWordForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    word = StringField(
        _l("Word or phrase"),
        validators=[
            DataRequired(message=_l("Please write a word or a phrase.")),
            Length(max=WORD_MAX, message=TOO_LONG),
        ],
        description=_l("Matched as a whole word, whatever the case and accents."),
    )
    action = RadioField(
        _l("What happens to a text that contains it"),
        choices=[SelectChoice(action.value, label) for action, label in WATCHED_WORD_ACTION_LABELS.items()],
        default=WatchedWordAction.REVIEW.value,
        validate_choice=False,
        validators=[AnyOf([action.value for action in WatchedWordAction], message=OFFERED_OPTIONS)],
    )
    submit = SubmitField(_l("Add the word"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, language_name(code)) for code in LANGUAGES]

    def validate_language(self, field):
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Please choose a language from the list."))


def _reply_body(label, missing):
    return TextAreaField(
        label,
        validators=[DataRequired(message=missing), Length(max=REPLY_BODY_MAX, message=TOO_LONG)],
        render_kw={"rows": 5},
    )


class CannedReplyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Please give the reply a name.")),
            Length(max=REPLY_NAME_MAX, message=TOO_LONG),
        ],
        description=_l("How moderators find it in the list, e.g. “Spam removed”."),
    )
    body_es = _reply_body(_l("Text in Spanish"), _l("Please write the reply in Spanish."))
    body_pt = _reply_body(_l("Text in Portuguese"), _l("Please write the reply in Portuguese."))
    body_en = _reply_body(_l("Text in English"), _l("Please write the reply in English."))
    submit = SubmitField(_l("Save"))

    def bodies(self) -> dict[str, str]:
        return {code: self[f"body_{code}"].data for code in LANGUAGES}


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string so that a view can be shared as a link."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    actor = StringField(_l("By (handle)"), validators=[Optional(), Length(max=40, message=TOO_LONG)])
    member = StringField(_l("About the member (handle)"), validators=[Optional(), Length(max=40, message=TOO_LONG)])
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("Until"), validators=[Optional()])
    filter = SubmitField(_l("Filter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("Any action"))] + [(action.value, ACTION_LABELS.get(action, action.value))
                                                          for action in AuditAction]

    def validate_action(self, field):
        if field.data and field.data not in {action.value for action in AuditAction}:
            raise ValidationError(OFFERED_OPTIONS)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period must not be before its start."))
