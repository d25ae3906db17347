"""Plain builders for test data; every keyword overrides a default."""

import itertools
from functools import cache

from werkzeug.security import generate_password_hash

from community.accounts.models import Role, User
from community.extensions import db
from community.i18n import default_timezone_for
from community.types import utcnow

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@cache
def _hash(password: str) -> str:
    """Hash each test password once: scrypt is slow on purpose, and tests make many members."""
    return generate_password_hash(password)


def make_user(*, password: str = PASSWORD, commit: bool = True, **overrides) -> User:
    """A confirmed, approved member who can log in with `password`."""
    number = next(_numbers)
    values = {
        "email": f"member{number}@example.org",
        "display_name": f"Member {number}",
        "country": "MX",
        "locale": "es",
        "role": Role.MEMBER,
        "email_confirmed_at": utcnow(),
        "is_approved": True,
    }
    values.update(overrides)
    values.setdefault("timezone", default_timezone_for(values["country"]))
    user = User(**values)
    user.password_hash = _hash(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def make_moderator(**overrides) -> User:
    return make_user(role=Role.MODERATOR, **overrides)


def make_admin(**overrides) -> User:
    return make_user(role=Role.ADMIN, **overrides)


def member_client(app, **user_values):
    """A test client of its own, logged in as a new plain member (through the session, as the `login`
    fixture does), and that member: for tests where several members read the same page."""
    member = make_user(**user_values)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
        session["_fresh"] = True
    return client, member


def make_profile(user: User | None = None, *, expertise=(), languages=(), commit: bool = True, **overrides):
    """A profile for `user` (a new member if None); `expertise` holds slugs of the default taxonomy."""
    from sqlalchemy import select

    from community.markdown import render_markdown
    from community.profiles.models import ExpertiseArea, Profile, ProfileLanguage
    from community.profiles.services import ensure_default_expertise

    user = user or make_user(commit=False)
    if expertise and not db.session.scalar(select(ExpertiseArea.id).limit(1)):
        ensure_default_expertise()
    profile = user.profile or Profile(user=user)
    db.session.add(profile)
    for name, value in overrides.items():
        setattr(profile, name, value)
    if "bio" in overrides:
        profile.bio_html = str(render_markdown(overrides["bio"]))
    if expertise:
        profile.expertise = list(db.session.scalars(select(ExpertiseArea).where(ExpertiseArea.slug.in_(expertise))))
    profile.languages = [ProfileLanguage(code=code) for code in languages]
    if commit:
        db.session.commit()
    return profile


def make_institution(name: str = "Universidad Nacional", country: str | None = "MX", domains=(), commit=True):
    from community.profiles.models import Institution, InstitutionDomain

    institution = Institution(name=name, country=country, domains=[InstitutionDomain(domain=d) for d in domains])
    db.session.add(institution)
    if commit:
        db.session.commit()
    return institution


def make_category(*, commit: bool = True, **overrides):
    """A forum category (its slug and English name from a running number unless given)."""
    from community.forum.models import Category

    number = next(_numbers)
    values = {"slug": f"category-{number}", "name_en": f"Category {number}", "position": number}
    values.update(overrides)
    category = Category(**values)
    db.session.add(category)
    if commit:
        db.session.commit()
    return category


def make_thread(
    *, category=None, author=None, replies: int = 0, is_locked: bool = False, is_pinned: bool = False, **overrides
):
    """A thread started through the forum service, with `replies` replies by another member."""
    from community.forum import services

    category = category or make_category()
    author = author or make_user()
    values = {"title": "Licensing a university patent", "body": "What royalty rates do you use?"}
    values.update(overrides)
    thread = services.start_thread(author, category, **values)
    if replies:
        replier = make_user()
        for number in range(replies):
            services.reply_to_thread(replier, thread, f"Reply number {number + 2}")
    if is_locked or is_pinned:
        thread.is_locked, thread.is_pinned = is_locked, is_pinned
        db.session.commit()
    return thread


def make_event(*, organizer=None, starts_in=None, hours: float = 2, commit: bool = True, **overrides):
    """An event stored directly (so it may lie in the past), starting `starts_in` from now (default a week)."""
    from datetime import timedelta

    from community.events.models import Event, EventFormat, EventKind, EventStatus
    from community.markdown import render_markdown

    starts_in = starts_in if starts_in is not None else timedelta(days=7)
    starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)  # whole minutes, as the form gives
    values = {
        "title": "Follow-up meeting on licensing",
        "description": "Agenda: **royalties**.",
        "language": "es",
        "kind": EventKind.MEETING,
        "format": EventFormat.HYBRID,
        "timezone": "America/Mexico_City",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "venue": "IMPI",
        "city": "Ciudad de México",
        "country": "MX",
        "online_url": "https://meet.example.org/follow-up",
        "status": EventStatus.SCHEDULED,
    }
    values.update(overrides)
    values.setdefault("description_html", render_markdown(values["description"]))
    event = Event(organizer=organizer or make_user(), **values)
    db.session.add(event)
    if commit:
        db.session.commit()
    return event


def make_opportunity(*, author=None, field="licensing", territories=(), agreements=(), commit: bool = True,
                     **overrides):  # fmt: skip
    """An opportunity stored directly (no screening, deadline may lie in the past); `field` is a taxonomy slug,
    `territories` ISO country codes, `agreements` AgreementType values or members."""
    from sqlalchemy import select

    from community.markdown import render_markdown
    from community.opportunities.models import (
        AgreementType,
        IPStatus,
        Opportunity,
        OpportunityAgreement,
        OpportunityKind,
        OpportunityStatus,
        OpportunityTerritory,
        Sector,
    )
    from community.profiles.models import ExpertiseArea
    from community.profiles.services import ensure_default_expertise

    area = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == field))
    if area is None:
        ensure_default_expertise()
        area = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == field))
    author = author or make_user()
    values = {
        "kind": OpportunityKind.TECHNOLOGY_OFFER,
        "title": "Biodegradable packaging film from cassava starch",
        "summary": "A patented film for food packaging, available for licensing.",
        "description": "Developed at a **public university**; pilot-scale production.",
        "language": "es",
        "sector": Sector.AGRI_FOOD,
        "trl": 5,
        "ip_status": IPStatus.PATENT_APPLICATION,
        "institution": "Universidad Nacional",
        "country": author.country,
        "status": OpportunityStatus.OPEN,
    }
    values.update(overrides)
    values.setdefault("description_html", str(render_markdown(values["description"])))
    opportunity = Opportunity(author=author, field=area, **values)
    opportunity.territory_rows = [OpportunityTerritory(country=code) for code in territories]
    opportunity.agreement_rows = [OpportunityAgreement(agreement=AgreementType(a).value) for a in agreements]
    db.session.add(opportunity)
    if commit:
        db.session.commit()
    return opportunity
