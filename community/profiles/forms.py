from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from community.accounts.forms import CountrySelectField
from community.i18n import country_choices, current_language, is_country
from community.profiles import links
from community.profiles.directory import SORTS
from community.profiles.models import ORGANIZATION_TYPE_LABELS, OrganizationType, Visibility
from community.profiles.services import BIO_MAX, list_all_institutions, list_expertise_areas
from community.profiles.taxonomy import spoken_language_choices

TOO_LONG = _l("This can have at most %(max)d characters.")
NAME_NEEDED = _l("Please enter a name.")
OFFERED_OPTIONS = _l("Please choose one of the offered options.")
POSITION_RANGE = _l("Please enter a number between %(min)s and %(max)s.")


def _max(length: int):
    return Length(max=length, message=TOO_LONG)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a group of checkboxes; unknown values get our own translated message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, invalid_message=None, **kwargs):
        super().__init__(label, choices=[], validate_choice=False, **kwargs)
        self.invalid_message = invalid_message or _l("Please choose from the list.")

    def pre_validate(self, form):
        known = {value for value, _label in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError(self.invalid_message)


def organization_type_choices(empty_label):
    return [("", empty_label)] + [(kind.value, ORGANIZATION_TYPE_LABELS[kind]) for kind in OrganizationType]


class EditProfileForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please tell us your name.")), _max(80)],
        description=_l("As colleagues know you, e.g. “María José Pérez”."),
    )
    headline = StringField(
        _l("Headline"),
        validators=[_max(140)],
        description=_l("One line about what you do, e.g. “Licensing officer for life-science technologies”."),
    )
    country = CountrySelectField(_l("Country"), validators=[DataRequired(message=_l("Please choose your country."))])
    city = StringField(_l("City"), validators=[_max(80)])
    organization = StringField(_l("Organization"), validators=[_max(160)])
    organization_type = SelectField(_l("Type of organization"), choices=[], validate_choice=False)
    job_title = StringField(_l("Job title"), validators=[_max(120)])
    expertise = MultiCheckboxField(
        _l("Expertise areas"), invalid_message=_l("Please choose expertise areas from the list.")
    )
    languages = MultiCheckboxField(
        _l("Languages you speak"), invalid_message=_l("Please choose languages from the list.")
    )
    bio = TextAreaField(
        _l("About you"),
        validators=[_max(BIO_MAX)],
        description=_l("Your experience and what you are looking for. You can use Markdown: **bold**, lists, links."),
        render_kw={"rows": 8},
    )
    website = URLField(_l("Website"), validators=[_max(255)])
    linkedin = URLField(_l("LinkedIn profile"), validators=[_max(255)])
    orcid = StringField(
        _l("ORCID iD"), validators=[_max(60)], description=_l("For researchers, e.g. 0000-0002-1825-0097.")
    )
    open_to_collaboration = BooleanField(_l("Open to collaboration"))
    open_to_mentoring = BooleanField(_l("Open to mentoring"))
    open_to_speaking = BooleanField(_l("Open to speaking at events"))
    visibility = RadioField(
        _l("Who can see your profile"),
        choices=[],
        validate_choice=False,
        default=Visibility.MEMBERS.value,
        validators=[InputRequired(message=_l("Please choose who can see your profile."))],
    )
    show_email = BooleanField(_l("Show my e-mail address to other members"))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.country.choices = [("", _l("Choose a country"))] + country_choices(language)
        self.organization_type.choices = organization_type_choices(_l("Choose a type"))
        self.expertise.choices = [(area.slug, area.name(language)) for area in list_expertise_areas()]
        self.languages.choices = spoken_language_choices(language)
        self.visibility.choices = [
            (Visibility.MEMBERS.value, _l("Members of the network only")),
            (Visibility.PUBLIC.value, _l("Everyone, including visitors who are not logged in")),
        ]

    def validate_organization_type(self, field):
        if field.data and field.data not in {kind.value for kind in OrganizationType}:
            raise ValidationError(OFFERED_OPTIONS)

    def validate_visibility(self, field):
        if field.data not in {choice.value for choice in Visibility}:
            raise ValidationError(OFFERED_OPTIONS)

    def validate_website(self, field):
        _check_link(field, links.normalize_url, links.WEBSITE_INVALID)

    def validate_linkedin(self, field):
        _check_link(field, links.normalize_linkedin, links.LINKEDIN_INVALID)

    def validate_orcid(self, field):
        _check_link(field, links.normalize_orcid, links.ORCID_INVALID)


def _check_link(field, normalize, message):
    if field.data and field.data.strip():
        try:
            normalize(field.data)
        except ValueError as error:
            raise ValidationError(message) from error


class AvatarForm(FlaskForm):
    avatar = FileField(
        _l("Photo"),
        validators=[FileRequired(message=_l("Please choose an image file."))],
        description=_l("PNG, JPEG or WebP, at most 2 MB. It is cropped to a square."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    upload = SubmitField(_l("Upload photo"))


class DirectoryForm(FlaskForm):
    """The directory's filters, read from the query string so that a search can be shared as a link."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, organization or keywords"), validators=[Optional(), _max(200)])
    country = MultiCheckboxField(_l("Country"), invalid_message=_l("Please choose a country from the list."))
    type = SelectField(_l("Type of organization"), choices=[], validate_choice=False)
    expertise = MultiCheckboxField(
        _l("Expertise areas"), invalid_message=_l("Please choose expertise areas from the list.")
    )
    language = MultiCheckboxField(_l("Languages spoken"), invalid_message=_l("Please choose languages from the list."))
    open_to = MultiCheckboxField(_l("Open to"))
    sort = SelectField(_l("Sort by"), choices=[], validate_choice=False)
    search = SubmitField(_l("Search"))

    def __init__(self, member_countries=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        wanted = set(member_countries) | {code for code in self.country.data or [] if is_country(code)}
        self.country.choices = [(code, name) for code, name in country_choices(language) if code in wanted]
        self.type.choices = organization_type_choices(_l("Any type"))
        self.expertise.choices = [(area.slug, area.name(language)) for area in list_expertise_areas()]
        self.language.choices = [(code, name) for code, name in spoken_language_choices(language)]
        # i18n: the directory's "open to" filter.
        self.open_to.choices = [
            ("collaboration", _l("Collaboration")),
            ("mentoring", _l("Mentoring")),
            ("speaking", _l("Speaking at events")),
        ]
        # i18n: the directory's sort orders.
        self.sort.choices = [("name", _l("Name")), ("newest", _l("Newest members")), ("active", _l("Recently active"))]

    def validate_type(self, field):
        if field.data and field.data not in {kind.value for kind in OrganizationType}:
            raise ValidationError(OFFERED_OPTIONS)

    def validate_sort(self, field):
        if field.data and field.data not in SORTS:
            raise ValidationError(OFFERED_OPTIONS)


class VerifyMemberForm(FlaskForm):
    institution = SelectField(_l("Institution"), coerce=int, choices=[], validate_choice=False)
    verify = SubmitField(_l("Verify"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution.choices = [(institution.id, institution.name) for institution in list_all_institutions()]


class InstitutionForm(FlaskForm):
    name = StringField(
        _l("Name of the institution"),
        validators=[DataRequired(message=_l("Please enter the institution's name.")), _max(160)],
    )
    country = CountrySelectField(_l("Country"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("No country"))] + country_choices(current_language())


class DomainForm(FlaskForm):
    domain = StringField(
        _l("E-mail domain"),
        validators=[DataRequired(message=_l("Please enter a domain such as unam.mx.")), _max(253)],
        description=_l("Members whose confirmed address ends in @this-domain (or a subdomain) are verified."),
    )
    link = SubmitField(_l("Link domain"))


class ExpertiseAreaForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[DataRequired(message=NAME_NEEDED), _max(80)])
    name_es = StringField(_l("Name in Spanish"), validators=[DataRequired(message=NAME_NEEDED), _max(80)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[DataRequired(message=NAME_NEEDED), _max(80)])
    submit = SubmitField(_l("Add area"))


class EditExpertiseAreaForm(ExpertiseAreaForm):
    position = IntegerField(
        _l("Position"),
        validators=[
            InputRequired(message=_l("Please enter a number.")),
            NumberRange(min=0, max=10_000, message=POSITION_RANGE),
        ],
        description=_l("Areas are listed by this number, smallest first."),
    )
    submit = SubmitField(_l("Save"))

