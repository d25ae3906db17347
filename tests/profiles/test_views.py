"""Profile pages, editing, avatars, the directory's address and the admin pages, through the client."""

import io

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.extensions import db
from community.profiles.models import ExpertiseArea, Institution, ProfileAvatar, Visibility
from community.profiles.services import ensure_default_expertise
from tests.factories import make_admin, make_institution, make_moderator, make_profile, make_user


@pytest.fixture(autouse=True)
def taxonomy(app):
    ensure_default_expertise()


def image_bytes(fmt="PNG", size=(40, 30), mode="RGB", **save_options) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, "teal").save(output, format=fmt, **save_options)
    return output.getvalue()


def upload(client, data: bytes, filename="photo.png", content_type="image/png"):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"avatar": FileStorage(io.BytesIO(data), filename, content_type=content_type)})
    return client.post("/profile/avatar", data=body, content_type=f"multipart/form-data; boundary={boundary}")


PROFILE_FORM = {
    "display_name": "Rosa Quispe Mamani",
    "headline": "Patent examiner at Indecopi",
    "country": "PE",
    "city": "Lima",
    "organization": "Indecopi",
    "organization_type": "government_ip_office",
    "job_title": "Examiner",
    "expertise": ["genetic-resources", "patent-search"],
    "languages": ["es", "qu"],
    "bio": "Biodiversity and **benefit sharing**.",
    "website": "https://www.indecopi.gob.pe",
    "linkedin": "",
    "orcid": "0000-0002-1825-0097",
    "open_to_collaboration": "y",
    "visibility": "public",
}


# --- the profile page ----------------------------------------------------------------------------


def test_members_see_a_members_only_profile_and_visitors_are_asked_to_log_in(client, login):
    member = make_profile(headline="Licensing", expertise=["licensing"]).user
    response = client.get(f"/members/{member.id}")
    assert response.status_code == 302 and "/login" in response.location
    login(make_user())
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert member.display_name in page and "Licensing" in page


def test_visitors_see_a_public_profile(client):
    member = make_profile(visibility=Visibility.PUBLIC, headline="Open book").user
    assert "Open book" in client.get(f"/members/{member.id}").get_data(as_text=True)


@pytest.mark.parametrize("hidden", [{"email_confirmed_at": None}, {"is_approved": False}])
def test_profiles_of_members_who_cannot_be_listed_are_not_found(client, login, hidden):
    member = make_profile(make_user(**hidden), visibility=Visibility.PUBLIC).user
    login(make_user())
    assert client.get(f"/members/{member.id}").status_code == 404
    assert client.get("/members/999999").status_code == 404


def test_email_is_shown_only_when_the_member_chose_it_and_only_to_members(client, login):
    hidden = make_profile(make_user(email="hidden@example.org"), visibility=Visibility.PUBLIC).user
    shown = make_profile(make_user(email="shown@example.org"), visibility=Visibility.PUBLIC, show_email=True).user
    assert "shown@example.org" not in client.get(f"/members/{shown.id}").get_data(as_text=True)
    login(make_user())
    assert "hidden@example.org" not in client.get(f"/members/{hidden.id}").get_data(as_text=True)
    assert "shown@example.org" in client.get(f"/members/{shown.id}").get_data(as_text=True)
    assert "hidden@example.org" not in client.get("/members").get_data(as_text=True)


def test_bio_markup_is_sanitized_on_the_page(client, login):
    member = make_profile(bio="<script>alert(1)</script> [x](javascript:alert(1)) **ok**").user
    login(member)
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "href=\"javascript:" not in page and "<strong>ok</strong>" in page


def test_expertise_names_follow_the_page_language(client, login):
    member = make_profile(expertise=["genetic-resources"]).user
    viewer = login(make_user(locale="pt"))
    assert "Recursos genéticos e conhecimentos tradicionais" in client.get(f"/members/{member.id}").get_data(True)
    viewer.locale = "es"
    db.session.commit()
    assert "Recursos genéticos y conocimientos tradicionales" in client.get(f"/members/{member.id}").get_data(True)


# --- editing -------------------------------------------------------------------------------------


def test_edit_profile_needs_a_login(client):
    assert client.get("/profile/edit").status_code == 302


def test_member_edits_the_profile_and_sees_it(client, login):
    member = login(make_user(display_name="Rosa", locale="en"))
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "How easy you are to find" in page
    response = client.post("/profile/edit", data=PROFILE_FORM)
    assert response.status_code == 302 and response.location.endswith(f"/members/{member.id}")
    db.session.expire_all()
    profile = member.profile
    assert member.display_name == "Rosa Quispe Mamani" and member.country == "PE"
    assert [area.slug for area in profile.expertise] == ["patent-search", "genetic-resources"]  # taxonomy order
    assert profile.language_codes == ["es", "qu"] and profile.is_public and profile.open_to_collaboration
    shown = client.get(response.location).get_data(as_text=True)
    assert "Patent examiner at Indecopi" in shown and "<strong>benefit sharing</strong>" in shown
    assert "0000-0002-1825-0097" in shown and "Quechua" in shown
    # The form comes back filled in.
    assert 'value="Indecopi"' in client.get("/profile/edit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"display_name": ""}, "Please tell us your name."),
        ({"display_name": "x" * 81}, "at most 80 characters"),
        ({"headline": "x" * 141}, "at most 140 characters"),
        ({"bio": "x" * 5001}, "at most 5000 characters"),
        ({"orcid": "0000-0002-1825-0098"}, "not a valid ORCID iD"),
        ({"orcid": "1234"}, "not a valid ORCID iD"),
        ({"website": "ftp://example.org"}, "Please enter a web address"),
        ({"linkedin": "https://linkedin.evil.example/in/me"}, "LinkedIn profile"),
        ({"country": "XX"}, "Please choose a country from the list."),
        ({"expertise": ["made-up"]}, "Please choose expertise areas from the list."),
        ({"languages": ["tlh"]}, "Please choose languages from the list."),
        ({"organization_type": "pirate-ship"}, "Please choose one of the offered options."),
        ({"visibility": "everyone"}, "Please choose one of the offered options."),
    ],
)
def test_bad_profile_values_get_form_errors_and_422(client, login, changes, message):
    member = login(make_user(display_name="Unchanged", locale="en"))
    response = client.post("/profile/edit", data={**PROFILE_FORM, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.display_name == "Unchanged"


def test_form_errors_are_shown_in_the_members_language(client, login):
    login(make_user(locale="es"))
    response = client.post("/profile/edit", data={**PROFILE_FORM, "display_name": ""})
    assert response.status_code == 422
    assert 'lang="es"' in response.get_data(as_text=True)


# --- avatars -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_png_jpeg_and_webp_are_resized_to_a_square_webp(client, login, fmt, content_type):
    member = login(make_user())
    response = upload(client, image_bytes(fmt, size=(800, 500)), f"me.{fmt.lower()}", content_type)
    assert response.status_code == 302
    stored = db.session.get(ProfileAvatar, member.profile.id)
    image = Image.open(io.BytesIO(stored.image))
    assert image.format == "WEBP" and image.size == (256, 256)


def test_uploaded_metadata_is_stripped(client, login):
    member = login(make_user())
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (1.0, 2.0, 3.0)}  # GPS
    assert upload(client, image_bytes("JPEG", exif=exif.tobytes()), "me.jpg", "image/jpeg").status_code == 302
    image = Image.open(io.BytesIO(db.session.get(ProfileAvatar, member.profile.id).image))
    assert not image.getexif() and "exif" not in image.info and b"SpyCam" not in image.tobytes()


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "message"),
    [
        (image_bytes("GIF"), "forged.png", "image/png", "not a PNG, JPEG or WebP image"),
        (b"%PDF-1.4 not an image at all", "doc.png", "image/png", "not a PNG, JPEG or WebP image"),
        (image_bytes("PNG")[:60], "truncated.png", "image/png", "not a PNG, JPEG or WebP image"),
        (image_bytes("BMP"), "photo.bmp", "image/bmp", "not a PNG, JPEG or WebP image"),
        (image_bytes("PNG") + b"\0" * (2 * 1024 * 1024), "big.png", "image/png", "larger than 2 MB"),
        (image_bytes("PNG", size=(6000, 6000), mode="1"), "huge.png", "image/png", "too large"),
        (image_bytes("PNG", size=(15000, 15000), mode="1"), "bomb.png", "image/png", "too large"),
    ],
    ids=["gif-as-png", "not-an-image", "truncated", "bmp", "over-2mb", "huge-dimensions", "decompression-bomb"],
)
def test_bad_uploads_are_refused_and_the_stored_avatar_stays(client, login, data, filename, content_type, message):
    member = login(make_user(locale="en"))
    assert upload(client, image_bytes("PNG")).status_code == 302
    key = member.profile.avatar_key
    before = db.session.get(ProfileAvatar, member.profile.id).image
    response = upload(client, data, filename, content_type)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.profile.avatar_key == key
    assert db.session.get(ProfileAvatar, member.profile.id).image == before


def test_an_upload_without_a_file_is_refused(client, login):
    login(make_user(locale="en"))
    response = client.post("/profile/avatar", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Please choose an image file." in response.get_data(as_text=True)


def test_a_request_over_the_site_limit_is_a_413(client, login, app):
    login(make_user())
    response = upload(client, b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413


def test_avatar_is_served_with_cache_headers_and_respects_visibility(client, login):
    member = login(make_user())
    upload(client, image_bytes("PNG"))
    key = member.profile.avatar_key
    response = client.get(f"/members/{member.id}/avatar?v={key}")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.headers["ETag"] == f'"{key}"' and "private" in response.headers["Cache-Control"]
    assert client.get(f"/members/{member.id}/avatar", headers={"If-None-Match": f'"{key}"'}).status_code == 304
    assert f"/members/{member.id}/avatar?v={key}" in client.get(f"/members/{member.id}").get_data(as_text=True)
    client.post("/logout", data={})
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/members/{member.id}/avatar").status_code == 404  # members-only profile


def test_removing_the_avatar_brings_back_the_initials(client, login):
    member = login(make_user(display_name="Ana Beatriz Gonçalves"))
    upload(client, image_bytes("PNG"))
    assert client.post("/profile/avatar/remove").status_code == 302
    assert member.profile.avatar_key is None
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert ">AG</text>" in page
    assert client.get(f"/members/{member.id}/avatar").status_code == 404


# --- the directory page --------------------------------------------------------------------------


def test_directory_filters_live_in_the_address_and_pages_keep_them(client, login):
    login(make_user(country="MX", locale="en"))
    for number in range(25):
        make_profile(make_user(display_name=f"Chile {number:02d}", country="CL", commit=False), commit=False,
                     expertise=["licensing"])
    make_profile(make_user(display_name="Peru Person", country="PE"), expertise=["licensing"])
    page = client.get("/members?country=CL&expertise=licensing").get_data(as_text=True)
    assert "25 members found" in page and "Peru Person" not in page
    assert "country=CL" in page and "page=2" in page and "expertise=licensing" in page
    second = client.get("/members?country=CL&expertise=licensing&page=2").get_data(as_text=True)
    assert "Chile 24" in second and "Chile 00" not in second


@pytest.mark.parametrize(
    "query",
    ["country=XX", "expertise=nope", "language=tlh", "type=pirates", "sort=random", "open_to=everything",
     "q=" + "x" * 201],
)
def test_bad_directory_filters_get_a_422_with_a_message(client, query):
    response = client.get(f"/members?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Please check the search" in response.get_data(as_text=True)


def test_directory_page_number_out_of_range_is_an_empty_page(client):
    assert client.get("/members?page=999").status_code == 200
    assert client.get("/members?page=abc").status_code == 200


# --- moderators and admins -----------------------------------------------------------------------


def test_moderator_verifies_a_member_by_hand(client, login):
    member = make_user()
    institution = make_institution("Embrapa", "BR")
    login(make_user())
    assert client.post(f"/members/{member.id}/verify", data={"institution": institution.id}).status_code == 403
    login(make_moderator(locale="en"))
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Verification (moderators)" in page
    response = client.post(f"/members/{member.id}/verify", data={"institution": institution.id})
    assert response.status_code == 302
    assert member.profile.is_verified
    assert "Verified: Embrapa" in client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Verified: Embrapa" in client.get("/members").get_data(as_text=True)
    assert client.post(f"/members/{member.id}/verify", data={"institution": 999}).status_code == 404
    assert client.post(f"/members/{member.id}/unverify").status_code == 302
    db.session.expire_all()
    assert not member.profile.is_verified


ADMIN_PAGES = ["/admin/expertise", "/admin/institutions"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(client, login, url):
    assert client.get(url).status_code == 302
    login(make_user())
    assert client.get(url).status_code == 403
    login(make_moderator())
    assert client.get(url).status_code == 403
    login(make_admin())
    assert client.get(url).status_code == 200


def test_admin_adds_and_renames_an_expertise_area(client, login):
    login(make_admin())
    response = client.post("/admin/expertise", data={"name_en": "Plant varieties", "name_es": "Variedades vegetales",
                                                     "name_pt": "Cultivares"})
    assert response.status_code == 302
    area = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == "plant-varieties"))
    assert client.post("/admin/expertise", data={"name_en": "", "name_es": "", "name_pt": ""}).status_code == 422
    response = client.post(f"/admin/expertise/{area.id}", data={"name_en": "Plant breeders' rights",
                                                               "name_es": "Derechos de obtentor",
                                                               "name_pt": "Proteção de cultivares", "position": 3})
    assert response.status_code == 302
    db.session.expire_all()
    assert area.name("es") == "Derechos de obtentor" and area.slug == "plant-varieties" and area.position == 3
    assert client.get("/admin/expertise/99999").status_code == 404


def test_admin_adds_an_institution_and_links_a_domain(client, login):
    member = make_user(email="camila@uchile.cl")
    login(make_admin(locale="en"))
    response = client.post("/admin/institutions", data={"name": "Universidad de Chile", "country": "CL"})
    assert response.status_code == 302
    institution = db.session.scalar(select(Institution))
    response = client.post(f"/admin/institutions/{institution.id}/domains", data={"domain": "uchile.cl"})
    assert response.status_code == 302
    assert member.profile.institution == institution
    bad = client.post(f"/admin/institutions/{institution.id}/domains", data={"domain": "uchile.cl"})
    assert bad.status_code == 422 and "already linked" in bad.get_data(as_text=True)
    assert client.post(f"/admin/institutions/{institution.id}/domains", data={"domain": "no spaces"}).status_code == 422
    link = institution.domains[0]
    assert client.post(f"/admin/institutions/999/domains/{link.id}/remove").status_code == 404
    assert client.post(f"/admin/institutions/{institution.id}/domains/{link.id}/remove").status_code == 302
    db.session.expire_all()
    assert not member.profile.is_verified


def test_forms_need_a_csrf_token(app, client, login):
    app.config["WTF_CSRF_ENABLED"] = True
    member = login(make_user(display_name="Unchanged"))
    assert client.post("/profile/edit", data=PROFILE_FORM).status_code == 400
    assert client.post("/profile/avatar/remove").status_code == 400
    db.session.expire_all()
    assert member.display_name == "Unchanged"
