from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from community.messages.services import BODY_MAX, MAX_PARTICIPANTS, RECIPIENTS_MAX_CHARS, SUBJECT_MAX

BODY_HELP = _l("Markdown: **bold**, *italics*, [links](https://example.org), > quotes, - lists.")


def _body_field(label):
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Please write something.")),
            Length(max=BODY_MAX, message=_l("The text can have at most %(max)d characters.")),
        ],
        description=BODY_HELP,
        render_kw={"rows": 6},
    )


class NewConversationForm(FlaskForm):
    recipients = StringField(
        _l("To"),
        validators=[
            DataRequired(message=_l("Please write the @handle of at least one member.")),
            Length(max=RECIPIENTS_MAX_CHARS, message=_l("Too many members.")),
        ],
        # i18n: %(num)d is the most members one may write to at once (the sender makes one more).
        description=_l(
            "The @handles of up to %(num)d members, separated by commas. Each member's handle is under the "
            "name on their profile.",
            num=MAX_PARTICIPANTS - 1,
        ),
    )
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Please write a subject.")),
            Length(max=SUBJECT_MAX, message=_l("The subject can have at most %(max)d characters.")),
        ],
    )
    body = _body_field(_l("Your message"))
    submit = SubmitField(_l("Send the message"))


class ReplyForm(FlaskForm):
    body = _body_field(_l("Your reply"))
    submit = SubmitField(_l("Send the reply"))
