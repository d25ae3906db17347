from flask_wtf import FlaskForm
from wtforms import HiddenField

from community.i18n import LANGUAGES


class LanguageForm(FlaskForm):
    """The language switcher in the page header: one submit button per language."""

    next = HiddenField()

    def chosen_language(self, form_data) -> str | None:
        locale = form_data.get("locale")
        return locale if locale in LANGUAGES else None
