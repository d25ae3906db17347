"""Forms of the opportunities: publishing and editing, the status, expressing interest, the list's filters.

The choice fields do not validate their choices here: services.py checks every value, so the form, the
CLI and tests get the same translated refusal at the same field.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community.accounts.forms import language_choices
from community.forms import DayField
from community.i18n import LANGUAGES, country_choices, current_language, is_country
from community.opportunities import services
from community.opportunities.models import (
    AGREEMENT_LABELS,
    IP_STATUS_LABELS,
    KIND_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    TRL_LABELS,
    IPStatus,
    OpportunityKind,
    OpportunityStatus,
    Sector,
)
from community.opportunities.services import OpportunityData, OpportunityFilters
from community.profiles.services import list_expertise_areas

QUERY_MAX = 200


def _enum_choices(labels) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def trl_choices() -> list[SelectChoice]:
    # i18n: a development stage in a list, e.g. "TRL 4 · Technology validated in the lab".
    return [SelectChoice(str(level), _l("TRL %(level)d · %(name)s", level=level, name=name))
            for level, (name, _help) in TRL_LABELS.items()]  # fmt: skip


def field_choices() -> list[tuple[str, str]]:
    return [(str(area.id), area.local_name) for area in list_expertise_areas()]


def _int_or_none(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the fields macro renders this type as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)


class OpportunityForm(FlaskForm):
    kind = SelectField(_l("Kind of opportunity"), choices=_enum_choices(KIND_LABELS), validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Please give the opportunity a title.")),
                    Length(max=services.TITLE_MAX)],
    )  # fmt: skip
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(message=_l("Please write a short summary.")), Length(max=services.SUMMARY_MAX)],
        description=_l("One or two sentences, shown in lists: what it is and what you are looking for."),
        render_kw={"rows": 2},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=services.DESCRIPTION_MAX)],
        description=_l("Applications, advantages, the partner you are looking for. Markdown is allowed."),
        render_kw={"rows": 8},
    )
    language = SelectField(_l("Language of the text"), choices=[], validate_choice=False)
    field_id = SelectField(_l("Field"), choices=[], validate_choice=False)
    sector = SelectField(_l("Sector"), choices=_enum_choices(SECTOR_LABELS), validate_choice=False)
    trl = RadioField(_l("Development stage"), choices=trl_choices(), validate_choice=False)
    ip_status = SelectField(_l("Intellectual property"), choices=_enum_choices(IP_STATUS_LABELS),
                            validate_choice=False)  # fmt: skip
    patent_numbers = StringField(
        _l("Patent or application numbers"),
        validators=[Length(max=services.PATENT_NUMBERS_MAX)],
        description=_l("Optional, for patent applications, granted patents and plant varieties, "
                       "e.g. MX/a/2025/004512."),
    )  # fmt: skip
    agreements = MultiCheckboxField(_l("Agreements you are looking for"), choices=_enum_choices(AGREEMENT_LABELS))
    territories = SelectMultipleField(
        _l("Territories of interest"),
        choices=[],
        validate_choice=False,
        description=_l("The countries where you look for partners or licensees. Hold Ctrl (⌘ on a Mac) to "
                       "choose several."),
        render_kw={"size": 8},
    )  # fmt: skip
    institution = StringField(
        _l("Institution"),
        validators=[Length(max=services.INSTITUTION_MAX)],
        description=_l("Empty: the organization on your profile."),
    )
    country = SelectField(_l("Country of the institution"), choices=[], validate_choice=False)
    deadline = DayField(_l("Deadline"), validators=[Optional()], description=_l("Optional."))
    submit = SubmitField(_l("Publish the opportunity"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices(current_language())
        self.language.choices = language_choices()
        self.field_id.choices = field_choices()
        self.territories.choices = countries
        self.country.choices = countries

    def to_data(self) -> OpportunityData:
        return OpportunityData(
            title=self.title.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            language=self.language.data,
            kind=self.kind.data,
            field_id=_int_or_none(self.field_id.data),
            sector=self.sector.data,
            trl=_int_or_none(self.trl.data),
            ip_status=self.ip_status.data,
            patent_numbers=self.patent_numbers.data or "",
            territories=list(self.territories.data or []),
            agreements=list(self.agreements.data or []),
            institution=self.institution.data or "",
            country=self.country.data or None,
            deadline=self.deadline.data,
        )

    def fill(self, opportunity) -> None:
        for name in ("title", "summary", "description", "language", "patent_numbers", "institution", "country",
                     "deadline"):  # fmt: skip
            getattr(self, name).data = getattr(opportunity, name)
        for name in ("kind", "sector", "ip_status"):
            getattr(self, name).data = getattr(opportunity, name).value
        self.field_id.data = str(opportunity.field_id)
        self.trl.data = str(opportunity.trl)
        self.territories.data = opportunity.territories
        self.agreements.data = [agreement.value for agreement in opportunity.agreements]


class EditOpportunityForm(OpportunityForm):
    submit = SubmitField(_l("Save the changes"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_enum_choices(STATUS_LABELS), validate_choice=False)
    submit_status = SubmitField(_l("Change the status"))


class InterestForm(FlaskForm):
    message = TextAreaField(
        _l("Your message to the author"),
        validators=[DataRequired(message=_l("Please write a few words to the author.")),
                    Length(max=services.MESSAGE_MAX)],
        description=_l("Who you are and why it interests you. It opens a private conversation with the author."),
        render_kw={"rows": 4},
    )  # fmt: skip
    submit_interest = SubmitField(_l("Express interest"))


# The status filter's "any status" value; without a status the list shows open opportunities.
ANY_STATUS = "all"


class OpportunityFilterForm(FlaskForm):
    """The list's filters, read from the query string (a filtered list is a shareable link)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Words"), filters=[lambda value: value[:QUERY_MAX] if value else value])
    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("Any kind"))] + _enum_choices(KIND_LABELS),
                       validate_choice=False)  # fmt: skip
    field = SelectField(_l("Field"), choices=[], validate_choice=False)
    sector = SelectField(_l("Sector"), choices=[SelectChoice("", _l("Any sector"))] + _enum_choices(SECTOR_LABELS),
                         validate_choice=False)  # fmt: skip
    stage = SelectField(_l("Stage"), choices=[SelectChoice("", _l("Any stage"))] + trl_choices(),
                        validate_choice=False)  # fmt: skip
    ip = SelectField(_l("Intellectual property"), validate_choice=False,
                     choices=[SelectChoice("", _l("Any protection"))] + _enum_choices(IP_STATUS_LABELS))  # fmt: skip
    country = SelectField(_l("Institution's country"), choices=[], validate_choice=False)
    territory = SelectField(_l("Territory of interest"), choices=[], validate_choice=False)
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Open"))]
        + [choice for choice in _enum_choices(STATUS_LABELS) if choice.value != "open"]
        + [SelectChoice(ANY_STATUS, _l("Any status"))],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices(current_language())
        self.field.choices = [("", _l("Any field"))] + field_choices()
        self.country.choices = [("", _l("Any country"))] + countries
        self.territory.choices = [("", _l("Any country"))] + countries
        self.language.choices = [("", _l("Any language"))] + language_choices()

    def to_filters(self) -> OpportunityFilters:
        """The filters the query string asks for; unknown values are left out (a stale link still lists)."""
        return OpportunityFilters(**filter_values(self))


def _member(enum_class, value):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def filter_values(form: OpportunityFilterForm) -> dict:
    """The OpportunityFilters arguments of the filter form's values."""
    trl = _int_or_none(form.stage.data)
    status = form.status.data
    return {
        "q": (form.q.data or "").strip(),
        "kind": _member(OpportunityKind, form.kind.data),
        "field_id": _int_or_none(form.field.data),
        "sector": _member(Sector, form.sector.data),
        "trl": trl if trl in range(1, 10) else None,
        "ip_status": _member(IPStatus, form.ip.data),
        "country": form.country.data if form.country.data and is_country(form.country.data) else None,
        "territory": form.territory.data if form.territory.data and is_country(form.territory.data) else None,
        "language": form.language.data if form.language.data in LANGUAGES else None,
        "status": None if status == ANY_STATUS else (_member(OpportunityStatus, status) or OpportunityStatus.OPEN),
    }
