"""Helpers shared by every area's forms and views."""

from flask import abort, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SubmitField

from community.errors import ActionRefused


class DayField(DateField):
    """A date whose error says what to type (the browser's date picker usually prevents a wrong one)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Please enter a date as year-month-day, e.g. 2026-03-31.")) from None

    def _value(self):
        # A date input may only hold a valid date: the error beside it says what was wrong with the rest.
        return self.data.strftime(self.format[0]) if self.data else ""


class ConfirmForm(FlaskForm):
    """A bare form for one-click actions (log out, approve, watch): it carries only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


def require_one_click() -> None:
    """Refuse with a 400 a one-button POST that does not carry a valid CSRF token."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def show_refusal(form, refusal: ActionRefused) -> None:
    """Show a service's refusal beside the field it is about, or as a message above the form."""
    if refusal.field and refusal.field in form:
        form[refusal.field].errors = [*form[refusal.field].errors, str(refusal.reason)]
    else:
        flash(str(refusal.reason), "danger")
