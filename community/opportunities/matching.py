"""Counterpart matching: who fits an opportunity, and which opportunities fit a member.

One score rates a (member, opportunity) pair, read in both directions: `suggest_members` ranks the
members for an opportunity, `matches_for_member` the opportunities for a member. Integer points:

    +3  the member's expertise areas include the opportunity's field
    +2  they include the taxonomy area of the opportunity's sector (Sector.expertise_slug), when that
        area is not the field itself (a fact counts once)
    +2  the member's organization type fits the kind (FITTING_TYPES: companies, start-ups and TT offices
        for a technology offer; universities, research centres, TT offices and start-ups, who hold
        technologies, for a request; universities and research centres for a collaboration call;
        TT offices, start-ups and non-profits, who seldom have IP staff of their own, for expertise)
    +1  the member is open to collaboration (offers, requests, calls) or to mentoring (expertise offers)
    +1  the member's country is one of the opportunity's territories of interest
    +1  the member's institution is verified (suggest_members only: on the member's own dashboard it
        would be the same point on every opportunity)

A pair is considered only when the field or the sector area matches (the other points refine the order,
they never make a match on their own), the two are in different countries (an opportunity's country,
else its author's; a side without a country matches every other), and neither side blocked the other.
Members are listed ones (confirmed, approved, not deleted, as in the directory), not suspended, with a
profile. Opportunities are listed (not hidden, not awaiting review), open, with no deadline passed, by an
author whose account still exists; `matches_for_member` leaves out those the member already answered.

Ties are broken by a fixed order: members by last visit (most recent first, never seen last), then id;
opportunities by the newest first, then id. Given the profiles, the ranking is fixed.

`matching_opportunities` pairs an opportunity with its counterparts (COUNTERPART_KINDS: a request with
technology and expertise offers, an offer with requests, ...): +3 same field, +2 same sector (not
"other"), +1 the other's country is one of this one's territories; newest first on ties.

Each function runs one SQL statement (plus the opportunity's field and author, if not loaded yet),
whatever the number of members: the score is summed from CASE expressions in the database, which ranks
narrow rows (ids, points), keeps the best few and only then joins their whole rows. Member candidates
come through the index of profile_expertise on (expertise_id, profile_id); the lists a statement needs
once (territories, blocks, the member's areas) are uncorrelated subqueries, read once, not once per row.
`benchmarks/matching_bench.py` times the three over 10,000 members (see the README).
The dashboard keeps each member's ranking for minutes and reads only the opportunities it shows on
later visits (`community/opportunities/dashboard.py`).
"""

from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Date, Integer, Select, String, and_, bindparam, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import aliased, contains_eager

from community.accounts.models import User
from community.extensions import db
from community.i18n import country_name, current_language
from community.messages.models import Block
from community.opportunities.models import (
    SECTOR_EXPERTISE,
    Opportunity,
    OpportunityInterest,
    OpportunityKind,
    OpportunityStatus,
    Sector,
    opportunity_territories,
)
from community.profiles.directory import listed_members
from community.profiles.models import ExpertiseArea, OrganizationType, Profile, profile_expertise
from community.rows import in_parameters, one_of, parameter_values, read_rows
from community.types import utcnow

Kind = OpportunityKind
Org = OrganizationType

FIELD_POINTS, SECTOR_POINTS, ORGANIZATION_POINTS = 3, 2, 2
OPEN_POINTS = TERRITORY_POINTS = VERIFIED_POINTS = 1

# Whose organization is the natural counterpart of each kind of opportunity.
FITTING_TYPES = {
    Kind.TECHNOLOGY_OFFER: (Org.COMPANY, Org.STARTUP, Org.TECH_TRANSFER_OFFICE),  # they license in
    Kind.TECHNOLOGY_REQUEST: (Org.UNIVERSITY, Org.PUBLIC_RESEARCH_CENTRE, Org.TECH_TRANSFER_OFFICE, Org.STARTUP),
    Kind.COLLABORATION_CALL: (Org.UNIVERSITY, Org.PUBLIC_RESEARCH_CENTRE),
    Kind.EXPERTISE_OFFER: (Org.TECH_TRANSFER_OFFICE, Org.STARTUP, Org.NON_PROFIT),
}
# Which kinds of opportunity answer each kind (shown on an opportunity's page).
COUNTERPART_KINDS = {
    Kind.TECHNOLOGY_REQUEST: (Kind.TECHNOLOGY_OFFER, Kind.EXPERTISE_OFFER),
    Kind.TECHNOLOGY_OFFER: (Kind.TECHNOLOGY_REQUEST,),
    Kind.COLLABORATION_CALL: (Kind.COLLABORATION_CALL, Kind.TECHNOLOGY_OFFER),  # partners for a consortium
    Kind.EXPERTISE_OFFER: (Kind.TECHNOLOGY_REQUEST, Kind.COLLABORATION_CALL),  # who will need advice
}


@dataclass
class MemberMatch:
    """A member suggested for an opportunity, best first, with the reasons shown to people."""

    user: User
    score: int
    reasons: list[str] = field(default_factory=list)  # translated, e.g. ["Licensing", "Health technologies", "Brazil"]


@dataclass
class OpportunityMatch:
    """An opportunity suggested to a member (or for another opportunity), with its reasons."""

    opportunity: "Opportunity | ShownOpportunity"
    score: int
    reasons: list[str] = field(default_factory=list)


# Built once: an alias's columns are adapted (and memoized) on first use, which costs more than the query.
_ME = aliased(Profile, name="me")
_AUTHOR = aliased(User, name="author")
_THEIR_FIELD = aliased(ExpertiseArea, name="their_field")


# --- shared conditions -----------------------------------------------------------------------------


def _active_members(now):
    """Members who may be suggested: listed in the directory and not suspended."""
    return and_(listed_members(), or_(User.suspended_until.is_(None), User.suspended_until <= now))


def _listed_open(today):
    """Opportunities members are shown as matches: listed, open, deadline not passed (`today` may be a parameter)."""
    return and_(
        Opportunity.is_hidden.is_(False),
        Opportunity.awaiting_review.is_(False),
        Opportunity.status == OpportunityStatus.OPEN,
        or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
    )


def _not_blocked(column, user_id: int):
    """`column` holds no member whom `user_id` blocked or who blocked them (messages would refuse them).

    Two uncorrelated lists, read once per statement through the blocks' indexes, not once per candidate.
    """
    return and_(
        column.not_in(select(Block.blocked_id).where(Block.blocker_id == user_id)),
        column.not_in(select(Block.blocker_id).where(Block.blocked_id == user_id)),
    )


def _territories_of(opportunity_id: int):
    """The opportunity's territories as an uncorrelated list (read once per statement)."""
    return select(opportunity_territories.c.country).where(opportunity_territories.c.opportunity_id == opportunity_id)


def _points(condition, points: int):
    return case((condition, points), else_=0)


def _score(weights, flags):
    return sum(weight * flag for weight, flag in zip(weights, flags, strict=True)).label("score")


def _labelled(flags):
    return [flag.label(f"fit_{number}") for number, flag in enumerate(flags)]


def _ranked(query):
    """The best candidates as a subquery of ids, scores and 0/1 flags.

    Ranking first on these narrow rows, then loading whole rows for the few kept, spares the database
    sorting every candidate's full row (profiles and opportunities carry long texts).
    """
    return query.subquery("ranked")


def _open_label(kind: OpportunityKind) -> str:
    return _("Open to mentoring") if kind is Kind.EXPERTISE_OFFER else _("Open to collaboration")


def _reasons(opportunity: Opportunity, language: str, field_fit, sector_fit, organization=None, open_fit=False,
             country=None, institution=None) -> list[str]:
    """The names of what matched, in the order of the points: field, sector, organization type, "open to",
    country, verified institution (each given only when it matched)."""
    reasons = []
    if field_fit:
        reasons.append(opportunity.field.name(language))
    if sector_fit:
        reasons.append(str(opportunity.sector.label))
    if organization is not None:
        reasons.append(str(organization.label))
    if open_fit:
        reasons.append(_open_label(opportunity.kind))
    if country:
        reasons.append(country_name(country, language))
    if institution is not None:
        reasons.append(_("Verified: %(institution)s", institution=institution.name))
    return reasons


# --- members for an opportunity --------------------------------------------------------------------


def _area_holders(opportunity: Opportunity):
    """Profiles holding the opportunity's field or its sector's area, with a 0/1 column for each.

    Read through the index on profile_expertise (expertise_id, profile_id): the candidates.
    """
    area = profile_expertise.c.expertise_id
    field_id = opportunity.field_id
    slug = SECTOR_EXPERTISE.get(opportunity.sector)
    if slug is None:
        sector_fit, wanted = literal(0), [field_id]
    else:
        sector_area = select(ExpertiseArea.id).where(ExpertiseArea.slug == slug).scalar_subquery()
        sector_fit, wanted = _points(and_(area == sector_area, area != field_id), 1), [field_id, sector_area]
    return (
        select(
            profile_expertise.c.profile_id,
            func.max(_points(area == field_id, 1)).label("field_fit"),
            func.max(sector_fit).label("sector_fit"),
        )
        .where(area.in_(wanted))
        .group_by(profile_expertise.c.profile_id)
        .subquery()
    )


def suggest_members(opportunity: Opportunity, limit: int = 8) -> list[MemberMatch]:
    """Members in other countries who fit `opportunity`, best first (see the module's docstring).

    One statement: the candidates are scored, sorted and cut in the database and come with their
    profiles and institutions (plus the opportunity's field and author, if not loaded yet).
    """
    now = utcnow()
    origin = opportunity.country or opportunity.author.country
    holders = _area_holders(opportunity)
    wants_mentoring = opportunity.kind is Kind.EXPERTISE_OFFER
    flags = [
        holders.c.field_fit,
        holders.c.sector_fit,
        _points(one_of(Profile.organization_type, FITTING_TYPES[opportunity.kind]), 1),
        _points((Profile.open_to_mentoring if wants_mentoring else Profile.open_to_collaboration).is_(True), 1),
        _points(User.country.in_(_territories_of(opportunity.id)), 1),
        _points(and_(Profile.institution_id.is_not(None), Profile.verified_at.is_not(None)), 1),
    ]
    weights = (FIELD_POINTS, SECTOR_POINTS, ORGANIZATION_POINTS, OPEN_POINTS, TERRITORY_POINTS, VERIFIED_POINTS)
    score = _score(weights, flags)
    ranked = _ranked(
        select(User.id.label("id"), score, *_labelled(flags))
        .join(Profile, Profile.user_id == User.id)
        .join(holders, holders.c.profile_id == Profile.id)
        .where(
            _active_members(now),
            User.id != opportunity.author_id,
            User.country != origin,  # with no origin: anyone whose country is known
            _not_blocked(User.id, opportunity.author_id),
        )
        .order_by(score.desc(), User.last_seen_at.desc().nulls_last(), User.id)
        .limit(limit)
    )
    query = (
        select(User, *ranked.c[1:])
        .join(ranked, ranked.c.id == User.id)
        .join(Profile, Profile.user_id == User.id)
        .options(contains_eager(User.profile).joinedload(Profile.institution))
        .order_by(ranked.c.score.desc(), User.last_seen_at.desc().nulls_last(), User.id)
    )
    language = current_language()
    matches = []
    for user, points, field_fit, sector_fit, fits_organization, open_fit, in_territory, verified in (
        db.session.execute(query)
    ):
        profile = user.profile
        reasons = _reasons(
            opportunity, language, field_fit, sector_fit,
            organization=profile.organization_type if fits_organization else None, open_fit=open_fit,
            country=user.country if in_territory else None, institution=profile.institution if verified else None,
        )  # fmt: skip
        matches.append(MemberMatch(user, points, reasons))
    return matches


# --- opportunities for an opportunity --------------------------------------------------------------


def matching_opportunities(opportunity: Opportunity, limit: int = 5) -> list[OpportunityMatch]:
    """Listed, open opportunities of other members in other countries that answer `opportunity`.

    Counterparts by kind (COUNTERPART_KINDS) in the same field or sector (not "other"); one statement.
    """
    now = utcnow()
    author = _AUTHOR
    origin = opportunity.country or opportunity.author.country
    their_origin = func.coalesce(Opportunity.country, author.country)
    same_field = Opportunity.field_id == opportunity.field_id
    same_sector = Opportunity.sector == opportunity.sector if opportunity.sector is not Sector.OTHER else false()
    in_territory = their_origin.in_(_territories_of(opportunity.id))
    flags = [_points(same_field, 1), _points(same_sector, 1), _points(in_territory, 1)]
    score = _score((FIELD_POINTS, SECTOR_POINTS, TERRITORY_POINTS), flags)
    ranked = _ranked(
        select(Opportunity.id.label("id"), score, *_labelled(flags))
        .join(author, author.id == Opportunity.author_id)
        .where(
            _listed_open(now.date()),
            one_of(Opportunity.kind, COUNTERPART_KINDS[opportunity.kind]),
            Opportunity.author_id != opportunity.author_id,
            author.deleted_at.is_(None),
            their_origin != origin,
            or_(same_field, same_sector),
        )
        .order_by(score.desc(), Opportunity.created_at.desc(), Opportunity.id.desc())
        .limit(limit)
    )
    query = (
        select(Opportunity, *ranked.c[1:])
        .join(ranked, ranked.c.id == Opportunity.id)
        .order_by(ranked.c.score.desc(), Opportunity.created_at.desc(), Opportunity.id.desc())
    )
    language = current_language()
    matches = []
    for other, points, field_fit, sector_fit, in_territory in db.session.execute(query):
        country = other.country if in_territory else None
        matches.append(OpportunityMatch(other, points, _reasons(opportunity, language, field_fit, sector_fit,
                                                                country=country)))  # fmt: skip
    return matches


# --- opportunities for a member --------------------------------------------------------------------


def _sector_slug(sector_column):
    """The taxonomy slug of an opportunity's sector, in SQL (NULL for sectors without an area)."""
    return case(*((sector_column == sector, slug) for sector, slug in SECTOR_EXPERTISE.items()), else_=None)


def matches_for_member(user: User, limit: int = 5) -> list[OpportunityMatch]:
    """Listed, open opportunities of other members in other countries that fit `user`, best first.

    The reverse of `suggest_members`, with the same points but the member's own verification (the same
    on every opportunity). Leaves out opportunities the member already expressed interest in. One
    statement: the member's profile joins as a single row; their areas are read through subqueries.
    """
    return [match for match, _fit in ranked_matches_for_member(user, limit)]


class MemberFit(NamedTuple):
    """How an opportunity fits a member: its points and which of them it scored, without the opportunity
    (what `community.opportunities.dashboard` keeps of a member's matches)."""

    opportunity_id: int
    organization: OrganizationType | None  # the member's organization type
    points: int
    hits: tuple[int, int, int, int, int]  # field, sector, organization, "open to", territory: 0 or 1


def ranked_matches_for_member(user: User, limit: int = 5) -> list[tuple[OpportunityMatch, MemberFit]]:
    """`matches_for_member`, each match with how it fits, from which `member_match` makes it again."""
    query = _matches_statement(limit, has_country=user.country is not None)
    values = {"member_id": user.id, "member_country": user.country, "today": utcnow().date()}
    language = current_language()
    ranked = []
    for opportunity, organization, points, *hits in db.session.execute(query, values):
        fit = MemberFit(opportunity.id, organization, points, tuple(hits))
        ranked.append((member_match(user, opportunity, fit, language), fit))
    return ranked


def member_match(
    user: User, opportunity: "Opportunity | ShownOpportunity", fit: MemberFit, language: str
) -> OpportunityMatch:
    field_hit, sector_hit, organization_hit, open_hit, territory_hit = fit.hits
    reasons = _reasons(
        opportunity, language, field_hit, sector_hit, organization=fit.organization if organization_hit else None,
        open_fit=open_hit, country=user.country if territory_hit else None,
    )
    return OpportunityMatch(opportunity, fit.points, reasons)


class AreaNames(NamedTuple):
    """An expertise area's names, read as columns."""

    name_en: str
    name_es: str
    name_pt: str

    name = ExpertiseArea.name  # by language, as the model's


class ShownOpportunity(NamedTuple):
    """What the dashboard shows of a kept match, read as columns: whole opportunities, with their
    descriptions, cost three times as much to load."""

    id: int
    kind: OpportunityKind
    title: str
    language: str
    institution: str
    country: str | None
    sector: Sector
    field: AreaNames


def still_matching(user: User, opportunity_ids: list[int]) -> dict[int, ShownOpportunity]:
    """Those of `opportunity_ids` that `matches_for_member` could still show `user`, by id: listed, open,
    deadline not passed, author still there, neither side blocked the other, no interest expressed yet.
    Their points are not worked out again (one statement, by primary key)."""
    if not opportunity_ids:
        return {}
    values = {"member_id": user.id, "today": utcnow().date(), **parameter_values("id", opportunity_ids)}
    shown = {}
    for *columns, name_en, name_es, name_pt in read_rows(_still_matching_statement(len(opportunity_ids)), values).all():
        opportunity = ShownOpportunity(*columns, AreaNames(name_en, name_es, name_pt))
        shown[opportunity.id] = opportunity
    return shown


@cache
def _still_matching_statement(count: int) -> Select:
    member_id = bindparam("member_id", type_=Integer)
    interested = select(OpportunityInterest.opportunity_id).where(OpportunityInterest.user_id == member_id)
    shown = (Opportunity.id, Opportunity.kind, Opportunity.title, Opportunity.language, Opportunity.institution,
             Opportunity.country, Opportunity.sector, ExpertiseArea.name_en, ExpertiseArea.name_es,
             ExpertiseArea.name_pt)  # fmt: skip
    return (
        select(*shown)
        .join(ExpertiseArea, ExpertiseArea.id == Opportunity.field_id)
        .join(_AUTHOR, _AUTHOR.id == Opportunity.author_id)
        .where(
            in_parameters(Opportunity.id, "id", count),
            _listed_open(bindparam("today", type_=Date)),
            _AUTHOR.deleted_at.is_(None),
            _not_blocked(Opportunity.author_id, member_id),
            Opportunity.id.not_in(interested),
        )
    )


@cache
def _matches_statement(limit: int, has_country: bool) -> Select:
    """The statement of `matches_for_member`, built once with the member, their country and the day as
    bound parameters: building it (five scores, a dozen subqueries) cost ten times more than running it.

    A member without a country gets a statement of their own: "in another country" is then "with a
    country" (IS NOT NULL), which a parameter holding NULL would not say.
    """
    member_id = bindparam("member_id", type_=Integer)
    member_country = bindparam("member_country", type_=String) if has_country else None
    today = bindparam("today", type_=Date)
    me, author, their_field = _ME, _AUTHOR, _THEIR_FIELD
    # Keyed by the member's id rather than by the joined profile row: lists read once, not once per row.
    my_area_ids = (
        select(profile_expertise.c.expertise_id)
        .join(Profile, Profile.id == profile_expertise.c.profile_id)
        .where(Profile.user_id == member_id)
    )
    my_slugs = select(ExpertiseArea.slug).where(ExpertiseArea.id.in_(my_area_ids))
    sector_slug = _sector_slug(Opportunity.sector)
    field_fit = Opportunity.field_id.in_(my_area_ids)
    sector_fit = and_(sector_slug.in_(my_slugs), sector_slug != their_field.slug)
    fits_organization = or_(
        *(and_(Opportunity.kind == kind, one_of(me.organization_type, types)) for kind, types in FITTING_TYPES.items())
    )
    open_fit = or_(
        and_(Opportunity.kind == Kind.EXPERTISE_OFFER, me.open_to_mentoring.is_(True)),
        and_(Opportunity.kind != Kind.EXPERTISE_OFFER, me.open_to_collaboration.is_(True)),
    )
    in_territory = exists().where(
        opportunity_territories.c.opportunity_id == Opportunity.id, opportunity_territories.c.country == member_country
    )
    conditions = (field_fit, sector_fit, fits_organization, open_fit, in_territory)
    flags = [_points(condition, 1) for condition in conditions]
    weights = (FIELD_POINTS, SECTOR_POINTS, ORGANIZATION_POINTS, OPEN_POINTS, TERRITORY_POINTS)
    score = _score(weights, flags)
    interested = select(OpportunityInterest.opportunity_id).where(OpportunityInterest.user_id == member_id)
    ranked = _ranked(
        select(Opportunity.id.label("id"), me.organization_type.label("organization"), score, *_labelled(flags))
        .join(their_field, their_field.id == Opportunity.field_id)
        .join(author, author.id == Opportunity.author_id)
        .join(me, me.user_id == member_id)
        .where(
            _listed_open(today),
            Opportunity.author_id != member_id,
            author.deleted_at.is_(None),
            func.coalesce(Opportunity.country, author.country) != member_country,
            or_(field_fit, sector_fit),
            _not_blocked(Opportunity.author_id, member_id),
            Opportunity.id.not_in(interested),
        )
        .order_by(score.desc(), Opportunity.created_at.desc(), Opportunity.id.desc())
        .limit(limit)
    )
    return (
        select(Opportunity, *ranked.c[1:])
        .join(ranked, ranked.c.id == Opportunity.id)
        .join(ExpertiseArea, ExpertiseArea.id == Opportunity.field_id)
        .options(contains_eager(Opportunity.field))
        .order_by(ranked.c.score.desc(), Opportunity.created_at.desc(), Opportunity.id.desc())
    )
