"""The dashboard's "Matches for you", kept for each member: what stays, what drops out at once, what waits."""

import pytest

from community.extensions import cache, db
from community.opportunities.models import OpportunityKind, OpportunityStatus, Sector
from community.profiles.models import OrganizationType
from community.profiles.services import ensure_default_expertise
from tests.factories import make_opportunity, make_profile, make_user

FIT = {"kind": OpportunityKind.TECHNOLOGY_OFFER, "field": "licensing", "sector": Sector.HEALTH}


@pytest.fixture
def app_config():
    return {"MATCHES_CACHE_SECONDS": 300}


@pytest.fixture
def me(app, client, login):
    """A Brazilian company member in licensing and health technologies, logged in."""
    ensure_default_expertise()
    user = make_user(display_name="Me", country="BR", locale="en")
    make_profile(user, expertise=["licensing", "health-technologies"], organization_type=OrganizationType.COMPANY,
                 open_to_collaboration=True)  # fmt: skip
    return login(user)


@pytest.fixture
def author(app):
    return make_user(display_name="Author", country="MX", locale="en")


def matches_panel(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('id="matches-heading"') : page.index('id="my-events-heading"')]


def test_kept_matches_are_shown_as_freshly_ranked_ones_with_their_reasons(client, me, author):
    make_opportunity(author=author, title="Rapid dengue test", territories=["BR"], institution="UNAM", **FIT)
    make_opportunity(author=author, title="Vaccine adjuvant", kind=OpportunityKind.TECHNOLOGY_REQUEST,
                     field="valuation", sector=Sector.HEALTH)  # fmt: skip
    ranked = matches_panel(client)
    assert "Licensing · Health technologies · Company · Open to collaboration · Brazil" in ranked
    assert "UNAM" in ranked and "Technology request" in ranked
    assert matches_panel(client) == ranked  # read again by id, not ranked


def test_a_new_opportunity_reaches_the_dashboard_when_the_kept_ranking_expires(client, me, author):
    make_opportunity(author=author, title="First offer", **FIT)
    assert "First offer" in matches_panel(client)

    make_opportunity(author=author, title="Newer offer", **FIT)
    assert "Newer offer" not in matches_panel(client)  # ranked five minutes ago at most

    cache.clear()  # as when the kept ranking expires
    panel = matches_panel(client)
    assert "Newer offer" in panel and "First offer" in panel


def test_an_opportunity_closed_since_drops_out_at_once_and_the_next_best_takes_its_place(client, me, author):
    best = make_opportunity(author=author, title="Best offer", territories=["BR"], **FIT)
    for number in range(5):
        make_opportunity(author=author, title=f"Offer {number}", **FIT)
    panel = matches_panel(client)
    assert "Best offer" in panel and panel.count('class="mb-3 text-break"') == 5

    best.status = OpportunityStatus.CLOSED  # by its author, in their own session
    db.session.commit()
    panel = matches_panel(client)
    assert "Best offer" not in panel and panel.count('class="mb-3 text-break"') == 5


def test_an_interest_drops_the_opportunity_at_once(client, me, author):
    liked = make_opportunity(author=author, title="Rapid dengue test", **FIT)
    make_opportunity(author=author, title="Vaccine adjuvant", **FIT)
    assert "Rapid dengue test" in matches_panel(client)

    answer = client.post(f"/opportunities/{liked.id}/interest", data={"message": "We would license it."})
    assert answer.status_code == 302
    panel = matches_panel(client)
    assert "Rapid dengue test" not in panel and "Vaccine adjuvant" in panel


def test_a_member_who_edits_their_profile_gets_matches_for_the_new_one_at_once(client, me, author):
    make_opportunity(author=author, title="Licensing offer", **FIT)
    make_opportunity(author=author, title="Patent search request", kind=OpportunityKind.TECHNOLOGY_REQUEST,
                     field="patent-search", sector=Sector.OTHER)  # fmt: skip
    panel = matches_panel(client)
    assert "Licensing offer" in panel and "Patent search request" not in panel

    form = {"display_name": "Me", "country": "BR", "organization_type": "university", "expertise": ["patent-search"],
            "languages": ["pt"], "visibility": "public", "open_to_collaboration": "y"}  # fmt: skip
    assert client.post("/profile/edit", data=form).status_code == 302
    panel = matches_panel(client)
    assert "Patent search request" in panel and "Licensing offer" not in panel
