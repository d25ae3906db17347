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
from typing import NamedTuple

from flask import current_app

from community.accounts.models import User
from community.extensions import cache as kept
from community.i18n import current_language
from community.opportunities.matching import (
    MemberFit,
    OpportunityMatch,
    member_match,
    ranked_matches_for_member,
    still_matching,
)
from community.page_cache import wrote_since

DASHBOARD_MATCHES = 5


class KeptMatches(NamedTuple):
    ranked_at: float  # seconds since the epoch
    fits: list[MemberFit]  # best first


def dashboard_matches(user: User, limit: int = DASHBOARD_MATCHES) -> list[OpportunityMatch]:
    """`matches_for_member`, kept: one statement either way (reading the kept ones, or ranking)."""
    seconds = current_app.config["MATCHES_CACHE_SECONDS"]
    key = f"matches:{user.id}:{limit}"
    found = kept.get(key) if seconds > 0 else None
    if found is not None and not wrote_since(found.ranked_at):
        # A member with no match keeps an empty list, and reads nothing until it expires.
        shown = still_matching(user, [fit.opportunity_id for fit in found.fits])
        if len(shown) == len(found.fits):
            language = current_language()
            return [member_match(user, shown[fit.opportunity_id], fit, language) for fit in found.fits]
    ranked = ranked_matches_for_member(user, limit)
    if seconds > 0:
        kept.set(key, KeptMatches(time.time(), [fit for _match, fit in ranked]), timeout=seconds)
    return [match for match, _fit in ranked]
