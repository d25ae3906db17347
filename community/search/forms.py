from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import Optional, ValidationError

from community.accounts.forms import language_choices
from community.forms import DayField
from community.forum import services as forum
from community.i18n import country_choices, current_language, is_country

# What the box keeps of a very long paste (the search itself reads fewer characters, see query.py).
QUERY_MAX = 2000
OFFERED_OPTIONS = _l("Please choose one of the offered options.")


class SearchForm(FlaskForm):
    """The search page's box and filters, read from the query string so that a search is a shareable link."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search for"), filters=[lambda value: value[:QUERY_MAX] if value else value])
    kind = HiddenField()
    category = SelectField(_l("Forum category"), choices=[], validate_choice=False)
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.categories = {category.slug: category for category in forum.list_categories()}
        self.category.choices = [("", _l("Any category"))] + [
            (slug, category.name_in(language)[0]) for slug, category in self.categories.items()
        ]
        self.country.choices = [("", _l("Any country"))] + country_choices(language)
        self.language.choices = [("", _l("Any language"))] + language_choices()

    def validate_category(self, field):
        if field.data and field.data not in self.categories:
            raise ValidationError(OFFERED_OPTIONS)

    def validate_country(self, field):
        if field.data and not is_country(field.data):
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_language(self, field):
        if field.data and field.data not in dict(language_choices()):
            raise ValidationError(OFFERED_OPTIONS)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period must not be before its start."))

    @property
    def has_filters(self) -> bool:
        return any((self.category.data, self.country.data, self.language.data, self.date_from.data, self.date_to.data))
