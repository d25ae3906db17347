"""Profiles: editing with checked values, ORCID iDs, verified institutions and the expertise taxonomy."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from community.accounts import services as accounts
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.profiles import services
from community.profiles.links import email_domain_candidates, normalize_orcid
from community.profiles.models import ExpertiseArea, OrganizationType, Visibility
from community.profiles.taxonomy import DEFAULT_EXPERTISE
from tests.factories import make_admin, make_institution, make_moderator, make_profile, make_user


@pytest.fixture(autouse=True)
def taxonomy(app):
    services.ensure_default_expertise()


def save(user, **changes):
    values = {"display_name": user.display_name, "country": user.country or "MX"}
    values.update(changes)
    return services.update_profile(user, **values)


# --- ORCID ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["0000-0002-1825-0097", "0000000218250097", "https://orcid.org/0000-0002-1825-0097", "0000-0002-1694-233X",
     "0000-0002-1694-233x", " orcid.org/0000-0002-1825-0097 "],
)
def test_valid_orcid_ids_are_accepted_and_normalized(raw):
    assert normalize_orcid(raw) in ("0000-0002-1825-0097", "0000-0002-1694-233X")


@pytest.mark.parametrize(
    "raw", ["0000-0002-1825-0096", "0000-0002-1825-009", "0000-0002-1825-00977", "X000-0002-1825-0097", "abc", ""]
)
def test_orcid_ids_with_a_wrong_format_or_check_digit_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_orcid(raw)


# --- editing -------------------------------------------------------------------------------------


def test_update_profile_saves_every_field_and_renders_the_bio(app):
    member = make_user(display_name="Camila Muñoz")
    profile = save(
        member,
        display_name="Camila Muñoz Peña",
        country="CL",
        headline="Licensing officer",
        bio="I **license** <script>alert(1)</script> technologies.",
        city="Santiago",
        organization="Universidad de Chile",
        organization_type="university",
        job_title="Head of licensing",
        expertise=["licensing", "biotechnology"],
        languages=["en", "es"],
        website="uchile.cl",
        linkedin="https://www.linkedin.com/in/camila",
        orcid="https://orcid.org/0000-0002-1825-0097",
        open_to_mentoring=True,
        visibility="public",
        show_email=True,
    )
    assert member.display_name == "Camila Muñoz Peña" and member.country == "CL"
    assert profile.organization_type is OrganizationType.UNIVERSITY
    assert [area.slug for area in profile.expertise] == ["licensing", "biotechnology"]
    assert profile.language_codes == ["en", "es"]
    assert profile.website == "https://uchile.cl"
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.visibility is Visibility.PUBLIC and profile.show_email and profile.open_to_mentoring
    assert "<strong>license</strong>" in profile.bio_html
    assert "<script>" not in profile.bio_html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"country": "XX"}, "country"),
        ({"orcid": "0000-0002-1825-0096"}, "orcid"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "not a url"}, "website"),
        ({"linkedin": "https://example.org/in/me"}, "linkedin"),
        ({"expertise": ["no-such-area"]}, "expertise"),
        ({"languages": ["xx"]}, "languages"),
        ({"bio": "|a|b|c|d|e|f|g|h|i|j|\n|-|-|-|-|-|-|-|-|-|-|\n" + "|x|\n" * 9000}, "bio"),
    ],
)
def test_bad_values_are_refused_at_their_field_and_nothing_is_saved(app, changes, field):
    member = make_user(display_name="Before")
    with pytest.raises(ActionRefused) as refused:
        save(member, headline="After", **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert member.display_name == "Before"
    assert member.profile is None or member.profile.headline is None


def test_completeness_counts_what_makes_a_member_findable(app):
    member = make_user()
    empty = services.profile_completeness(member, services.get_profile(member))
    with force_locale("en"):
        assert empty.percent < 20 and "Expertise areas" in [str(label) for label in empty.missing]
    profile = save(member, headline="H", bio="B", city="C", organization="O", organization_type="company",
                   job_title="J", expertise=["valuation"], languages=["es"], website="https://a.example",
                   open_to_speaking=True)
    filled = services.profile_completeness(member, profile)
    with force_locale("en"):
        assert [str(label) for label in filled.missing] == ["Photo"]
    assert 85 < filled.percent < 100


# --- verified institutions -----------------------------------------------------------------------


def test_email_domain_candidates_go_from_specific_to_general():
    assert email_domain_candidates("a@mail.unam.mx") == ["mail.unam.mx", "unam.mx"]


def test_linking_a_domain_verifies_confirmed_members_on_it_and_its_subdomains(app):
    admin = make_admin()
    on_domain = make_user(email="ana@unam.mx")
    on_subdomain = make_user(email="luis@correo.unam.mx")
    unconfirmed = make_user(email="eva@unam.mx", email_confirmed_at=None)
    lookalike = make_user(email="x@notunam.mx")
    institution = make_institution("UNAM", domains=())
    services.link_domain(admin, institution, "@UNAM.mx")
    assert on_domain.profile.institution is institution and on_domain.profile.is_verified
    assert on_subdomain.profile.is_verified
    assert unconfirmed.profile is None or not unconfirmed.profile.is_verified
    assert lookalike.profile is None or not lookalike.profile.is_verified


def test_confirming_an_address_on_a_linked_domain_verifies_the_member(app):
    institution = make_institution("Fiocruz", "BR", domains=["fiocruz.br"])
    member = make_user(email="ana@fiocruz.br", email_confirmed_at=None)
    assert member.profile is None
    from community.accounts.tokens import make_token

    accounts.confirm_email(make_token("confirm", uid=member.id, email=member.email))
    assert member.profile.institution is institution


def test_new_confirmed_member_on_a_linked_domain_is_verified_at_once(app):
    make_institution("UBA", "AR", domains=["uba.ar"])
    assert make_user(email="vale@uba.ar").profile.is_verified


def test_leaving_the_domain_or_unlinking_it_removes_the_badge(app):
    admin = make_admin()
    institution = make_institution("IMPI", domains=["impi.gob.mx"])
    moved = make_user(email="jose@impi.gob.mx")
    stays = make_user(email="rosa@impi.gob.mx")
    assert moved.profile.is_verified and stays.profile.is_verified
    moved.email = "jose@gmail.example"
    db.session.commit()
    assert not moved.profile.is_verified
    services.unlink_domain(admin, institution.domains[0])
    assert not stays.profile.is_verified


def test_a_moderator_verifies_by_hand_and_it_survives_a_profile_save(app):
    moderator = make_moderator()
    member = make_user(email="raul@gmail.example")
    institution = make_institution("CIGB", "CU")
    services.verify_member(moderator, member, institution)
    save(member, headline="Biotech licensing")
    assert member.profile.is_verified and member.profile.verified_by_id == moderator.id
    services.remove_verification(moderator, member)
    assert not member.profile.is_verified


def test_members_cannot_verify_or_curate(app):
    member = make_user()
    institution = make_institution()
    with pytest.raises(PermissionDenied):
        services.verify_member(member, make_user(), institution)
    with pytest.raises(PermissionDenied):
        services.link_domain(make_moderator(), institution, "example.org")
    with pytest.raises(PermissionDenied):
        services.add_expertise_area(make_moderator(), "A", "B", "C")


def test_a_domain_can_be_linked_once_and_must_be_a_domain(app):
    admin = make_admin()
    services.link_domain(admin, make_institution("A"), "uchile.cl")
    with pytest.raises(ActionRefused) as twice:
        services.link_domain(admin, make_institution("B"), "UChile.cl")
    assert twice.value.field == "domain"
    for bad in ("not a domain", "localhost", "uchile", "a@b@c"):
        with pytest.raises(ActionRefused):
            services.link_domain(admin, make_institution("C"), bad)


# --- taxonomy ------------------------------------------------------------------------------------


def test_default_expertise_is_inserted_once(app):
    assert services.ensure_default_expertise() == 0
    assert len(services.list_expertise_areas()) == len(DEFAULT_EXPERTISE)
    licensing = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == "licensing"))
    assert (licensing.name("es"), licensing.name("pt"), licensing.name("en")) == (
        "Licenciamiento", "Licenciamento", "Licensing"
    )


def test_admin_adds_an_area_at_the_end_with_a_slug_from_its_english_name(app):
    area = services.add_expertise_area(make_admin(), "Plant varieties", "Variedades vegetales", "Cultivares")
    assert area.slug == "plant-varieties"
    assert services.list_expertise_areas()[-1] == area
    with pytest.raises(ActionRefused):
        services.add_expertise_area(make_admin(), "Plant  varieties", "x", "y")
    with pytest.raises(ActionRefused) as missing:
        services.add_expertise_area(make_admin(), "Seeds", "Semillas", " ")
    assert missing.value.field == "name_pt"


def test_members_per_area_are_counted_in_one_query(app, count_queries):
    make_profile(expertise=["licensing", "valuation"])
    make_profile(expertise=["licensing"])
    with count_queries() as queries:
        counts = services.count_members_per_area()
    assert queries.count == 1
    by_slug = {area.slug: counts.get(area.id, 0) for area in services.list_expertise_areas()}
    assert by_slug["licensing"] == 2 and by_slug["valuation"] == 1 and by_slug["biotechnology"] == 0
