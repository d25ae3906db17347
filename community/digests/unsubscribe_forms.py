from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class UnsubscribeForm(FlaskForm):
    """The landing page of an unsubscribe link: stop, or (for the digest) receive it less often."""

    stop = SubmitField(_l("Unsubscribe"))
    less_often = SubmitField(_l("Send it less often"))
