"""Profiles: editing, avatars, verified institutions and the expertise taxonomy."""

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.audit.models import AuditAction
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.i18n import is_country
from community.markdown import render_markdown
from community.profiles import avatars
from community.profiles.links import (
    DOMAIN_INVALID,
    LINKEDIN_INVALID,
    ORCID_INVALID,
    WEBSITE_INVALID,
    email_domain_candidates,
    normalize_domain,
    normalize_linkedin,
    normalize_orcid,
    normalize_url,
)
from community.profiles.models import (
    ExpertiseArea,
    Institution,
    InstitutionDomain,
    OrganizationType,
    Profile,
    ProfileAvatar,
    ProfileLanguage,
    Visibility,
    profile_expertise,
)
from community.profiles.taxonomy import DEFAULT_EXPERTISE, SPOKEN_LANGUAGES
from community.types import utcnow

BIO_MAX = 5000


# --- who may do what ---------------------------------------------------------------------------


def is_listed(user: User) -> bool:
    """Whether the member can be found at all: confirmed, approved and not deleted."""
    return user.is_confirmed and user.is_approved and not user.is_deleted


def can_see_profile(viewer, member: User) -> bool:
    """Members see every listed member; visitors only public profiles; everyone sees their own."""
    if viewer.is_authenticated and viewer.id == member.id:
        return not member.is_deleted
    if not is_listed(member):
        return False
    if viewer.is_authenticated:
        return True
    return member.profile is not None and member.profile.is_public


def can_see_email(viewer, member: User) -> bool:
    """Only members see an address, and only when its owner chose to show it."""
    profile = member.profile
    return viewer.is_authenticated and profile is not None and profile.show_email and not member.is_deleted


def can_verify_members(user) -> bool:
    return user.is_authenticated and user.is_moderator


def can_manage_directory(user) -> bool:
    """Admins curate the expertise taxonomy and the institutions' e-mail domains."""
    return user.is_authenticated and user.is_admin


# --- reading -----------------------------------------------------------------------------------


def get_profile(user: User) -> Profile:
    """The member's profile, created empty (members-only) the first time it is asked for."""
    if user.profile is None:
        user.profile = Profile(user=user)
        db.session.add(user.profile)
        db.session.flush()
    return user.profile


def list_expertise_areas() -> list[ExpertiseArea]:
    return list(db.session.scalars(select(ExpertiseArea).order_by(ExpertiseArea.position, ExpertiseArea.id)))


def list_all_institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.name, Institution.id)))


@dataclass
class Completeness:
    """How findable a profile is: the items that are filled and those still missing."""

    done: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        total = len(self.done) + len(self.missing)
        return round(100 * len(self.done) / total) if total else 100


def profile_completeness(user: User, profile: Profile) -> Completeness:
    """Score the fields that make a member findable in the directory, in the order they matter."""
    # i18n: items of the profile completeness checklist.
    items = [
        (_l("Expertise areas"), bool(profile.expertise)),
        (_l("Country"), bool(user.country)),
        (_l("Headline"), bool(profile.headline)),
        (_l("Organization"), bool(profile.organization and profile.organization_type)),
        (_l("Job title"), bool(profile.job_title)),
        (_l("Languages you speak"), bool(profile.languages)),
        (_l("About you"), bool(profile.bio.strip())),
        (_l("City"), bool(profile.city)),
        (_l("What you are open to"), profile.open_to_collaboration or profile.open_to_mentoring
         or profile.open_to_speaking),
        (_l("A link (website, LinkedIn or ORCID iD)"), bool(profile.website or profile.linkedin or profile.orcid)),
        (_l("Photo"), bool(profile.avatar_key)),
    ]
    result = Completeness()
    for label, filled in items:
        (result.done if filled else result.missing).append(label)
    return result


# --- editing -----------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def update_profile(
    user: User,
    *,
    display_name: str,
    country: str,
    headline: str | None = None,
    bio: str = "",
    city: str | None = None,
    organization: str | None = None,
    organization_type: str | None = None,
    job_title: str | None = None,
    expertise: list[str] = (),
    languages: list[str] = (),
    website: str | None = None,
    linkedin: str | None = None,
    orcid: str | None = None,
    open_to_collaboration: bool = False,
    open_to_mentoring: bool = False,
    open_to_speaking: bool = False,
    visibility: str = Visibility.MEMBERS.value,
    show_email: bool = False,
) -> Profile:
    """Save the member's profile (and their name and country) after checking every value.

    `expertise` holds slugs and `languages` ISO 639-1 codes. Raises ActionRefused with the field it
    is about for a bad value; nothing is saved then. Silenced (a 403) when the member is read-only for now.
    """
    if user.is_deleted:
        raise PermissionDenied
    refuse_if_silenced(user)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ActionRefused(_l("Please tell us your name."), field="display_name")
    if not is_country(country or ""):
        raise ActionRefused(_l("Please choose a country from the list."), field="country")
    links = {}
    for name, value, normalize, message in (
        ("website", website, normalize_url, WEBSITE_INVALID),
        ("linkedin", linkedin, normalize_linkedin, LINKEDIN_INVALID),
        ("orcid", orcid, normalize_orcid, ORCID_INVALID),
    ):
        try:
            links[name] = normalize(value) if _clean(value) else None
        except ValueError as error:
            raise ActionRefused(message, field=name) from error
    try:
        kind = OrganizationType(organization_type) if organization_type else None
        chosen_visibility = Visibility(visibility)
    except ValueError as error:
        raise ActionRefused(_l("Please choose one of the offered options.")) from error
    unknown_languages = set(languages) - set(SPOKEN_LANGUAGES)
    if unknown_languages:
        raise ActionRefused(_l("Please choose languages from the list."), field="languages")
    areas = list(db.session.scalars(select(ExpertiseArea).where(ExpertiseArea.slug.in_(set(expertise)))))
    if len(areas) != len(set(expertise)):
        raise ActionRefused(_l("Please choose expertise areas from the list."), field="expertise")
    bio = (bio or "").strip()
    try:
        bio_html = render_markdown(bio)
    except ActionRefused as refusal:
        raise ActionRefused(refusal.reason, field="bio") from refusal

    profile = get_profile(user)
    user.display_name = display_name
    user.country = country
    profile.headline = _clean(headline)
    profile.bio = bio
    profile.bio_html = str(bio_html)
    profile.city = _clean(city)
    profile.organization = _clean(organization)
    profile.organization_type = kind
    profile.job_title = _clean(job_title)
    profile.website, profile.linkedin, profile.orcid = links["website"], links["linkedin"], links["orcid"]
    profile.open_to_collaboration = bool(open_to_collaboration)
    profile.open_to_mentoring = bool(open_to_mentoring)
    profile.open_to_speaking = bool(open_to_speaking)
    profile.visibility = chosen_visibility
    profile.show_email = bool(show_email)
    profile.expertise = sorted(areas, key=lambda area: (area.position, area.id))
    wanted = [code for code in SPOKEN_LANGUAGES if code in set(languages)]
    kept = {language.code: language for language in profile.languages}
    profile.languages = [kept.get(code) or ProfileLanguage(code=code) for code in wanted]
    profile.updated_at = utcnow()
    _refresh_domain_verification(user, profile)
    db.session.commit()
    return profile


def set_avatar(user: User, data: bytes) -> Profile:
    """Replace the member's avatar with an upload; ActionRefused leaves the stored one untouched."""
    refuse_if_silenced(user)
    image = avatars.process_upload(data)  # refuses before anything is read from or written to the database
    profile = get_profile(user)
    stored = db.session.get(ProfileAvatar, profile.id)
    if stored is None:
        stored = ProfileAvatar(profile_id=profile.id, image=image)
        db.session.add(stored)
    stored.image = image
    stored.content_type = "image/webp"
    stored.updated_at = utcnow()
    profile.avatar_key = avatars.avatar_key(image)
    db.session.commit()
    return profile


def remove_avatar(user: User) -> None:
    """Go back to the initials avatar (not while the member is read-only: Silenced)."""
    refuse_if_silenced(user)
    profile = get_profile(user)
    stored = db.session.get(ProfileAvatar, profile.id)
    if stored is not None:
        db.session.delete(stored)
    profile.avatar_key = None
    db.session.commit()


def get_avatar(user_id: int) -> tuple[ProfileAvatar, Profile] | None:
    row = db.session.execute(
        select(ProfileAvatar, Profile)
        .join(Profile, Profile.id == ProfileAvatar.profile_id)
        .where(Profile.user_id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


# --- verified institutions ---------------------------------------------------------------------


def _institution_for_email(email: str) -> Institution | None:
    candidates = email_domain_candidates(email)
    if not candidates:
        return None
    rows = db.session.execute(
        select(InstitutionDomain.domain, Institution)
        .join(Institution, Institution.id == InstitutionDomain.institution_id)
        .where(InstitutionDomain.domain.in_(candidates))
    ).all()
    by_domain = {domain: institution for domain, institution in rows}
    # The most specific domain wins: mail.unam.mx before unam.mx.
    return next((by_domain[domain] for domain in candidates if domain in by_domain), None)


def _refresh_domain_verification(user: User, profile: Profile | None) -> Profile | None:
    """Set or clear the verification that comes from the member's confirmed e-mail domain (flush only).

    A moderator's verification by hand is left alone.
    """
    if profile is not None and profile.verified_by_id is not None:
        return profile
    institution = _institution_for_email(user.email) if user.is_confirmed and not user.is_deleted else None
    if institution is None:
        if profile is not None and profile.institution_id is not None:
            profile.institution = None
            profile.verified_at = None
        return profile
    if profile is None:
        profile = Profile(user=user)
        db.session.add(profile)
    if profile.institution is not institution:
        profile.institution = institution
        profile.verified_at = utcnow()
    return profile


def _users_on_domain(domain: str) -> list[User]:
    # Lower-cased on save by accounts, so a plain LIKE finds every address on the domain or below it.
    escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            select(User).where(
                or_(User.email.like(f"%@{escaped}", escape="\\"), User.email.like(f"%.{escaped}", escape="\\"))
            )
        )
    )


def refresh_domain_verifications(domain: str) -> int:
    """Re-check every member whose address is on `domain` or below it (flush only); return how many."""
    users = _users_on_domain(domain)
    for user in users:
        _refresh_domain_verification(user, user.profile)
    return len(users)


@event.listens_for(Session, "before_flush")
def _verify_on_email_change(session, _context, _instances):
    """Follow e-mail confirmations and address changes, wherever they happen (accounts knows nothing of us)."""
    changed = []
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, User):
            continue
        state = inspect(obj)
        if obj in session.new or state.attrs.email.history.has_changes() or (
            state.attrs.email_confirmed_at.history.has_changes()
        ):
            changed.append(obj)
    if not changed:
        return
    with session.no_autoflush:
        for user in changed:
            if user in session.new and not user.is_confirmed:
                continue
            _refresh_domain_verification(user, user.profile)


def verify_member(moderator: User, member: User, institution: Institution) -> Profile:
    """Mark the member as belonging to `institution` on a moderator's word; audit VERIFY_MEMBER."""
    if not can_verify_members(moderator):
        raise PermissionDenied
    if not is_listed(member):
        raise ActionRefused(_l("Only active members can be verified."))
    profile = get_profile(member)
    profile.institution = institution
    profile.verified_at = utcnow()
    profile.verified_by_id = moderator.id
    record_action(moderator, AuditAction.VERIFY_MEMBER, target_kind="member", target_id=member.id, target_user=member,
                  details={"institution": institution.name, "institution_id": institution.id})
    db.session.commit()
    return profile


def remove_verification(moderator: User, member: User) -> None:
    """Withdraw a verification by hand (audit UNVERIFY_MEMBER); the member's e-mail domain may still verify them.

    Without a verification by hand nothing changes and nothing is written.
    """
    if not can_verify_members(moderator):
        raise PermissionDenied
    profile = get_profile(member)
    if profile.verified_by_id is None:
        return
    removed = profile.institution
    profile.verified_by_id = None
    profile.institution = None
    profile.verified_at = None
    _refresh_domain_verification(member, profile)
    record_action(
        moderator, AuditAction.UNVERIFY_MEMBER, target_kind="member", target_id=member.id, target_user=member,
        details={"institution": removed.name, "institution_id": removed.id} if removed else {},
    )  # fmt: skip
    db.session.commit()


def create_institution(admin: User, name: str, country: str | None) -> Institution:
    if not can_manage_directory(admin):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_l("Please enter the institution's name."), field="name")
    if country and not is_country(country):
        raise ActionRefused(_l("Please choose a country from the list."), field="country")
    institution = Institution(name=name, country=country or None)
    db.session.add(institution)
    db.session.flush()
    record_action(admin, AuditAction.CREATE_INSTITUTION, target_kind="institution", target_id=institution.id,
                  details={"name": name, "country": institution.country})
    db.session.commit()
    return institution


def update_institution(admin: User, institution: Institution, name: str, country: str | None) -> None:
    if not can_manage_directory(admin):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_l("Please enter the institution's name."), field="name")
    if country and not is_country(country):
        raise ActionRefused(_l("Please choose a country from the list."), field="country")
    before = {"name": institution.name, "country": institution.country}
    institution.name = name
    institution.country = country or None
    after = {"name": institution.name, "country": institution.country}
    if before != after:
        record_action(admin, AuditAction.EDIT_INSTITUTION, target_kind="institution", target_id=institution.id,
                      details={"before": before, "after": after})
    db.session.commit()


def link_domain(admin: User, institution: Institution, raw_domain: str) -> InstitutionDomain:
    """Link an e-mail domain to the institution and verify the members already on it."""
    if not can_manage_directory(admin):
        raise PermissionDenied
    try:
        domain = normalize_domain(raw_domain)
    except ValueError as error:
        raise ActionRefused(DOMAIN_INVALID, field="domain") from error
    if db.session.scalar(select(InstitutionDomain.id).where(InstitutionDomain.domain == domain)):
        raise ActionRefused(_l("This domain is already linked to an institution."), field="domain")
    link = InstitutionDomain(institution=institution, domain=domain)
    db.session.add(link)
    db.session.flush()
    refresh_domain_verifications(domain)
    record_action(admin, AuditAction.EDIT_INSTITUTION, target_kind="institution", target_id=institution.id,
                  details={"domain_added": domain})
    db.session.commit()
    return link


def unlink_domain(admin: User, link: InstitutionDomain) -> None:
    """Remove a domain; members verified only through it lose the badge."""
    if not can_manage_directory(admin):
        raise PermissionDenied
    domain, institution_id = link.domain, link.institution_id
    db.session.delete(link)
    db.session.flush()
    refresh_domain_verifications(domain)
    record_action(admin, AuditAction.EDIT_INSTITUTION, target_kind="institution", target_id=institution_id,
                  details={"domain_removed": domain})
    db.session.commit()


def list_institutions(page: int, per_page: int = 25):
    query = select(Institution).options(selectinload(Institution.domains)).order_by(Institution.name, Institution.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- the expertise taxonomy --------------------------------------------------------------------


def ensure_default_expertise() -> int:
    """Insert the default expertise areas that are missing; return how many were added."""
    existing = set(db.session.scalars(select(ExpertiseArea.slug)))
    added = 0
    for position, (slug, name_en, name_es, name_pt) in enumerate(DEFAULT_EXPERTISE, start=1):
        if slug in existing:
            continue
        db.session.add(ExpertiseArea(slug=slug, name_en=name_en, name_es=name_es, name_pt=name_pt, position=position))
        added += 1
    db.session.commit()
    return added


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _check_area_names(names: dict[str, str]) -> dict[str, str]:
    cleaned = {key: (value or "").strip() for key, value in names.items()}
    for key, value in cleaned.items():
        if not value:
            raise ActionRefused(_l("Please give the area's name in every language."), field=key)
    return cleaned


def add_expertise_area(admin: User, name_en: str, name_es: str, name_pt: str) -> ExpertiseArea:
    """Add an area at the end of the taxonomy; its slug (used in directory addresses) comes from the English name."""
    if not can_manage_directory(admin):
        raise PermissionDenied
    names = _check_area_names({"name_en": name_en, "name_es": name_es, "name_pt": name_pt})
    slug = _slugify(names["name_en"])
    if not slug:
        raise ActionRefused(_l("The English name needs at least one letter or digit."), field="name_en")
    if db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == slug)):
        raise ActionRefused(_l("An expertise area with this name already exists."), field="name_en")
    last = db.session.scalar(select(func.max(ExpertiseArea.position))) or 0
    area = ExpertiseArea(slug=slug, position=last + 1, **names)
    db.session.add(area)
    db.session.flush()
    record_action(admin, AuditAction.CREATE_EXPERTISE, target_kind="expertise", target_id=area.id,
                  details={"slug": slug, **names})
    db.session.commit()
    return area


def update_expertise_area(admin: User, area: ExpertiseArea, name_en: str, name_es: str, name_pt: str,
                          position: int) -> None:
    """Rename an area or move it; its slug stays, so shared directory addresses keep working."""
    if not can_manage_directory(admin):
        raise PermissionDenied
    names = _check_area_names({"name_en": name_en, "name_es": name_es, "name_pt": name_pt})
    wanted = {**names, "position": position}
    before = {key: getattr(area, key) for key, value in wanted.items() if getattr(area, key) != value}
    for key, value in wanted.items():
        setattr(area, key, value)
    if before:
        record_action(admin, AuditAction.EDIT_EXPERTISE, target_kind="expertise", target_id=area.id,
                      details={"before": before, "after": {key: wanted[key] for key in before}})
    db.session.commit()


def count_members_per_area() -> dict[int, int]:
    """How many profiles list each area (one grouped query, for the admin page)."""
    rows = db.session.execute(
        select(profile_expertise.c.expertise_id, func.count()).group_by(profile_expertise.c.expertise_id)
    ).all()
    return dict(rows)
