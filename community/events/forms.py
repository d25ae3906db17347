from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from community.accounts.forms import CountrySelectField, language_choices
from community.events.models import FORMAT_LABELS, KIND_LABELS, STATUS_LABELS, EventFormat, EventKind, EventStatus
from community.events.services import EventData
from community.i18n import country_choices, current_language, timezone_names

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _enum_choices(labels) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Please give the event a title.")), Length(max=150)]
    )
    kind = SelectField(_l("Kind of event"), choices=_enum_choices(KIND_LABELS))
    language = SelectField(_l("Language of the event"), choices=[])
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20_000)],
        description=_l("Agenda, speakers, who it is for. Markdown is allowed."),
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=[],
        validate_choice=False,
        description=_l("The start and end below are read on the clocks of this zone."),
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMATS, validators=[InputRequired(message=_l("Please give a date and time."))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMATS, validators=[InputRequired(message=_l("Please give a date and time."))]
    )
    format = SelectField(_l("Format"), choices=_enum_choices(FORMAT_LABELS))
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    country = CountrySelectField(_l("Country"))
    online_url = URLField(
        _l("Online link"),
        validators=[Optional(), Length(max=500), URL(message=_l("Please enter a full web address (https://…)."))],
        description=_l("Shown only to members who are going."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("The capacity must be at least 1, or empty for no limit.")),
        ],
        description=_l("Leave empty for no limit. When it is reached, new answers join a waitlist."),
    )
    registration_deadline = DateTimeLocalField(
        _l("Registration closes"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("Optional, on the clocks of the event's time zone."),
    )
    follow_up_of = HiddenField()
    submit = SubmitField(_l("Announce the event"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.country.choices = [("", _l("No country (online)"))] + country_choices(current_language())
        self.timezone.choices = [(name, name.replace("_", " ")) for name in timezone_names()]

    def to_data(self) -> EventData:
        follow_up_of = self.follow_up_of.data
        return EventData(
            title=self.title.data or "",
            description=self.description.data or "",
            language=self.language.data,
            kind=EventKind(self.kind.data),
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            timezone=self.timezone.data or "",
            format=EventFormat(self.format.data),
            venue=self.venue.data or "",
            city=self.city.data or "",
            country=self.country.data or None,
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            deadline_local=self.registration_deadline.data,
            follow_up_of_id=int(follow_up_of) if follow_up_of and follow_up_of.isdigit() else None,
        )

    def fill(self, data: EventData) -> None:
        for name in ("title", "description", "language", "timezone", "venue", "city", "country", "online_url"):
            getattr(self, name).data = getattr(data, name)
        self.kind.data = data.kind.value
        self.format.data = data.format.value
        self.starts_at.data = data.starts_local
        self.ends_at.data = data.ends_local
        self.capacity.data = data.capacity
        self.registration_deadline.data = data.deadline_local
        self.follow_up_of.data = str(data.follow_up_of_id or "")


class EditEventForm(EventForm):
    status = SelectField(_l("Status"), choices=_enum_choices(STATUS_LABELS))
    submit = SubmitField(_l("Save the changes"))

    def to_data(self) -> EventData:
        data = super().to_data()
        data.status = EventStatus(self.status.data)
        data.follow_up_of_id = None
        return data


class RSVPForm(FlaskForm):
    answer = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("going", _l("Going")),
            SelectChoice("interested", _l("Interested")),
            SelectChoice("not_going", _l("Not going")),
        ],
        validators=[InputRequired(message=_l("Please choose an answer."))],
    )
    submit = SubmitField(_l("Save my answer"))


class RemindersForm(FlaskForm):
    remind_day_before = BooleanField(_l("E-mail me a reminder one day before"))
    remind_hour_before = BooleanField(_l("E-mail me a reminder one hour before"))
    submit_reminders = SubmitField(_l("Save reminders"))


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message to everyone who is going"),
        validators=[DataRequired(message=_l("Please write a message.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Send the message"))


class MinutesForm(FlaskForm):
    body = TextAreaField(
        _l("Minutes and action items"),
        validators=[DataRequired(message=_l("Please write the minutes.")), Length(max=20_000)],
        description=_l("What was decided, who does what and by when. Markdown is allowed."),
    )
    submit = SubmitField(_l("Publish the minutes"))


class EventFilterForm(FlaskForm):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False

    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    format = SelectField(_l("Format"), choices=[SelectChoice("", _l("Any format"))] + _enum_choices(FORMAT_LABELS))
    kind = SelectField(_l("Kind of event"), choices=[SelectChoice("", _l("Any kind"))] + _enum_choices(KIND_LABELS))
    language = SelectField(_l("Language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Any country"))] + country_choices(current_language())
        self.language.choices = [("", _l("Any language"))] + language_choices()
