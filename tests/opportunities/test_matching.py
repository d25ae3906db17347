"""Counterpart matching: who is suggested for an opportunity, in which order, why; and the dashboard panel.

The points (community/opportunities/matching.py): field +3, sector area +2, fitting organization type +2,
"open to" +1, country among the territories +1, verified institution +1; ties by last visit, then id.
"""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from community.extensions import db
from community.messages.models import Block
from community.opportunities.matching import matches_for_member, matching_opportunities, suggest_members
from community.opportunities.models import OpportunityInterest, OpportunityKind, OpportunityStatus, Sector
from community.profiles.models import OrganizationType
from community.profiles.services import ensure_default_expertise
from community.types import utcnow
from tests.factories import make_institution, make_opportunity, make_profile, make_user

Kind = OpportunityKind
Org = OrganizationType


def member(name, country, *, expertise, organization=None, seen_hours_ago=None, **profile):
    """A member with a profile; `seen_hours_ago` None: never seen."""
    seen = utcnow() - timedelta(hours=seen_hours_ago) if seen_hours_ago is not None else None
    user = make_user(display_name=name, country=country, last_seen_at=seen, locale="en")
    make_profile(user, expertise=expertise, organization_type=organization, **profile)
    return user


def names(matches):
    return [match.user.display_name for match in matches]


def titles(matches):
    return [match.opportunity.title for match in matches]


@pytest.fixture
def offer(app):
    """A Mexican university's offer: licensing, health sector, looking at Brazil and Argentina."""
    ensure_default_expertise()
    author = member("Marta Author", "MX", expertise=["licensing", "health-technologies"], organization=Org.COMPANY)
    return make_opportunity(author=author, kind=Kind.TECHNOLOGY_OFFER, field="licensing", sector=Sector.HEALTH,
                            territories=["BR", "AR"], title="Rapid dengue test")  # fmt: skip


@pytest.fixture
def candidates(offer):
    """Members in other countries, each fitting the offer in a different way."""
    fiocruz = make_institution("Fiocruz", "BR")
    people = {
        # 3 field + 2 sector + 2 company + 1 open + 1 Brazil + 1 verified = 10
        "ana": member("Ana", "BR", expertise=["licensing", "health-technologies"], organization=Org.COMPANY,
                      open_to_collaboration=True, institution=fiocruz, verified_at=utcnow(), seen_hours_ago=30),
        # 3 field + 2 start-up + 1 Argentina = 6, seen two days ago (a lower id than Carla's)
        "bruno": member("Bruno", "AR", expertise=["licensing", "valuation"], organization=Org.STARTUP,
                        seen_hours_ago=48),
        # 3 field + 2 sector + 1 open = 6, seen an hour ago
        "carla": member("Carla", "CL", expertise=["licensing", "health-technologies"], organization=Org.UNIVERSITY,
                        open_to_collaboration=True, seen_hours_ago=1),
        # 2 sector + 2 TT office = 4
        "diego": member("Diego", "PE", expertise=["health-technologies"], organization=Org.TECH_TRANSFER_OFFICE),
        # 3 field each, never seen: by id
        "elena": member("Elena", "CO", expertise=["licensing"], organization=Org.UNIVERSITY),
        "fabio": member("Fabio", "CO", expertise=["licensing"]),
    }  # fmt: skip
    return people


def test_members_are_ranked_by_points_then_last_visit_then_id(offer, candidates):
    matches = suggest_members(offer)
    assert names(matches) == ["Ana", "Carla", "Bruno", "Diego", "Elena", "Fabio"]
    assert [match.score for match in matches] == [10, 6, 6, 4, 3, 3]
    assert names(suggest_members(offer, limit=2)) == ["Ana", "Carla"]


def test_reasons_name_what_matched_in_the_order_of_the_points(offer, candidates):
    with force_locale("en"):
        ana, carla, bruno, diego, *_ = suggest_members(offer)
    assert ana.reasons == ["Licensing", "Health technologies", "Company", "Open to collaboration", "Brazil",
                           "Verified: Fiocruz"]  # fmt: skip
    assert carla.reasons == ["Licensing", "Health technologies", "Open to collaboration"]
    assert bruno.reasons == ["Licensing", "Start-up", "Argentina"]
    assert diego.reasons == ["Health technologies", "Technology-transfer office"]


def test_reasons_follow_the_page_language(offer, candidates):
    with force_locale("es"):
        ana = suggest_members(offer)[0]
    # The field's Spanish name from the taxonomy, the country's from Babel, the rest from the catalog.
    assert ana.reasons[0] == "Licenciamiento"
    assert ana.reasons[2] == "Empresa"
    assert ana.reasons[3] == "Disponible para colaborar"
    assert ana.reasons[4] == "Brasil"
    assert ana.reasons[5] == "Verificado: Fiocruz"


def test_members_in_the_same_country_and_the_author_are_never_suggested(offer, candidates):
    member("Mexican Twin", "MX", expertise=["licensing", "health-technologies"], organization=Org.COMPANY,
           open_to_collaboration=True)  # fmt: skip
    found = names(suggest_members(offer, limit=50))
    assert "Mexican Twin" not in found
    assert "Marta Author" not in found
    assert len(found) == 6


def test_suspended_deleted_unconfirmed_and_blocked_members_are_never_suggested(offer, candidates):
    perfect = {"expertise": ["licensing", "health-technologies"], "organization": Org.COMPANY,
               "open_to_collaboration": True}  # fmt: skip
    suspended = member("Suspended", "BR", **perfect)
    suspended.suspended_until = utcnow() + timedelta(days=3)
    member("Deleted", "BR", **perfect).deleted_at = utcnow()
    member("Unconfirmed", "BR", **perfect).email_confirmed_at = None
    member("Unapproved", "BR", **perfect).is_approved = False
    blocker = member("Blocker", "BR", **perfect)
    blocked = member("Blocked", "BR", **perfect)
    db.session.add_all([Block(blocker_id=blocker.id, blocked_id=offer.author_id),
                        Block(blocker_id=offer.author_id, blocked_id=blocked.id)])  # fmt: skip
    # A suspension that has ended counts for nothing.
    member("Back", "BR", **perfect).suspended_until = utcnow() - timedelta(days=1)
    db.session.commit()
    found = names(suggest_members(offer, limit=50))
    assert found[:2] == ["Ana", "Back"]  # 9 points: second only to Ana, who is verified
    assert not {"Suspended", "Deleted", "Unconfirmed", "Unapproved", "Blocker", "Blocked"} & set(found)


def test_members_without_the_field_or_the_sector_are_not_suggested(offer, candidates):
    member("Right org, wrong field", "BR", expertise=["patent-drafting"], organization=Org.COMPANY,
           open_to_collaboration=True)  # fmt: skip
    make_user(display_name="No profile", country="BR")
    found = names(suggest_members(offer, limit=50))
    assert "Right org, wrong field" not in found
    assert "No profile" not in found


def test_organization_types_that_fit_depend_on_the_kind(offer, candidates):
    offer.kind = Kind.COLLABORATION_CALL  # researchers: universities and public research centres
    db.session.commit()
    with force_locale("en"):
        matches = suggest_members(offer)
    # Carla's university now counts and Ana's company no longer does: 8 points each, Carla was seen last.
    assert names(matches)[:2] == ["Carla", "Ana"]
    assert [match.score for match in matches[:2]] == [8, 8]
    assert "University" in matches[0].reasons and "Company" not in matches[1].reasons


def test_an_expertise_offer_counts_members_open_to_mentoring(offer, candidates):
    offer.kind = Kind.EXPERTISE_OFFER
    candidates["elena"].profile.open_to_mentoring = True
    db.session.commit()
    with force_locale("en"):
        elena = next(match for match in suggest_members(offer) if match.user.display_name == "Elena")
    assert elena.reasons == ["Licensing", "Open to mentoring"]
    assert elena.score == 4


def test_a_sector_whose_area_is_the_field_counts_once(offer, candidates):
    offer.field = candidates["diego"].profile.expertise[0]  # health-technologies, the health sector's area
    db.session.commit()
    with force_locale("en"):
        diego = next(match for match in suggest_members(offer) if match.user.display_name == "Diego")
    assert diego.reasons == ["Health technologies", "Technology-transfer office"]
    assert diego.score == 5


# --- opportunities answering an opportunity -----------------------------------------------------------


@pytest.fixture
def market(app):
    """Open opportunities of members in five countries, in and around licensing / health."""
    ensure_default_expertise()
    authors = {country: member(f"Author {country}", country, expertise=["licensing"])
               for country in ("MX", "BR", "AR", "CL", "PE")}  # fmt: skip
    now = utcnow()

    def publish(title, country, kind, field="licensing", sector=Sector.HEALTH, days_ago=1, **overrides):
        return make_opportunity(author=authors[country], title=title, kind=kind, field=field, sector=sector,
                                created_at=now - timedelta(days=days_ago), **overrides)  # fmt: skip

    publish("BR offer, same field and sector", "BR", Kind.TECHNOLOGY_OFFER, days_ago=5)
    publish("AR expertise, same field", "AR", Kind.EXPERTISE_OFFER, sector=Sector.OTHER, days_ago=2)
    publish("CL offer, same sector", "CL", Kind.TECHNOLOGY_OFFER, field="valuation", days_ago=1)
    publish("PE offer, same field, newer", "PE", Kind.TECHNOLOGY_OFFER, sector=Sector.DIGITAL, days_ago=1)
    publish("BR request", "BR", Kind.TECHNOLOGY_REQUEST)
    publish("AR request, other field and sector", "AR", Kind.TECHNOLOGY_REQUEST, field="ip-policy",
            sector=Sector.DIGITAL)  # fmt: skip
    publish("MX offer, same country", "MX", Kind.TECHNOLOGY_OFFER)
    publish("Hidden offer", "BR", Kind.TECHNOLOGY_OFFER, is_hidden=True)
    publish("Held offer", "BR", Kind.TECHNOLOGY_OFFER, awaiting_review=True)
    publish("Closed offer", "BR", Kind.TECHNOLOGY_OFFER, status=OpportunityStatus.CLOSED)
    publish("In negotiation", "BR", Kind.TECHNOLOGY_OFFER, status=OpportunityStatus.IN_NEGOTIATION)
    publish("Deadline passed", "BR", Kind.TECHNOLOGY_OFFER, deadline=date.today() - timedelta(days=2))
    publish("CL offer, same field, deadline ahead", "CL", Kind.TECHNOLOGY_OFFER, sector=Sector.DIGITAL, days_ago=3,
            deadline=date.today() + timedelta(days=20))  # fmt: skip
    return authors


def test_a_request_is_answered_by_offers_in_its_field_or_sector(market):
    request = make_opportunity(author=market["MX"], kind=Kind.TECHNOLOGY_REQUEST, title="MX request",
                               sector=Sector.HEALTH, territories=["AR"])  # fmt: skip
    with force_locale("en"):
        matches = matching_opportunities(request)
    # 3 + 2; 3 + 1 (Argentina); 3 and 3 (the newer first); 2. Same country, requests, hidden, held, closed,
    # in negotiation and past their deadline: none.
    assert titles(matches) == ["BR offer, same field and sector", "AR expertise, same field",
                               "PE offer, same field, newer", "CL offer, same field, deadline ahead",
                               "CL offer, same sector"]  # fmt: skip
    assert [match.score for match in matches] == [5, 4, 3, 3, 2]
    assert [match.reasons for match in matches] == [["Licensing", "Health technologies"], ["Licensing", "Argentina"],
                                                    ["Licensing"], ["Licensing"], ["Health technologies"]]  # fmt: skip
    assert titles(matching_opportunities(request, limit=2)) == titles(matches)[:2]


def test_an_offer_is_answered_by_requests(market):
    offer = make_opportunity(author=market["MX"], kind=Kind.TECHNOLOGY_OFFER, title="MX offer",
                             sector=Sector.HEALTH)  # fmt: skip
    assert titles(matching_opportunities(offer)) == ["BR request"]


def test_opportunities_of_the_same_author_are_not_matched(market):
    request = make_opportunity(author=market["BR"], country="MX", kind=Kind.TECHNOLOGY_REQUEST, title="Mine")
    assert "BR offer, same field and sector" not in titles(matching_opportunities(request))


# --- opportunities for a member -----------------------------------------------------------------------


@pytest.fixture
def me(app):
    """A Brazilian company member in licensing and health technologies, open to collaboration."""
    ensure_default_expertise()
    return member("Me", "BR", expertise=["licensing", "health-technologies"], organization=Org.COMPANY,
                  open_to_collaboration=True)  # fmt: skip


def test_matches_for_a_member_rank_opportunities_by_the_same_points(me):
    authors = {c: member(f"Author {c}", c, expertise=[]) for c in ("MX", "AR", "CL", "BR")}
    now = utcnow()
    make_opportunity(author=authors["AR"], kind=Kind.TECHNOLOGY_REQUEST, title="Request AR", field="licensing",
                     sector=Sector.DIGITAL, created_at=now - timedelta(days=1))
    make_opportunity(author=authors["MX"], kind=Kind.TECHNOLOGY_OFFER, title="Offer MX", field="licensing",
                     sector=Sector.HEALTH, territories=["BR"], created_at=now - timedelta(days=3))
    make_opportunity(author=authors["CL"], kind=Kind.EXPERTISE_OFFER, title="Expertise CL", field="valuation",
                     sector=Sector.HEALTH, created_at=now - timedelta(days=2))
    make_opportunity(author=authors["CL"], kind=Kind.TECHNOLOGY_OFFER, title="Unrelated CL", field="ip-policy",
                     sector=Sector.DIGITAL)
    make_opportunity(author=authors["BR"], kind=Kind.TECHNOLOGY_OFFER, title="Same country", field="licensing",
                     sector=Sector.HEALTH)
    make_opportunity(author=me, country="MX", kind=Kind.TECHNOLOGY_REQUEST, title="My own", field="licensing")
    with force_locale("en"):
        matches = matches_for_member(me)
    assert titles(matches) == ["Offer MX", "Request AR", "Expertise CL"]
    assert [match.score for match in matches] == [9, 4, 2]
    assert matches[0].reasons == ["Licensing", "Health technologies", "Company", "Open to collaboration", "Brazil"]
    assert matches[1].reasons == ["Licensing", "Open to collaboration"]
    assert matches[2].reasons == ["Health technologies"]


def test_matches_for_a_member_leave_out_unlisted_closed_blocked_and_already_answered(me):
    author = member("Author", "AR", expertise=[])
    other = member("Other", "CL", expertise=[])
    gone = member("Gone", "PE", expertise=[])
    fit = {"kind": Kind.TECHNOLOGY_OFFER, "field": "licensing", "sector": Sector.HEALTH}
    make_opportunity(author=author, title="Visible", **fit)
    make_opportunity(author=author, title="Hidden", is_hidden=True, **fit)
    make_opportunity(author=author, title="Held", awaiting_review=True, **fit)
    make_opportunity(author=author, title="Closed", status=OpportunityStatus.CLOSED, **fit)
    make_opportunity(author=author, title="Expired", deadline=date.today() - timedelta(days=1), **fit)
    answered = make_opportunity(author=author, title="Answered", **fit)
    make_opportunity(author=other, title="Blocked author", **fit)
    make_opportunity(author=gone, title="Deleted author", **fit)
    db.session.add_all([OpportunityInterest(opportunity=answered, user=me),
                        Block(blocker_id=me.id, blocked_id=other.id)])  # fmt: skip
    gone.deleted_at = utcnow()
    db.session.commit()
    assert titles(matches_for_member(me, limit=20)) == ["Visible"]


def test_each_member_gets_matches_for_their_own_profile_and_country(me):
    # The statement is built once and reused with each member's id and country.
    fit = {"kind": Kind.TECHNOLOGY_OFFER, "field": "licensing", "sector": Sector.HEALTH}
    make_opportunity(author=member("Author AR", "AR", expertise=[]), title="From Argentina", **fit)
    make_opportunity(author=member("Author MX", "MX", expertise=[]), title="From Mexico", **fit)
    argentine = member("Argentine", "AR", expertise=["licensing"], open_to_collaboration=True)
    stateless = member("No country", None, expertise=["licensing"], open_to_collaboration=True)
    valuer = member("Valuer", "CL", expertise=["valuation"], open_to_collaboration=True)
    assert titles(matches_for_member(me)) == ["From Mexico", "From Argentina"]
    assert titles(matches_for_member(argentine)) == ["From Mexico"]
    assert titles(matches_for_member(stateless)) == ["From Mexico", "From Argentina"]
    assert titles(matches_for_member(valuer)) == []


def test_a_member_without_a_profile_has_no_matches(app):
    make_opportunity(author=member("Author", "AR", expertise=["licensing"]))
    assert matches_for_member(make_user(country="BR")) == []


# --- the dashboard panel ------------------------------------------------------------------------------


def test_the_dashboard_shows_matches_for_you_with_their_reasons(client, login, me):
    author = member("Author", "MX", expertise=[])
    make_opportunity(author=author, kind=Kind.TECHNOLOGY_OFFER, title="Rapid dengue test", field="licensing",
                     sector=Sector.HEALTH, territories=["BR"], institution="UNAM")  # fmt: skip
    for number in range(6):
        make_opportunity(author=author, kind=Kind.TECHNOLOGY_REQUEST, title=f"Request {number}",
                         field="valuation", sector=Sector.HEALTH)  # fmt: skip
    login(me)
    page = client.get("/").get_data(as_text=True)
    assert "Matches for you" in page
    panel = page[page.index('id="matches-heading"'):]
    assert "Rapid dengue test" in panel and "UNAM" in panel
    assert "Licensing · Health technologies · Company · Open to collaboration · Brazil" in panel
    assert panel.count('class="mb-3 text-break"') == 5  # the best five, and a link to all of them
    assert 'href="/opportunities/"' in panel


def test_the_dashboard_says_so_when_nothing_matches(client, login, me):
    login(me)
    page = client.get("/").get_data(as_text=True)
    assert "Matches for you" in page
    assert "No open opportunity in another country fits your profile yet." in page


# --- on the opportunity's page ------------------------------------------------------------------------


def test_the_author_sees_who_could_be_interested_on_the_page(client, login, offer, candidates):
    login(offer.author)
    page = client.get(f"/opportunities/{offer.id}").get_data(as_text=True)
    section = page[page.index('id="member-matches-heading"'):]
    positions = [section.index(f">{name}</a>") for name in ("Ana", "Carla", "Bruno", "Diego", "Elena", "Fabio")]
    assert positions == sorted(positions)  # best first
    assert "Licensing · Health technologies · Company · Open to collaboration · Brazil · Verified: Fiocruz" in section


def test_other_members_see_matching_opportunities_but_not_the_suggested_members(client, login, offer, candidates):
    request = make_opportunity(author=candidates["ana"], kind=Kind.TECHNOLOGY_REQUEST, field="licensing",
                               sector=Sector.HEALTH, title="Dengue diagnostics wanted")  # fmt: skip
    login(candidates["carla"])
    page = client.get(f"/opportunities/{offer.id}").get_data(as_text=True)
    assert 'id="member-matches-heading"' not in page
    section = page[page.index('id="opportunity-matches-heading"'):]
    assert f'href="/opportunities/{request.id}"' in section
    assert "Licensing · Health technologies" in section


def test_the_author_is_told_when_no_member_fits_yet(client, login, offer):
    login(offer.author)
    page = client.get(f"/opportunities/{offer.id}").get_data(as_text=True)
    assert "No member in another country fits this opportunity yet." in page
