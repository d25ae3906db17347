"""Forms of the review queue: reporting, filtering the queue, and the moderators' decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.forum.services import BODY_MAX
from community.moderation.models import REASON_LABELS, ReportReason
from community.moderation.queue import KIND_LABELS
from community.moderation.reports import NOTE_MAX

REASON_MAX = 500
OFFERED_OPTIONS = _l("Please choose one of the offered options.")


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validators=[InputRequired(message=_l("Please choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything the moderators should know (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("The note can have at most %(max)d characters."))],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Send the report"))


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string (a filtered queue is a link to share)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    reason = SelectField(_l("Reason"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("All kinds"))] + [
            SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()
        ]
        self.reason.choices = [SelectChoice("", _l("All reasons"))] + [
            SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()
        ]


def _reply_choices(replies) -> list[SelectChoice]:
    return [SelectChoice(0, _l("No reply"))] + [SelectChoice(reply.id, reply.name) for reply in replies]


class DecisionForm(FlaskForm):
    """What a moderator adds to any action on the case page: a reason for the log and prepared replies.

    The action itself is the button pressed (`action`).
    """

    case_id = HiddenField()
    reason = TextAreaField(
        _l("Reason (kept in the audit log)"),
        validators=[Optional(), Length(max=REASON_MAX, message=_l("The reason can have at most %(max)d characters."))],
        render_kw={"rows": 2},
    )
    reply_to_reporters = SelectField(_l("Reply to the reporters"), coerce=int, default=0)
    reply_to_author = SelectField(_l("Reply to the author"), coerce=int, default=0)

    def __init__(self, *args, replies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reply_to_reporters.choices = _reply_choices(replies)
        self.reply_to_author.choices = _reply_choices(replies)


class ModeratorEditForm(DecisionForm):
    body = TextAreaField(
        _l("Text of the post"),
        validators=[
            DataRequired(message=_l("Please write something.")),
            Length(max=BODY_MAX, message=_l("The text can have at most %(max)d characters.")),
        ],
        render_kw={"rows": 10},
    )
    submit = SubmitField(_l("Save the post"))


class MoveThreadForm(DecisionForm):
    category = SelectField(_l("Move to the category"), coerce=int, validators=[InputRequired(message=OFFERED_OPTIONS)])
    submit = SubmitField(_l("Move the thread"))


def parse_reason(value: str | None) -> ReportReason | None:
    try:
        return ReportReason(value) if value else None
    except ValueError:
        return None
