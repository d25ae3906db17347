"""A member fills in a profile, then finds themselves in the directory by expertise and country, in 2 languages."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.profiles.services import ensure_default_expertise
from tests.factories import PASSWORD, make_profile, make_user

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def search(page, expertise_label: str, country_label: str) -> None:
    page.locator("summary").click()
    page.get_by_label(expertise_label, exact=True).check()
    page.locator("fieldset", has=page.locator("#country-0")).get_by_label(country_label, exact=True).check()
    page.locator("#search").click()


def test_member_edits_the_profile_and_finds_themselves_in_english_and_spanish(app, new_page, browser_log, tmp_path):
    ensure_default_expertise()
    member = make_user(display_name="Rosa Quispe", email="rosa@example.org", locale="en", country="MX")
    make_profile(make_user(display_name="Camila Muñoz", country="CL"), expertise=["genetic-resources"])
    make_profile(make_user(display_name="Diego Alarcón", country="PE"), expertise=["licensing"])
    photo = tmp_path / "rosa.png"
    image = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(image, format="PNG")
    photo.write_bytes(image.getvalue())

    page = new_page()
    log_in(page, member.email)
    page.locator("#main-nav").get_by_role("link", name="My profile").click()
    page.get_by_role("link", name="Edit your profile").first.click()
    expect(page.locator("h1")).to_have_text("Edit your profile")

    page.locator("#avatar").set_input_files(str(photo))
    page.locator("#upload").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("img.avatar")).to_be_visible()

    page.locator("#headline").fill("Genetic resources and benefit sharing")
    page.locator("#country").select_option("PE")
    page.locator("#city").fill("Lima")
    page.locator("#organization").fill("Indecopi")
    page.locator("#organization_type").select_option("government_ip_office")
    page.get_by_label("Genetic resources and traditional knowledge").check()
    page.get_by_label("Quechua").check()
    page.locator("#orcid").fill("0000-0002-1825-0098")  # a wrong check digit
    page.locator("#submit").click()
    expect(page.locator("#orcid-error")).to_contain_text("not a valid ORCID iD")
    browser_log.console_errors.clear()  # Chromium logs the form's 422 answer, expected here
    page.locator("#orcid").fill("https://orcid.org/0000-0002-1825-0097")
    page.locator("#open_to_collaboration").check()
    page.locator("#submit").click()

    expect(page.locator("h1")).to_have_text("Rosa Quispe")
    expect(page.locator("main")).to_contain_text("Genetic resources and benefit sharing")
    expect(page.locator("main")).to_contain_text("0000-0002-1825-0097")

    page.locator("#main-nav").get_by_role("link", name="Members").click()
    search(page, "Genetic resources and traditional knowledge", "Peru")
    expect(page).to_have_url(re.compile(r"expertise=genetic-resources.*country=PE|country=PE.*expertise=genetic"))
    results = page.locator("section[aria-labelledby=results-heading] .list-group-item")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Rosa Quispe")
    shared_search = page.url

    # In Spanish: the same search by its Spanish names, and the shared address shows the same result.
    page.locator("footer button[name=locale][value=es]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/members")
    search(page, "Recursos genéticos y conocimientos tradicionales", "Perú")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Rosa Quispe")
    expect(results.first).to_contain_text("Recursos genéticos y conocimientos tradicionales")
    page.goto(shared_search)
    expect(results).to_have_count(1)

    # Camila (Chile) shares the area: she is Rosa's counterpart on the dashboard.
    page.goto("/")
    expect(page.locator("#counterparts-heading").locator("..")).to_contain_text("Camila Muñoz")
