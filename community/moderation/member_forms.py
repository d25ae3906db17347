"""The forms of a member's moderation page: warn, silence, suspend, lift."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from community.moderation.members import REASON_MAX, SUSPENSION_REASON_MAX

ON_A_DATE = "date"
# i18n: how long a member stays read-only or suspended.
DURATIONS = [
    SelectChoice("1", _l("1 day")),
    SelectChoice("7", _l("7 days")),
    SelectChoice("30", _l("30 days")),
    SelectChoice(ON_A_DATE, _l("Until the date below")),
]


class WarnForm(FlaskForm):
    reason = TextAreaField(
        _l("Message to the member"),
        validators=[DataRequired(message=_l("Please write the reason.")), Length(max=REASON_MAX)],
        description=_l("Only the member sees it, in their notifications and by e-mail."),
    )
    submit = SubmitField(_l("Send the warning"))


class _PeriodForm(FlaskForm):
    duration = SelectField(_l("For how long"), choices=DURATIONS, default="7")
    until = DateField(
        _l("End date"),
        validators=[Optional()],
        description=_l("With “Until the date below”: the period ends as that day begins, on your clock."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Here rather than in validate_until: the Optional validator stops an empty field's checks.
        if self.duration.data == ON_A_DATE and self.until.data is None and not self.until.errors:
            self.until.errors = [_l("Please choose a date.")]
            return False
        return valid

    def end(self, zone_name: str) -> datetime:
        """The end of the period as a UTC instant (a chosen date is read on the moderator's clock)."""
        if self.duration.data == ON_A_DATE:
            return datetime.combine(self.until.data, time(), tzinfo=ZoneInfo(zone_name or "UTC")).astimezone(UTC)
        return datetime.now(UTC) + timedelta(days=int(self.duration.data))


class SilenceForm(_PeriodForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX)],
        description=_l("The member reads it in the e-mail that tells them."),
    )
    submit = SubmitField(_l("Make read-only"))


class SuspendForm(_PeriodForm):
    reason = TextAreaField(
        _l("Reason shown to the member"),
        validators=[DataRequired(message=_l("Please write the reason.")), Length(max=SUSPENSION_REASON_MAX)],
        description=_l("They read it when they try to log in, and in the e-mail that tells them."),
    )
    submit = SubmitField(_l("Suspend"))


class _LiftForm(FlaskForm):
    reason = TextAreaField(_l("Note (optional)"), validators=[Length(max=REASON_MAX)])


class LiftSilenceForm(_LiftForm):
    submit = SubmitField(_l("End the read-only period now"))


class LiftSuspensionForm(_LiftForm):
    submit = SubmitField(_l("End the suspension now"))
