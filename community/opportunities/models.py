"""Technology offers and requests, collaboration calls and expertise offers, and who showed interest.

An opportunity says what an institution can license or is looking for, never its confidential details.
Its field comes from the expertise taxonomy; its sector, stage, IP status and agreements from the fixed
lists below, stored as text values so that adding one needs no migration of a database enum type.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, Enum, ForeignKey, Index, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.profiles.models import ExpertiseArea
from community.types import UTCDateTime, utcnow


def _text_enum(enum_class) -> Enum:
    """A column holding the enum's values as plain text (no database enum type, no CHECK constraint)."""
    return Enum(enum_class, native_enum=False, create_constraint=False, length=32,
                values_callable=lambda e: [m.value for m in e])  # fmt: skip


class OpportunityKind(enum.Enum):
    TECHNOLOGY_OFFER = "technology_offer"  # available for licensing or co-development
    TECHNOLOGY_REQUEST = "technology_request"  # looking for a technology, a partner or a licensee
    COLLABORATION_CALL = "collaboration_call"  # research partners, a consortium for a grant
    EXPERTISE_OFFER = "expertise_offer"  # training, mentoring, advisory

    @property
    def label(self):
        return KIND_LABELS[self]


class Sector(enum.Enum):
    HEALTH = "health"
    BIOTECHNOLOGY = "biotechnology"
    AGRI_FOOD = "agri_food"
    DIGITAL = "digital"
    ENERGY_ENVIRONMENT = "energy_environment"
    MATERIALS_MANUFACTURING = "materials_manufacturing"
    CHEMISTRY = "chemistry"
    OTHER = "other"

    @property
    def label(self):
        return SECTOR_LABELS[self]

    @property
    def expertise_slug(self) -> str | None:
        """The area of the expertise taxonomy that names this sector, when there is one (for matching)."""
        return SECTOR_EXPERTISE.get(self)


class IPStatus(enum.Enum):
    NONE = "none"
    PATENT_APPLICATION = "patent_application"
    GRANTED_PATENT = "granted_patent"
    KNOW_HOW = "know_how"
    TRADE_SECRET = "trade_secret"  # noqa: S105 - a kind of protection, not a password
    PLANT_VARIETY = "plant_variety"
    OTHER = "other"

    @property
    def label(self):
        return IP_STATUS_LABELS[self]

    @property
    def has_numbers(self) -> bool:
        """Whether patent or application numbers make sense for this status."""
        return self in (IPStatus.PATENT_APPLICATION, IPStatus.GRANTED_PATENT, IPStatus.PLANT_VARIETY)


class AgreementType(enum.Enum):
    LICENCE = "licence"
    CO_DEVELOPMENT = "co_development"
    RD_CONTRACT = "rd_contract"
    SPIN_OFF_INVESTMENT = "spin_off_investment"
    MATERIAL_TRANSFER = "material_transfer"

    @property
    def label(self):
        return AGREEMENT_LABELS[self]


class OpportunityStatus(enum.Enum):
    OPEN = "open"
    IN_NEGOTIATION = "in_negotiation"
    CLOSED = "closed"

    @property
    def label(self):
        return STATUS_LABELS[self]


# i18n: the four kinds of opportunity members publish.
KIND_LABELS = {
    OpportunityKind.TECHNOLOGY_OFFER: _l("Technology offer"),
    OpportunityKind.TECHNOLOGY_REQUEST: _l("Technology request"),
    OpportunityKind.COLLABORATION_CALL: _l("Collaboration call"),
    OpportunityKind.EXPERTISE_OFFER: _l("Expertise offer"),
}
# i18n: economic sectors of an opportunity.
SECTOR_LABELS = {
    Sector.HEALTH: _l("Health technologies"),
    Sector.BIOTECHNOLOGY: _l("Biotechnology"),
    Sector.AGRI_FOOD: _l("Agri-food"),
    Sector.DIGITAL: _l("Digital"),
    Sector.ENERGY_ENVIRONMENT: _l("Energy and environment"),
    Sector.MATERIALS_MANUFACTURING: _l("Materials and manufacturing"),
    Sector.CHEMISTRY: _l("Chemistry"),
    Sector.OTHER: _l("Other sector"),
}
SECTOR_EXPERTISE = {
    Sector.HEALTH: "health-technologies",
    Sector.BIOTECHNOLOGY: "biotechnology",
    Sector.AGRI_FOOD: "agri-food",
    Sector.DIGITAL: "digital-technologies",
}
# i18n: how an opportunity's technology or knowledge is protected.
IP_STATUS_LABELS = {
    IPStatus.NONE: _l("No protection"),
    IPStatus.PATENT_APPLICATION: _l("Patent application"),
    IPStatus.GRANTED_PATENT: _l("Granted patent"),
    IPStatus.KNOW_HOW: _l("Know-how"),
    IPStatus.TRADE_SECRET: _l("Trade secret"),
    IPStatus.PLANT_VARIETY: _l("Plant variety"),
    IPStatus.OTHER: _l("Other protection"),
}
# i18n: kinds of agreement an opportunity's author is looking for.
AGREEMENT_LABELS = {
    AgreementType.LICENCE: _l("Licence"),
    AgreementType.CO_DEVELOPMENT: _l("Co-development"),
    AgreementType.RD_CONTRACT: _l("R&D contract"),
    AgreementType.SPIN_OFF_INVESTMENT: _l("Spin-off investment"),
    AgreementType.MATERIAL_TRANSFER: _l("Material transfer"),
}
# i18n: where an opportunity stands.
STATUS_LABELS = {
    OpportunityStatus.OPEN: _l("Open"),
    OpportunityStatus.IN_NEGOTIATION: _l("In negotiation"),
    OpportunityStatus.CLOSED: _l("Closed"),
}
# Technology readiness levels (the scale of the EU's Horizon programmes): the short name, then the help
# text the form and the page show.
TRL_LEVELS = range(1, 10)
TRL_LABELS = {
    1: (_l("Basic principles observed"),
        _l("Scientific research is beginning to be translated into applied research.")),
    2: (_l("Technology concept formulated"),
        _l("Practical applications are identified; they are still speculative.")),
    3: (_l("Experimental proof of concept"),
        _l("Analytical and laboratory studies validate the critical functions.")),
    4: (_l("Technology validated in the lab"),
        _l("Basic components are integrated and tested in the laboratory.")),
    5: (_l("Technology validated in a relevant environment"),
        _l("Components are tested in a simulated, realistic setting.")),
    6: (_l("Technology demonstrated in a relevant environment"),
        _l("A prototype or pilot is demonstrated in a relevant setting.")),
    7: (_l("System prototype demonstrated in operation"),
        _l("A prototype near the final system works in an operational setting.")),
    8: (_l("System complete and qualified"),
        _l("The final system is proven to work in its final form, with tests and certification.")),
    9: (_l("Actual system proven in operation"),
        _l("The technology is in use, or ready for the market.")),
}  # fmt: skip

opportunity_territories = Table(
    "opportunity_territories",
    db.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("country", String(2), primary_key=True),  # ISO 3166-1 alpha-2
    # The list's territory filter starts from the country.
    Index("ix_opportunity_territories_country", "country", "opportunity_id"),
)

opportunity_agreements = Table(
    "opportunity_agreements",
    db.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("agreement", String(32), primary_key=True),  # an AgreementType value
)


class Opportunity(db.Model):
    """What a member's institution offers or looks for; the author alone edits it."""

    __tablename__ = "opportunities"
    __table_args__ = (
        # The list shows the newest first, usually open ones only; each filter narrows it.
        Index("ix_opportunities_status_created_at", "status", "created_at"),
        Index("ix_opportunities_kind_created_at", "kind", "created_at"),
        Index("ix_opportunities_country_created_at", "country", "created_at"),
        Index("ix_opportunities_field_id_created_at", "field_id", "created_at"),
        Index("ix_opportunities_sector_created_at", "sector", "created_at"),
        Index("ix_opportunities_author_id_created_at", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OpportunityKind] = mapped_column(_text_enum(OpportunityKind))
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(300))  # plain text, one or two sentences for lists
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # render_markdown(description), on write
    language: Mapped[str] = mapped_column(String(2), index=True)  # es, pt or en
    field_id: Mapped[int] = mapped_column(ForeignKey("expertise_areas.id"))
    field: Mapped[ExpertiseArea] = relationship()
    sector: Mapped[Sector] = mapped_column(_text_enum(Sector))
    trl: Mapped[int] = mapped_column(index=True)  # technology readiness level, 1 to 9
    ip_status: Mapped[IPStatus] = mapped_column(_text_enum(IPStatus), index=True)
    patent_numbers: Mapped[str] = mapped_column(String(200), default="")  # e.g. "MX/a/2025/004512"
    institution: Mapped[str] = mapped_column(String(160), default="")
    country: Mapped[str | None] = mapped_column(String(2))  # where the opportunity comes from
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OpportunityStatus] = mapped_column(_text_enum(OpportunityStatus), default=OpportunityStatus.OPEN)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    interest_count: Mapped[int] = mapped_column(default=0)  # kept on the row: rows of opportunity_interests
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moderation: as for events, hidden opportunities are gone for members; held ones wait for review.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())

    territory_rows = relationship("OpportunityTerritory", cascade="all, delete-orphan",
                                  order_by="OpportunityTerritory.country")  # fmt: skip
    agreement_rows = relationship("OpportunityAgreement", cascade="all, delete-orphan",
                                  order_by="OpportunityAgreement.agreement")  # fmt: skip

    def __repr__(self) -> str:
        return f"<Opportunity {self.id} {self.kind.value} {self.title!r}>"

    @property
    def territories(self) -> list[str]:
        return [row.country for row in self.territory_rows]

    @property
    def agreements(self) -> list[AgreementType]:
        return [AgreementType(row.agreement) for row in self.agreement_rows]

    @property
    def is_open(self) -> bool:
        return self.status is OpportunityStatus.OPEN

    @property
    def is_listed(self) -> bool:
        """Whether members other than its author and moderators see it."""
        return not (self.is_hidden or self.awaiting_review)


class OpportunityTerritory(db.Model):
    __table__ = opportunity_territories


class OpportunityAgreement(db.Model):
    __table__ = opportunity_agreements


class OpportunityInterest(db.Model):
    """A member's "I am interested": it opened (or reused) a private conversation with the author."""

    __tablename__ = "opportunity_interests"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "user_id"),
        # "Opportunities I expressed interest in" starts from the member.
        Index("ix_opportunity_interests_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    opportunity: Mapped[Opportunity] = relationship()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped[User] = relationship()
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
