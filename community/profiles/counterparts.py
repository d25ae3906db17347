"""The dashboard's counterparts panel: members in other countries who share the member's expertise areas.

Ranking them means counting, for every member who shares any of the areas (thousands, on the benchmark
data), how many they share: 7 to 13 ms on SQLite and PostgreSQL for a member with three areas, on every
visit to the dashboard. The ranking depends on nothing but the member's areas and country, so it is kept
(COUNTERPARTS_CACHE_SECONDS, in the cache the pages use) for every member with the same ones, by ids.

Reading the member's areas and then who is shown cost two statements on every visit, a tenth of the
dashboard. Each is kept now, as the pages are:
- the member's areas, for COUNTERPARTS_CACHE_SECONDS, and read afresh once the member has sent a form
  since (only their own profile form changes them; an area an administrator renames may show its old
  name on the panel until then);
- who is shown, for every member with the same ranking, for MEMBER_PAGE_CACHE_SECONDS: a counterpart who
  has left the directory since, or changed their name, shows as before for that long, as in the
  directory's own kept pages.
"""

import time
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Integer, Select, String, bindparam, cast, func, select

from community.accounts.models import User
from community.extensions import cache as kept
from community.i18n import current_language
from community.page_cache import wrote_since
from community.profiles.directory import listed_members
from community.profiles.models import ExpertiseArea, Profile, profile_expertise
from community.rows import in_parameters, parameter_values, read_rows

COUNTERPARTS = 6


class Shown(NamedTuple):
    """What the panel shows of a counterpart, read as columns: loading whole members with their profiles
    cost more than the rest of the panel."""

    id: int
    display_name: str
    country: str | None
    avatar_key: str | None


class Area(NamedTuple):
    """One of the member's expertise areas, read as columns."""

    id: int
    slug: str
    name_en: str
    name_es: str
    name_pt: str

    name = ExpertiseArea.name  # by language, as the model's


@dataclass
class Counterpart:
    member: Shown
    shared: list[Area]  # the areas they share with the member, in the taxonomy's order
    shared_names: str  # their names in the page's language, joined


@dataclass
class Panel:
    counterparts: list[Counterpart]
    has_areas: bool  # with no counterparts, says whether "no one shares them yet" or "add yours"

    @property
    def shown(self) -> tuple:
        """All the panel shows, the key of its rendered piece (a counterpart's areas by their names alone)."""
        return self.has_areas, tuple((shown.member, shown.shared_names) for shown in self.counterparts)


def counterparts_panel(user: User, limit: int = COUNTERPARTS) -> Panel:
    """Members in other countries who share the most expertise areas with `user` (the most recently
    active first among equals), best matches first.

    No statement when all is kept; at most three (the member's areas, the ranking, the members shown).
    """
    mine = _areas_of(user)
    if not mine:
        return Panel([], has_areas=False)
    # One more than shown: a member without a country shares the ranking of others without one, and
    # may be in it.
    ranked = [
        (member_id, shared) for member_id, shared in _ranking(user.country, [area.id for area in mine], limit + 1)
        if member_id != user.id
    ][:limit]  # fmt: skip
    if not ranked:
        return Panel([], has_areas=True)
    members = _shown(tuple(member_id for member_id, _ in ranked))
    language = current_language()
    counterparts = []
    for member_id, shared_ids in ranked:
        if member_id in members:
            shared = [area for area in mine if area.id in shared_ids]
            names = ", ".join(area.name(language) for area in shared)
            counterparts.append(Counterpart(members[member_id], shared, names))
    return Panel(counterparts, has_areas=True)


def list_counterparts(user: User, limit: int = COUNTERPARTS) -> list[Counterpart]:
    return counterparts_panel(user, limit).counterparts


def _areas_of(user: User) -> tuple[Area, ...]:
    """The member's expertise areas, in the taxonomy's order: kept for COUNTERPARTS_CACHE_SECONDS, and read
    again once the member has sent a form since they were read."""
    seconds = current_app.config["COUNTERPARTS_CACHE_SECONDS"]
    key = f"counterparts-areas:{user.id}"
    found = kept.get(key) if seconds > 0 else None
    if found is not None and not wrote_since(found[0]):
        return found[1]
    read_at = time.time()
    mine = tuple(Area(*row) for row in read_rows(_areas_statement(), {"member_id": user.id}))
    if seconds > 0:
        kept.set(key, (read_at, mine), timeout=seconds)
    return mine


def _shown(member_ids: tuple[int, ...]) -> dict[int, Shown]:
    """Those of `member_ids` still listed in the directory, as the panel shows them, by id: kept for
    MEMBER_PAGE_CACHE_SECONDS for every member shown the same ones."""
    seconds = current_app.config["MEMBER_PAGE_CACHE_SECONDS"]
    # The number is the kept value's format (a tuple since version 2): a shared cache (Redis) may still hold
    # an older version's for MEMBER_PAGE_CACHE_SECONDS after an upgrade.
    key = f"counterparts-shown:2:{'.'.join(map(str, member_ids))}"
    found = kept.get(key) if seconds > 0 else None
    if found is None:
        statement = _members_statement(len(member_ids))
        found = tuple(Shown(*row) for row in read_rows(statement, parameter_values("member_id", member_ids)))
        if seconds > 0:
            kept.set(key, found, timeout=seconds)  # a tuple: kept as it is (community/worker_cache.py)
    return {shown.id: shown for shown in found}


def _ranking(country: str | None, area_ids: list[int], limit: int) -> tuple[tuple[int, frozenset[int]], ...]:
    """The ids of the best counterparts for members of `country` with the areas `area_ids`, with the areas
    each shares, best first: kept for COUNTERPARTS_CACHE_SECONDS."""
    seconds = current_app.config["COUNTERPARTS_CACHE_SECONDS"]
    key = f"counterparts:{country or '-'}:{'.'.join(map(str, sorted(area_ids)))}:{limit}"
    found = kept.get(key) if seconds > 0 else None
    if found is None:
        values = {"country": country, "limit": limit, **parameter_values("area_id", area_ids)}
        statement = _ranking_statement(country is not None, len(area_ids))
        found = tuple(
            (member_id, frozenset(int(area_id) for area_id in shared.split(",")))
            for member_id, shared in read_rows(statement, values)
        )
        if seconds > 0:
            kept.set(key, found, timeout=seconds)
    return found


@cache
def _ranking_statement(has_country: bool, area_count: int) -> Select:
    # Built once for each number of areas, with the areas and the country as parameters. The candidates are
    # ranked as ids and counts alone: sorting whole rows (profiles with their bios) had cost as much again.
    # "Another country" is any country for a member without one.
    matching = in_parameters(profile_expertise.c.expertise_id, "area_id", area_count)
    scores = (
        select(
            profile_expertise.c.profile_id,
            func.count().label("count"),
            func.aggregate_strings(cast(profile_expertise.c.expertise_id, String), ",").label("shared"),
        )
        .where(matching)
        .group_by(profile_expertise.c.profile_id)
        .subquery()
    )
    ranking = (
        select(User.id, scores.c.shared)
        .join(Profile, Profile.user_id == User.id)
        .join(scores, scores.c.profile_id == Profile.id)
        .where(listed_members())
        .order_by(scores.c.count.desc(), User.last_seen_at.desc().nulls_last(), User.id)
        .limit(bindparam("limit", type_=Integer))
    )
    if has_country:
        ranking = ranking.where(User.country != bindparam("country", type_=User.country.type))
    return ranking


@cache
def _areas_statement() -> Select:
    area = ExpertiseArea
    return (
        select(area.id, area.slug, area.name_en, area.name_es, area.name_pt)
        .join(profile_expertise, profile_expertise.c.expertise_id == area.id)
        .join(Profile, Profile.id == profile_expertise.c.profile_id)
        .where(Profile.user_id == bindparam("member_id", type_=Integer))
        .order_by(ExpertiseArea.position, ExpertiseArea.id)
    )


@cache
def _members_statement(count: int) -> Select:
    # Listed is checked again: the ranking may be older than a member's leaving.
    return (
        select(User.id, User.display_name, User.country, Profile.avatar_key)
        .join(Profile, Profile.user_id == User.id)
        .where(in_parameters(User.id, "member_id", count), listed_members())
    )
