"""The dashboard's counterparts: one ranking for every member with the same expertise areas and country,
kept for a while; the member's own areas kept until they send a form, and who is shown kept as briefly
as members' pages are."""

from datetime import timedelta

import pytest

from community.accounts.services import delete_account
from community.extensions import cache
from community.profiles.counterparts import list_counterparts
from community.types import utcnow
from tests.factories import PASSWORD, make_profile, make_user, member_client


@pytest.fixture
def kept_rankings(app):
    app.config["COUNTERPARTS_CACHE_SECONDS"] = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kept_panels(app):
    """As in production: rankings and the member's areas kept for minutes, who is shown for seconds."""
    app.config.update(COUNTERPARTS_CACHE_SECONDS=600, MEMBER_PAGE_CACHE_SECONDS=20)
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


def _panel(client) -> str:
    return client.get("/").text.split('id="counterparts-heading"')[1].split("</section>")[0]


def test_a_members_return_to_the_dashboard_reads_neither_their_areas_nor_who_is_shown(app, kept_panels,
                                                                                         count_queries):
    member("Camila Muñoz", "CL", ["licensing"])
    client, ana = member_client(app, country="MX", locale="es")
    make_profile(ana, expertise=["licensing"])
    first = _panel(client)

    with count_queries() as again:
        second = _panel(client)

    assert "Camila Muñoz" in first and second == first
    read = "\n".join(again.statements)
    assert "FROM expertise_areas JOIN profile_expertise" not in read  # the member's areas
    assert "profiles.avatar_key" not in read  # the counterparts shown


def test_a_member_who_changes_their_areas_on_their_profile_sees_the_new_counterparts_at_once(app, kept_panels):
    member("Camila Muñoz", "CL", ["licensing"])
    member("Bruna Costa", "BR", ["genetic-resources"])
    client, ana = member_client(app, display_name="Ana Torres", country="MX", locale="es")
    make_profile(ana, expertise=["licensing"])
    before = _panel(client)

    answer = client.post("/profile/edit", data={
        "display_name": "Ana Torres", "country": "MX", "expertise": ["genetic-resources"], "languages": ["es"],
        "visibility": "members",
    })  # fmt: skip
    after = _panel(client)

    assert answer.status_code == 302
    assert "Camila Muñoz" in before and "Bruna Costa" not in before
    assert "Bruna Costa" in after and "Camila Muñoz" not in after
