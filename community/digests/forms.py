from datetime import time

from babel.dates import format_time, get_day_names
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from community.digests.models import DigestFrequency
from community.i18n import current_language

CHOICE_REQUIRED = _l("Please choose one of the options.")


class DigestSettingsForm(FlaskForm):
    """How often and when the digest comes; shown on the e-mail settings page (prefix "digest")."""

    frequency = SelectField(
        _l("Digest of what is new for you"),
        choices=[],
        validators=[InputRequired(message=CHOICE_REQUIRED)],
        description=_l("An e-mail with new replies, threads, events and members that concern you."),
    )
    weekday = SelectField(
        _l("Day of the week"),
        choices=[],
        coerce=int,
        validators=[InputRequired(message=CHOICE_REQUIRED)],
        description=_l("For the weekly digest; the monthly one comes on the first such day of the month."),
    )
    hour = SelectField(_l("Time of day"), choices=[], coerce=int, validators=[InputRequired(message=CHOICE_REQUIRED)])
    submit = SubmitField(_l("Save digest settings"))

    def __init__(self, *args, zone_label: str = "", **kwargs):
        kwargs.setdefault("prefix", "digest")  # beside the notifications form: ids stay unique
        super().__init__(*args, **kwargs)
        language = current_language()
        self.frequency.choices = [(frequency.value, frequency.label) for frequency in DigestFrequency]
        days = get_day_names("wide", locale=language)
        self.weekday.choices = [(number, days[number].capitalize()) for number in range(7)]
        self.hour.choices = [(hour, format_time(time(hour), "short", locale=language)) for hour in range(24)]
        if zone_label:
            self.hour.description = _l("In your time zone (%(zone)s), which you can change in your account settings.",
                                       zone=zone_label)  # fmt: skip

    @property
    def chosen_frequency(self) -> DigestFrequency:
        return DigestFrequency(self.frequency.data)
