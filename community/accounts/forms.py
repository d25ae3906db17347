from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from community.i18n import (
    LANGUAGES,
    country_choices,
    current_language,
    is_country,
    is_timezone,
    language_name,
    timezone_names,
)

PASSWORD_MIN = 10
PASSWORD_MAX = 128


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("This address is too long.")),
            Email(message=_l("Please enter a valid e-mail address."), check_deliverability=False),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Please choose a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("The password must have between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l("At least %(min)d characters.", min=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )
    return password, confirm


def language_choices():
    return [(code, language_name(code)) for code in LANGUAGES]


class CountrySelectField(SelectField):
    """A country picker whose names follow the page's language (choices are built per request)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=[], validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data and not is_country(self.data):
            raise ValidationError(_l("Please choose a country from the list."))


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Please tell us your name.")),
            Length(max=80, message=_l("The name can have at most %(max)d characters.")),
        ],
        description=_l("As colleagues know you, e.g. “María José Pérez”."),
    )
    email = _email_field()
    password, confirm = _new_password_fields()
    country = CountrySelectField(_l("Country"), validators=[DataRequired(message=_l("Please choose your country."))])
    locale = SelectField(_l("Preferred language"), choices=[])
    submit = SubmitField(_l("Join"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose a country"))] + country_choices(current_language())
        self.locale.choices = language_choices()
        if not self.locale.data:
            self.locale.data = current_language()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Please enter your current password."))]
    )
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Change password"))


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Please enter your current password."))]
    )
    submit = SubmitField(_l("Send a confirmation link"))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; also reads a comma-separated string ("es,pt") from a model."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        super().process_data(value.split(",") if isinstance(value, str) else value)


class PreferencesForm(FlaskForm):
    handle = StringField(
        _l("Handle"),
        validators=[DataRequired(message=_l("Please choose a handle.")), Length(max=31)],
        description=_l("Others mention you in forum posts by writing @ followed by your handle."),
    )
    locale = SelectField(_l("Language"), choices=[])
    timezone = SelectField(_l("Time zone"), choices=[], validate_choice=False)
    content_languages = MultiCheckboxField(
        _l("Forum threads I read"),
        choices=[],
        validators=[DataRequired(message=_l("Please choose at least one language."))],
        description=_l("Lists of threads show only these languages."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()
        self.content_languages.choices = language_choices()
        self.timezone.choices = [(name, name.replace("_", " ")) for name in timezone_names()]

    def validate_timezone(self, field):
        if not is_timezone(field.data or ""):
            raise ValidationError(_l("Please choose a valid time zone."))


class DeleteAccountForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Please enter your current password."))]
    )
    confirm = BooleanField(
        _l("I understand that my account will be deleted and this cannot be undone."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))
