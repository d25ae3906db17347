"""The dashboard's "Matches for you": each member's best opportunities, ranked once and kept for minutes.

Ranking scores every listed, open opportunity against the member's profile: with 2,000 opportunities,
4 ms on SQLite, on every visit to the page members land on. A member's matches change slowly (a new
opportunity, their own profile), so each member's ranking is kept by ids and points for
MATCHES_CACHE_SECONDS, in the cache the pages use. On every visit the opportunities shown are read again
by id: one closed, hidden, held, past its deadline, by an author who has left or is blocked either way,
or already answered by the member drops out at once, and the member is ranked afresh to fill its place.
A member who has sent a form since (their profile, an interest, a block) is ranked afresh too. A new
opportunity may wait that many seconds to reach a member's dashboard.
"""

import time
from functools import cached_property
from typing import NamedTuple

from flask import current_app

from community.accounts.models import User
from community.extensions import cache as kept
from community.i18n import current_language
from community.opportunities.matching import (
    AreaNames,
    MemberFit,
    OpportunityMatch,
    ShownOpportunity,
    member_match,
    ranked_matches_for_member,
    still_matching,
)
from community.page_cache import wrote_since

DASHBOARD_MATCHES = 5


class KeptMatches(NamedTuple):
    ranked_at: float  # seconds since the epoch
    fits: tuple[MemberFit, ...]  # best first; a tuple, kept as it is (community/worker_cache.py)


class DashboardMatches:
    """The panel's matches, best first: a list to the template. Their reasons (names translated into the
    page's language) are worked out only when the panel is rendered, not when its kept piece is reused."""

    def __init__(self, user: User, shown: list[tuple[ShownOpportunity, MemberFit]],
                 matches: list[OpportunityMatch] | None = None):  # fmt: skip
        self._user = user
        self._shown = shown
        if matches is not None:
            self.__dict__["matches"] = matches

    @cached_property
    def matches(self) -> list[OpportunityMatch]:
        language = current_language()
        return [member_match(self._user, opportunity, fit, language) for opportunity, fit in self._shown]

    @property
    def shown(self) -> tuple:
        """All the panel shows (the key of its rendered piece): the opportunities and what made each fit."""
        return self._user.country, tuple((opportunity, fit.organization, fit.hits) for opportunity, fit in self._shown)

    def __iter__(self):
        return iter(self.matches)

    def __len__(self) -> int:
        return len(self._shown)


def dashboard_matches(user: User, limit: int = DASHBOARD_MATCHES) -> DashboardMatches:
    """`matches_for_member`, kept: one statement either way (reading the kept ones, or ranking)."""
    seconds = current_app.config["MATCHES_CACHE_SECONDS"]
    key = f"matches:{user.id}:{limit}"
    found = kept.get(key) if seconds > 0 else None
    if found is not None and not wrote_since(found.ranked_at):
        # A member with no match keeps an empty list, and reads nothing until it expires.
        shown = still_matching(user, [fit.opportunity_id for fit in found.fits])
        if len(shown) == len(found.fits):
            return DashboardMatches(user, [(shown[fit.opportunity_id], fit) for fit in found.fits])
    ranked = ranked_matches_for_member(user, limit)
    if seconds > 0:
        kept.set(key, KeptMatches(time.time(), tuple(fit for _match, fit in ranked)), timeout=seconds)
    return DashboardMatches(
        user, [(_shown(match.opportunity), fit) for match, fit in ranked], [match for match, _fit in ranked]
    )


def _shown(opportunity) -> ShownOpportunity:
    """What the panel shows of a ranked opportunity, as `still_matching` reads it of a kept one."""
    field = opportunity.field
    return ShownOpportunity(
        opportunity.id, opportunity.kind, opportunity.title, opportunity.language, opportunity.institution,
        opportunity.country, opportunity.sector, AreaNames(field.name_en, field.name_es, field.name_pt),
    )
