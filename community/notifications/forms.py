from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from community.accounts.forms import MultiCheckboxField
from community.notifications.models import NotificationTopic


class EmailPreferencesForm(FlaskForm):
    by_email = MultiCheckboxField(
        _l("Also send me an e-mail about"),
        choices=[],
        description=_l("Everything always appears in your notifications on the site."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_email.choices = [(topic.value, topic.label) for topic in NotificationTopic]

    def choices(self) -> dict[NotificationTopic, bool]:
        chosen = set(self.by_email.data or ())
        return {topic: topic.value in chosen for topic in NotificationTopic}
