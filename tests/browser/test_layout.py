"""The public pages at phone width: no sideways scrolling, a working skip link, nothing from elsewhere."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/join", "/login"]
# A visitor from each language of the network; the texts differ, the layout must hold for all.
BROWSER_LOCALES = ["es-MX", "pt-BR", "en-US"]
PHONE = {"width": 375, "height": 740}


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("locale", BROWSER_LOCALES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_fits_a_phone_screen(new_page, browser_log, path, locale):
    page = new_page(viewport=PHONE, locale=locale)

    response = page.goto(path)

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    assert not scrolls_sideways(page)
    # The menu opens (Bootstrap's script runs under the CSP) and still fits.
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    assert not scrolls_sideways(page)
    assert browser_log.foreign_requests == []
    assert browser_log.console_errors == []  # a CSP violation is logged as a console error


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_skip_link_is_first_and_moves_focus_to_the_main_content(page, path):
    page.goto(path)

    page.keyboard.press("Tab")

    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()  # shown when focused, though hidden otherwise

    page.keyboard.press("Enter")

    expect(page.locator("#main")).to_be_focused()
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not back at the top of the page.
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_aria_and_label_references_point_at_elements_of_the_page(page, path):
    page.goto(path)

    dangling = page.evaluate(
        """() => {
            const refs = [];
            for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls]")) {
                for (const name of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
                    refs.push(...(el.getAttribute(name) || "").split(/\\s+/).filter(Boolean));
                }
            }
            for (const label of document.querySelectorAll("label[for]")) refs.push(label.htmlFor);
            return refs.filter((id) => !document.getElementById(id));
        }"""
    )

    assert dangling == []
