"""Matching runs a constant number of SQL statements whatever the number of members and opportunities."""

from datetime import timedelta

import pytest

from community.extensions import db
from community.opportunities.matching import matches_for_member, matching_opportunities, suggest_members
from community.opportunities.models import Opportunity, OpportunityKind, Sector
from community.profiles.models import OrganizationType
from community.profiles.services import ensure_default_expertise
from community.types import utcnow
from tests.factories import make_opportunity, make_profile, make_user

COUNTRIES = ["AR", "BR", "CL", "CO", "CR", "CU", "PE"]
AREAS = ["licensing", "health-technologies", "valuation", "biotechnology"]
KINDS = list(OpportunityKind)
TYPES = list(OrganizationType)


def _grow(members: int, opportunities: int, start: int) -> None:
    """Add members in other countries than Mexico who fit in different ways, and their opportunities."""
    now = utcnow()
    for number in range(start, start + members):
        user = make_user(country=COUNTRIES[number % 7], last_seen_at=now - timedelta(hours=number), commit=False)
        make_profile(user, commit=False, expertise=[AREAS[number % 4], AREAS[(number + 1) % 4]],
                     organization_type=TYPES[number % len(TYPES)], open_to_collaboration=number % 2 == 0,
                     open_to_mentoring=number % 3 == 0)  # fmt: skip
        if number < start + opportunities:
            make_opportunity(author=user, commit=False, kind=KINDS[number % 4], field=AREAS[number % 4],
                             sector=Sector.HEALTH, territories=["MX", COUNTRIES[(number + 3) % 7]],
                             title=f"Opportunity {number}")  # fmt: skip
    db.session.commit()


@pytest.fixture
def mexican(app):
    ensure_default_expertise()
    me = make_user(country="MX", locale="en")
    make_profile(me, expertise=["licensing", "health-technologies"], organization_type=OrganizationType.COMPANY,
                 open_to_collaboration=True)  # fmt: skip
    request = make_opportunity(author=me, kind=OpportunityKind.TECHNOLOGY_REQUEST, sector=Sector.HEALTH,
                               territories=["BR", "AR"])  # fmt: skip
    return me, request.id


def _statements(count_queries, call):
    """Statements `call` runs on objects fresh from the database (nothing loaded beforehand)."""
    db.session.expire_all()
    with count_queries() as queries:
        result = call()
    return queries.count, result


@pytest.mark.parametrize("name", ["suggest_members", "matching_opportunities", "matches_for_member"])
def test_matching_runs_the_same_statements_for_20_and_200_members(mexican, count_queries, name):
    me, request_id = mexican
    calls = {
        "suggest_members": lambda: suggest_members(db.session.get(Opportunity, request_id)),
        "matching_opportunities": lambda: matching_opportunities(db.session.get(Opportunity, request_id)),
        "matches_for_member": lambda: matches_for_member(me),
    }
    counts = []
    for members, opportunities, start in ((20, 8, 0), (180, 72, 20)):
        _grow(members, opportunities, start)
        count, result = _statements(count_queries, calls[name])
        assert result, "the data gives matches at both sizes"
        counts.append(count)
    assert counts[0] == counts[1]
    # Loading the opportunity (or the member) and its field, then one statement for the matches.
    assert counts[0] <= 3


def test_the_dashboard_runs_the_same_statements_for_20_and_200_members(mexican, client, login, count_queries):
    me, _request_id = mexican
    login(me)
    counts = []
    for members, opportunities, start in ((20, 8, 0), (180, 72, 20)):
        _grow(members, opportunities, start)
        client.get("/")  # the first visit records activity; count a steady page
        with count_queries() as queries:
            page = client.get("/").get_data(as_text=True)
        assert page[page.index('id="matches-heading"'):].count('class="mb-3 text-break"') == 5
        counts.append(queries.count)
    assert counts[0] == counts[1]


def test_the_benchmark_builds_its_network_and_measures_every_function(app):
    """benchmarks/matching_bench.py in miniature (the real run takes 10,000 members and is run by hand)."""
    from benchmarks.matching_bench import load_members, measure, verify_some_profiles

    counts = load_members(60, opportunities=40)
    assert (counts["members"], counts["opportunities"]) == (60, 40)
    assert verify_some_profiles(institutions=3) > 0
    results = measure(samples=5)
    assert set(results) == {"suggest_members", "matching_opportunities", "matches_for_member"}
    assert all(result["calls"] == 5 and result["median"] > 0 for result in results.values())
    assert results["suggest_members"]["found"] > 0
