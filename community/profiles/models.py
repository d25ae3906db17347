import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, Index, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.i18n import current_language
from community.types import UTCDateTime, utcnow


class OrganizationType(enum.Enum):
    UNIVERSITY = "university"
    PUBLIC_RESEARCH_CENTRE = "public_research_centre"
    TECH_TRANSFER_OFFICE = "tech_transfer_office"
    GOVERNMENT_IP_OFFICE = "government_ip_office"
    COMPANY = "company"
    STARTUP = "startup"
    NON_PROFIT = "non_profit"
    LAW_CONSULTING_FIRM = "law_consulting_firm"
    OTHER = "other"

    @property
    def label(self):
        return ORGANIZATION_TYPE_LABELS[self]


# i18n: kinds of organization a member works for.
ORGANIZATION_TYPE_LABELS = {
    OrganizationType.UNIVERSITY: _l("University"),
    OrganizationType.PUBLIC_RESEARCH_CENTRE: _l("Public research centre"),
    OrganizationType.TECH_TRANSFER_OFFICE: _l("Technology-transfer office"),
    OrganizationType.GOVERNMENT_IP_OFFICE: _l("Government / IP office"),
    OrganizationType.COMPANY: _l("Company"),
    OrganizationType.STARTUP: _l("Start-up"),
    OrganizationType.NON_PROFIT: _l("Non-profit"),
    OrganizationType.LAW_CONSULTING_FIRM: _l("Law or consulting firm"),
    OrganizationType.OTHER: _l("Other"),
}


class Visibility(enum.Enum):
    MEMBERS = "members"
    PUBLIC = "public"


def _values(enum_class):
    return [member.value for member in enum_class]


profile_expertise = Table(
    "profile_expertise",
    db.metadata,
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("expertise_id", ForeignKey("expertise_areas.id", ondelete="CASCADE"), primary_key=True),
    # The directory's expertise filter and the counterparts panel look profiles up by area.
    Index("ix_profile_expertise_expertise_id", "expertise_id", "profile_id"),
)


class ExpertiseArea(db.Model):
    """One area of the expertise taxonomy, named in each of the site's languages."""

    __tablename__ = "expertise_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_es: Mapped[str] = mapped_column(String(80))
    name_pt: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0, index=True)

    def __repr__(self) -> str:
        return f"<ExpertiseArea {self.slug}>"

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en

    @property
    def local_name(self) -> str:
        """The name in the language of the current page."""
        return self.name(current_language())


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    domains: Mapped[list["InstitutionDomain"]] = relationship(
        back_populates="institution", cascade="all, delete-orphan", order_by="InstitutionDomain.domain"
    )

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.name}>"


class InstitutionDomain(db.Model):
    """An e-mail domain that proves membership of an institution once the address is confirmed."""

    __tablename__ = "institution_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    institution: Mapped[Institution] = relationship(back_populates="domains")
    domain: Mapped[str] = mapped_column(String(253), unique=True)


class Profile(db.Model):
    """A member's professional profile; name and country stay on the User."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    user: Mapped[User] = relationship(foreign_keys=[user_id], backref=backref("profile", uselist=False))
    headline: Mapped[str | None] = mapped_column(String(140))
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")  # render_markdown(bio), rendered on save
    city: Mapped[str | None] = mapped_column(String(80))
    organization: Mapped[str | None] = mapped_column(String(160))
    organization_type: Mapped[OrganizationType | None] = mapped_column(
        Enum(OrganizationType, name="organization_type", values_callable=_values), index=True
    )
    job_title: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(255))
    linkedin: Mapped[str | None] = mapped_column(String(255))
    orcid: Mapped[str | None] = mapped_column(String(19))  # 0000-0002-1825-0097
    open_to_collaboration: Mapped[bool] = mapped_column(default=False, index=True)
    open_to_mentoring: Mapped[bool] = mapped_column(default=False, index=True)
    open_to_speaking: Mapped[bool] = mapped_column(default=False, index=True)
    visibility: Mapped[Visibility] = mapped_column(
        Enum(Visibility, name="profile_visibility", values_callable=_values), default=Visibility.MEMBERS, index=True
    )
    show_email: Mapped[bool] = mapped_column(default=False)
    # Verification: by a confirmed address on a linked domain (verified_by_id empty) or by a moderator.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"), index=True)
    institution: Mapped[Institution | None] = relationship()
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A digest of the uploaded avatar: part of its address and its ETag; empty for the initials avatar.
    avatar_key: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    expertise: Mapped[list[ExpertiseArea]] = relationship(
        secondary=profile_expertise, order_by=(ExpertiseArea.position, ExpertiseArea.id)
    )
    languages: Mapped[list["ProfileLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="ProfileLanguage.code"
    )

    def __repr__(self) -> str:
        return f"<Profile {self.id} of user {self.user_id}>"

    @property
    def is_verified(self) -> bool:
        return self.institution_id is not None and self.verified_at is not None

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]

    @property
    def is_public(self) -> bool:
        return self.visibility is Visibility.PUBLIC


class ProfileLanguage(db.Model):
    """A language the member speaks, as an ISO 639-1 code."""

    __tablename__ = "profile_languages"

    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)


class ProfileAvatar(db.Model):
    """An uploaded avatar, re-encoded as WebP; kept in the database so that any worker can serve it."""

    __tablename__ = "profile_avatars"

    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(32), default="image/webp")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# The directory sorts members by name and by recent activity: indexes on the accounts table, declared
# here beside the queries that need them.
Index("ix_users_display_name", User.display_name)
Index("ix_users_last_seen_at", User.last_seen_at)
