"""The member directory: every filter, their combinations, who can be found, sort orders and query counts."""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from community.extensions import db
from community.profiles.counterparts import list_counterparts
from community.profiles.directory import DirectoryFilters, list_member_countries, search_members
from community.profiles.models import OrganizationType, Visibility
from community.profiles.services import ensure_default_expertise
from community.types import utcnow
from tests.factories import make_profile, make_user

VISITOR = AnonymousUserMixin()


@pytest.fixture
def network(app):
    """Five findable members with different countries, organizations, expertise, languages and flags."""
    ensure_default_expertise()
    now = utcnow()
    people = {
        "camila": make_profile(
            make_user(display_name="Camila Muñoz", country="CL", created_at=now - timedelta(days=5),
                      last_seen_at=now - timedelta(hours=1)),
            headline="Licensing for universities", organization="Universidad de Chile",
            organization_type=OrganizationType.UNIVERSITY, expertise=["licensing", "spin-offs"],
            languages=["es", "en"], open_to_mentoring=True, visibility=Visibility.PUBLIC,
        ),
        "ana": make_profile(
            make_user(display_name="Ana Gonçalves", country="BR", created_at=now - timedelta(days=1),
                      last_seen_at=now - timedelta(days=3)),
            headline="Regulatory path at ANVISA", organization="Fiocruz",
            organization_type=OrganizationType.PUBLIC_RESEARCH_CENTRE,
            expertise=["regulatory-affairs", "health-technologies"], languages=["pt", "es"],
            open_to_collaboration=True, open_to_speaking=True,
        ),
        "rosa": make_profile(
            make_user(display_name="Rosa Quispe", country="PE", created_at=now - timedelta(days=9)),
            headline="Patent examiner", organization="Indecopi",
            organization_type=OrganizationType.GOVERNMENT_IP_OFFICE,
            expertise=["genetic-resources", "patent-search"], languages=["es", "qu"],
            bio="Works on **benefit sharing** for Andean crops.", open_to_collaboration=True,
            visibility=Visibility.PUBLIC,
        ),
        "diego": make_profile(
            make_user(display_name="Diego Alarcón", country="PE", created_at=now - timedelta(days=2),
                      last_seen_at=now),
            organization="PUCP", organization_type=OrganizationType.UNIVERSITY,
            expertise=["licensing"], languages=["es"],
        ),
    }
    people["yaimi"] = make_user(display_name="Yaimí Rodríguez", country="CU", created_at=now - timedelta(days=3))
    return {name: getattr(value, "user", value) for name, value in people.items()}


def names(viewer=None, **filters):
    member = viewer if viewer is not None else make_user(display_name="Zz Viewer", country="AR")
    pagination = search_members(member, DirectoryFilters(**filters))
    return [user.display_name for user in pagination.items if user.display_name != "Zz Viewer"]


def test_without_filters_members_see_everyone_listed_by_name(network):
    assert names() == ["Ana Gonçalves", "Camila Muñoz", "Diego Alarcón", "Rosa Quispe", "Yaimí Rodríguez"]


def test_visitors_see_only_public_profiles(network):
    assert names(VISITOR) == ["Camila Muñoz", "Rosa Quispe"]


@pytest.mark.parametrize(
    "hidden",
    [{"email_confirmed_at": None}, {"is_approved": False}, {"deleted_at": utcnow()}],
    ids=["unconfirmed", "unapproved", "deleted"],
)
def test_unconfirmed_unapproved_and_deleted_members_never_appear(network, hidden):
    make_profile(make_user(display_name="Hidden Person", **hidden), visibility=Visibility.PUBLIC)
    assert "Hidden Person" not in names()
    assert "Hidden Person" not in names(VISITOR)


def test_country_filter_takes_several_countries(network):
    assert names(countries=["PE"]) == ["Diego Alarcón", "Rosa Quispe"]
    assert names(countries=["PE", "CL"]) == ["Camila Muñoz", "Diego Alarcón", "Rosa Quispe"]


def test_organization_type_filter(network):
    assert names(organization_type=OrganizationType.UNIVERSITY) == ["Camila Muñoz", "Diego Alarcón"]


def test_expertise_filter_finds_any_of_the_chosen_areas(network):
    assert names(expertise=["licensing"]) == ["Camila Muñoz", "Diego Alarcón"]
    assert names(expertise=["genetic-resources", "regulatory-affairs"]) == ["Ana Gonçalves", "Rosa Quispe"]


def test_language_filter(network):
    assert names(languages=["qu"]) == ["Rosa Quispe"]
    assert names(languages=["pt", "en"]) == ["Ana Gonçalves", "Camila Muñoz"]


def test_open_to_flags_must_all_hold(network):
    assert names(open_to_collaboration=True) == ["Ana Gonçalves", "Rosa Quispe"]
    assert names(open_to_collaboration=True, open_to_speaking=True) == ["Ana Gonçalves"]
    assert names(open_to_mentoring=True) == ["Camila Muñoz"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("camila", ["Camila Muñoz"]),  # name
        ("fiocruz", ["Ana Gonçalves"]),  # organization
        ("ANVISA", ["Ana Gonçalves"]),  # headline
        ("benefit sharing", ["Rosa Quispe"]),  # bio
        ("  licensing   for ", ["Camila Muñoz"]),  # spaces do not matter
        ("100%", []),  # LIKE wildcards are plain text
        ("_", []),
    ],
)
def test_text_query_searches_name_organization_headline_and_bio(network, query, expected):
    assert names(query=query) == expected


def test_filters_combine(network):
    assert names(countries=["PE"], expertise=["licensing"]) == ["Diego Alarcón"]
    assert names(countries=["PE", "CL"], organization_type=OrganizationType.UNIVERSITY, languages=["en"]) == [
        "Camila Muñoz"
    ]
    assert names(countries=["BR"], expertise=["licensing"]) == []
    assert names(VISITOR, expertise=["licensing"]) == ["Camila Muñoz"]
    assert names(query="universi", countries=["CL"], open_to_mentoring=True) == ["Camila Muñoz"]


def test_sort_by_newest_and_recently_active(network):
    assert names(sort="newest") == ["Ana Gonçalves", "Diego Alarcón", "Yaimí Rodríguez", "Camila Muñoz", "Rosa Quispe"]
    # Members never seen come last.
    assert names(sort="active")[:3] == ["Diego Alarcón", "Camila Muñoz", "Ana Gonçalves"]


def test_counterparts_are_in_other_countries_and_share_the_most_areas_first(network):
    me = make_profile(make_user(display_name="Me", country="PE"), expertise=["licensing", "spin-offs",
                                                                             "genetic-resources"]).user
    found = list_counterparts(me)
    assert [c.member.display_name for c in found] == ["Camila Muñoz"]  # Rosa and Diego are in Peru
    assert [area.slug for area in found[0].shared] == ["licensing", "spin-offs"]
    brazil = make_profile(make_user(display_name="Bruno", country="BR"), expertise=["licensing"]).user
    found = list_counterparts(brazil)
    # One shared area each: the most recently active first, members never seen last.
    assert [c.member.display_name for c in found] == ["Diego Alarcón", "Camila Muñoz", "Me"]


def test_counterparts_without_expertise_are_none(network):
    assert list_counterparts(make_user(country="MX")) == []


@pytest.mark.parametrize(
    ("profile", "shown"),
    [
        (None, "Add your expertise areas to your profile"),
        ([], "Add your expertise areas to your profile"),
        (["licensing"], "No one in another country shares your expertise areas yet."),
    ],
)
def test_a_dashboard_without_counterparts_says_why(app, client, login, profile, shown):
    ensure_default_expertise()
    me = make_user(country="MX", locale="en")
    if profile is not None:
        make_profile(me, expertise=profile)
    login(me)

    page = client.get("/").get_data(as_text=True)

    assert "Counterparts in other countries" in page and shown in page


def test_the_dashboard_names_the_areas_each_counterpart_shares_in_the_page_language(app, client, login):
    ensure_default_expertise()
    camila = make_user(display_name="Camila Muñoz", country="CL")
    make_profile(camila, expertise=["licensing", "spin-offs", "valuation"])
    me = make_user(country="MX", locale="pt")
    make_profile(me, expertise=["valuation", "licensing", "patent-search"])
    login(me)

    page = client.get("/").get_data(as_text=True)

    panel = page[page.index('id="counterparts-heading"'):]
    shared = panel[panel.index("Camila Muñoz"):]
    # The areas they share, in the taxonomy's order, named in Portuguese.
    assert "<small>Licenciamento, Valoração de tecnologias</small>" in shared


def _many_members(count: int) -> None:
    areas = ["licensing", "valuation", "biotechnology", "agri-food"]
    countries = ["MX", "AR", "BR", "CL", "CO", "CR", "CU", "PE"]
    for number in range(count):
        user = make_user(display_name=f"Person {number:04d}", country=countries[number % 8], commit=False)
        make_profile(user, commit=False, headline="Technology transfer", organization=f"Org {number}",
                     organization_type=OrganizationType.UNIVERSITY, expertise=[areas[number % 4], "licensing"],
                     languages=["es", "en"], open_to_collaboration=True, visibility=Visibility.PUBLIC)
    db.session.commit()


@pytest.mark.parametrize("viewer_kind", ["visitor", "member"])
def test_directory_page_runs_the_same_number_of_queries_for_20_and_500_members(
    app, client, login, count_queries, viewer_kind
):
    ensure_default_expertise()
    if viewer_kind == "member":
        login(make_user(country="MX"))
    url = ("/members?q=technology&country=MX&country=PE&country=CL&type=university&expertise=licensing"
           "&expertise=valuation&language=es&open_to=collaboration&sort=active")
    counts = []
    for total in (20, 500):
        _many_members(total - (20 if total == 500 else 0))
        client.get("/members")  # a member's first request records activity; count a steady page
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.data.count(b'class="list-group-item"') == 20 if total == 500 else True
        with count_queries() as plain:
            assert client.get("/members").status_code == 200
        counts.append((queries.count, plain.count))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 10


def test_dashboard_counterparts_panel_uses_a_constant_number_of_queries(app, client, login, count_queries):
    ensure_default_expertise()
    me = make_profile(make_user(country="MX", locale="en"), expertise=["licensing", "valuation"]).user
    login(me)
    counts = []
    for total in (5, 40):
        _many_members(total - (5 if total == 40 else 0))
        client.get("/")
        with count_queries() as queries:
            response = client.get("/")
        assert b"Counterparts in other countries" in response.data
        counts.append(queries.count)
    assert counts[0] == counts[1]


def test_the_country_filter_offers_each_country_where_members_live_once(app, count_queries):
    for country in ("PE", "MX", "BR", "MX", "PE", "MX", None):
        make_user(country=country)
    with count_queries() as few:
        assert list_member_countries() == ["BR", "MX", "PE"]

    for country in ("AR", "CL", "CO", "CR", "CU") * 4:
        make_user(country=country)
    with count_queries() as more:
        assert list_member_countries() == ["AR", "BR", "CL", "CO", "CR", "CU", "MX", "PE"]

    assert few.count == more.count == 1
