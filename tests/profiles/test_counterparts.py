"""The dashboard's counterparts: one ranking for every member with the same expertise areas and country,
kept for a while, and who is shown read afresh on every visit."""

from datetime import timedelta

import pytest

from community.accounts.services import delete_account
from community.extensions import cache
from community.profiles.counterparts import list_counterparts
from community.types import utcnow
from tests.factories import PASSWORD, make_profile, make_user


@pytest.fixture
def kept_rankings(app):
    app.config["COUNTERPARTS_CACHE_SECONDS"] = 600
    cache.clear()
    yield
    cache.clear()


def member(name: str, country: str | None, areas: list[str], seen_days_ago: int = 1):
    user = make_user(display_name=name, country=country, last_seen_at=utcnow() - timedelta(days=seen_days_ago))
    make_profile(user, expertise=areas)
    return user


def names(found) -> list[str]:
    return [counterpart.member.display_name for counterpart in found]


def _ranks(statements: list[str]) -> bool:
    return any("GROUP BY profile_expertise.profile_id" in statement for statement in statements)


def test_members_with_the_same_areas_and_country_share_one_ranking(kept_rankings, count_queries):
    member("Camila Muñoz", "CL", ["licensing", "spin-offs"], seen_days_ago=1)
    member("Diego Alarcón", "PE", ["licensing"], seen_days_ago=2)
    ana = member("Ana", "MX", ["licensing"])
    luis = member("Luis", "MX", ["licensing"])
    assert ana.id and luis.id  # loaded again after their commits, before counting

    with count_queries() as first:
        for_ana = list_counterparts(ana)
    with count_queries() as second:
        for_luis = list_counterparts(luis)

    assert names(for_ana) == names(for_luis) == ["Camila Muñoz", "Diego Alarcón"]
    assert _ranks(first.statements) and not _ranks(second.statements)
    assert second.count == 2  # the member's areas and the members shown
    assert [area.slug for area in for_luis[0].shared] == ["licensing"]


def test_a_counterpart_who_leaves_is_not_shown_though_the_ranking_is_kept(kept_rankings):
    camila = member("Camila Muñoz", "CL", ["licensing"], seen_days_ago=1)
    member("Diego Alarcón", "PE", ["licensing"], seen_days_ago=2)
    ana = member("Ana", "MX", ["licensing"])
    assert names(list_counterparts(ana)) == ["Camila Muñoz", "Diego Alarcón"]

    delete_account(camila, PASSWORD)

    assert names(list_counterparts(ana)) == ["Diego Alarcón"]


def test_members_without_a_country_share_a_ranking_but_never_see_themselves(kept_rankings):
    xochitl = member("Xóchitl", None, ["licensing"], seen_days_ago=1)
    yara = member("Yara", None, ["licensing"], seen_days_ago=2)
    member("Camila Muñoz", "CL", ["licensing"], seen_days_ago=3)

    assert names(list_counterparts(xochitl)) == ["Yara", "Camila Muñoz"]
    assert names(list_counterparts(yara)) == ["Xóchitl", "Camila Muñoz"]


def test_a_member_who_adds_an_area_sees_its_counterparts_at_once(kept_rankings):
    member("Bruna Costa", "BR", ["genetic-resources"])
    ana = member("Ana", "MX", ["licensing"])
    assert list_counterparts(ana) == []

    make_profile(ana, expertise=["licensing", "genetic-resources"])

    found = list_counterparts(ana)
    assert names(found) == ["Bruna Costa"]
    assert [area.slug for area in found[0].shared] == ["genetic-resources"]


def test_without_keeping_every_visit_ranks_afresh(app, count_queries):
    app.config["COUNTERPARTS_CACHE_SECONDS"] = 0
    member("Camila Muñoz", "CL", ["licensing"])
    ana = member("Ana", "MX", ["licensing"])
    list_counterparts(ana)

    with count_queries() as again:
        assert names(list_counterparts(ana)) == ["Camila Muñoz"]
    assert _ranks(again.statements)
