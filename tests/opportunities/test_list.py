"""The list of opportunities (every filter, who sees what, pages), its Atom feed, and constant query counts."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from community.extensions import db
from community.opportunities import services
from community.opportunities.models import IPStatus, OpportunityKind, OpportunityStatus, Sector
from community.profiles.models import ExpertiseArea
from community.types import utcnow
from tests.factories import make_moderator, make_opportunity, make_user


def titles(response) -> list[str]:
    """The titles of the list's items, in order."""
    assert response.status_code == 200
    item = r'<h3 class="h6 mb-1"><a href="/opportunities/\d+" lang="\w+">([^<]+)</a>'
    return re.findall(item, response.get_data(as_text=True))


@pytest.fixture
def catalogue(app):
    """Six opportunities that differ in one respect each from the first, newest last."""
    mexican, brazilian = make_user(country="MX"), make_user(country="BR")
    made = [
        make_opportunity(author=mexican, title="Base offer", territories=["AR"]),
        make_opportunity(author=mexican, title="Request", kind=OpportunityKind.TECHNOLOGY_REQUEST),
        make_opportunity(author=brazilian, title="Brazilian health", sector=Sector.HEALTH, language="pt",
                         field="health-technologies", territories=["CL", "PE"]),  # fmt: skip
        make_opportunity(author=mexican, title="Granted at TRL 8", trl=8, ip_status=IPStatus.GRANTED_PATENT),
        make_opportunity(author=mexican, title="In negotiation", status=OpportunityStatus.IN_NEGOTIATION),
        make_opportunity(author=mexican, title="Closed one", status=OpportunityStatus.CLOSED),
    ]
    for age, opportunity in enumerate(reversed(made)):
        opportunity.created_at = utcnow() - timedelta(hours=age)
    db.session.commit()
    return made


def test_the_list_shows_open_opportunities_newest_first(client, catalogue):
    assert titles(client.get("/opportunities/")) == [
        "Granted at TRL 8", "Brazilian health", "Request", "Base offer"
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=technology_request", ["Request"]),
        ("sector=health", ["Brazilian health"]),
        ("stage=8", ["Granted at TRL 8"]),
        ("ip=granted_patent", ["Granted at TRL 8"]),
        ("country=BR", ["Brazilian health"]),
        ("territory=PE", ["Brazilian health"]),
        ("territory=AR", ["Base offer"]),
        ("language=pt", ["Brazilian health"]),
        ("status=in_negotiation", ["In negotiation"]),
        ("status=closed", ["Closed one"]),
        ("status=all", ["Closed one", "In negotiation", "Granted at TRL 8", "Brazilian health", "Request",
                        "Base offer"]),  # fmt: skip
        ("q=granted", ["Granted at TRL 8"]),
        ("q=BRAZILIAN+health", ["Brazilian health"]),
        ("kind=technology_offer&country=MX&stage=5", ["Base offer"]),
        # Unknown values are left out, as a stale or edited link still lists something.
        ("kind=patent_sale&stage=42&country=XX&status=sold", ["Granted at TRL 8", "Brazilian health", "Request",
                                                              "Base offer"]),  # fmt: skip
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, query, expected):
    assert titles(client.get(f"/opportunities/?{query}")) == expected


def test_the_field_filter(client, catalogue):
    health = db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == "health-technologies"))

    assert titles(client.get(f"/opportunities/?field={health}")) == ["Brazilian health"]


def test_words_search_the_index_best_match_first_whatever_the_accents_and_plurals(client):
    make_opportunity(title="Kit de diagnóstico", summary="Prueba rápida de dengue para hospitales.")
    make_opportunity(title="Vacuna contra el dengue", summary="Vacuna oral; licencia exclusiva.")
    make_opportunity(title="Empaque de almidón", summary="Película para alimentos.")

    assert titles(client.get("/opportunities/?q=dengue")) == ["Vacuna contra el dengue", "Kit de diagnóstico"]
    assert titles(client.get("/opportunities/?q=diagnostico+rapida")) == ["Kit de diagnóstico"]
    assert titles(client.get("/opportunities/?q=vacunas")) == ["Vacuna contra el dengue"]
    assert titles(client.get("/opportunities/?q=dengue&kind=technology_request")) == []


def test_hostile_or_empty_words_are_plain_text(client):
    make_opportunity(title="Yield up 100% in trials")

    assert titles(client.get("/opportunities/?q=%22100%25+OR+1%3D1")) == []
    assert titles(client.get("/opportunities/?q=*+%3A")) == ["Yield up 100% in trials"]  # nothing to look for


def test_words_never_find_hidden_or_held_opportunities_for_members(client, login):
    make_opportunity(title="Dengue hidden", is_hidden=True)
    make_opportunity(title="Dengue held", awaiting_review=True)
    make_opportunity(title="Dengue shown")

    login(make_user())
    assert titles(client.get("/opportunities/?q=dengue")) == ["Dengue shown"]
    login(make_moderator())
    assert sorted(titles(client.get("/opportunities/?q=dengue"))) == ["Dengue held", "Dengue hidden", "Dengue shown"]


def test_a_filter_that_matches_nothing_says_so(client):
    make_opportunity()

    response = client.get("/opportunities/?sector=chemistry", headers={"Accept-Language": "en"})

    assert "No opportunity matches these filters." in response.get_data(as_text=True)


def test_the_list_is_paginated_and_keeps_its_filters(client):
    author = make_user()
    for number in range(25):
        make_opportunity(author=author, title=f"Offer {number:02d}", commit=False)
    db.session.commit()

    first = client.get("/opportunities/?kind=technology_offer")
    second = client.get("/opportunities/?kind=technology_offer&page=2")

    assert len(titles(first)) == services.PER_PAGE and len(titles(second)) == 5
    assert 'href="/opportunities/?page=2&amp;kind=technology_offer"' in first.get_data(as_text=True)
    assert client.get("/opportunities/?page=0").status_code == 404
    searched = [client.get(f"/opportunities/?q=offer&page={page}") for page in (1, 2, 3)]
    assert [len(titles(response)) for response in searched] == [services.PER_PAGE, 5, 0]
    assert 'href="/opportunities/?page=2&amp;q=offer"' in searched[0].get_data(as_text=True)


def test_hidden_and_held_opportunities_are_left_out_but_the_author_and_moderators_see_theirs(client, login):
    author = make_user()
    make_opportunity(title="Shown")
    make_opportunity(author=author, title="Held", awaiting_review=True)
    make_opportunity(title="Hidden", is_hidden=True)

    assert titles(client.get("/opportunities/")) == ["Shown"]
    login(make_user())
    assert titles(client.get("/opportunities/")) == ["Shown"]
    login(author)
    assert sorted(titles(client.get("/opportunities/"))) == ["Held", "Shown"]
    login(make_moderator())
    assert sorted(titles(client.get("/opportunities/"))) == ["Held", "Hidden", "Shown"]


def test_the_list_marks_what_the_member_expressed_interest_in(client, login):
    opportunity = make_opportunity(title="Interesting")
    make_opportunity(title="Other")
    member = login(make_user(locale="en"))
    services.express_interest(member, opportunity, "Hello")

    page = client.get("/opportunities/").get_data(as_text=True)

    assert page.count("You expressed interest") == 1


def test_only_members_who_may_publish_see_the_button(client, login):
    assert "/opportunities/new" not in client.get("/opportunities/").get_data(as_text=True)
    login(make_user())
    assert "/opportunities/new" in client.get("/opportunities/").get_data(as_text=True)


# The feed


def test_the_atom_feed_lists_published_open_opportunities(client, catalogue):
    make_opportunity(title="Hidden one", is_hidden=True)
    make_opportunity(title="Held one", awaiting_review=True)

    response = client.get("/opportunities/feed.atom")

    body = response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    assert re.findall(r"<entry><id>[^<]+</id><title>([^<]+)</title>", body) == [
        "Granted at TRL 8", "Brazilian health", "Request", "Base offer"
    ]
    assert "&lt;strong&gt;public university&lt;/strong&gt;" in body  # the sanitized description


# Query counts


def populate(size: int):
    """`size` opportunities by different authors, with territories, agreements and interests."""
    author = make_user(country="AR")
    members = [make_user(country="CL", commit=False) for _ in range(size)]
    db.session.commit()
    opportunities = [
        make_opportunity(author=member, territories=["AR", "BR"], agreements=["licence"], commit=False)
        for member in members
    ]
    mine = make_opportunity(author=author, territories=["MX", "PE", "CO"], agreements=["licence", "rd_contract"])
    db.session.commit()
    for member in members:
        services.express_interest(member, mine, "Interested.")
    services.express_interest(author, opportunities[0], "Interested too.")
    return author, members, mine


@pytest.mark.parametrize("role", ["visitor", "member", "author"])
@pytest.mark.parametrize("path", ["/opportunities/", "/opportunities/?territory=AR&kind=technology_offer&q=film",
                                  "/opportunities/{id}", "/opportunities/feed.atom"])  # fmt: skip
def test_pages_run_a_constant_number_of_queries(app, client, login, count_queries, role, path):
    counts = []
    for size in (3, 30):
        author, members, mine = populate(size)
        if role != "visitor":
            login(author if role == "author" else members[1])
        url = path.format(id=mine.id)
        client.get(url)  # warm caches (the session's locale, the member)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_an_open_opportunity_whose_deadline_passed_says_so(client):
    make_opportunity(title="Late", deadline=date.today() - timedelta(days=3))
    make_opportunity(title="On time", deadline=date.today() + timedelta(days=3))

    page = client.get("/opportunities/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert page.count("Deadline passed") == 1
    assert page.index("Deadline passed") > page.index(">Late<")
