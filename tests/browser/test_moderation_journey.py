"""Lucía reports a spam reply; Marta, a moderator, hides it and makes its author read-only; Lucía is told;
the admin finds both actions in the audit log."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from community.forum import services as forum
from community.types import utcnow
from tests.factories import PASSWORD, make_admin, make_category, make_moderator, make_user

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_reported_spam_post_is_hidden_its_author_silenced_and_both_actions_are_audited(app, new_page):
    long_ago = utcnow() - timedelta(days=400)
    lucia = make_user(display_name="Lucía Hernández", email="lucia@example.org", locale="en", created_at=long_ago)
    camila = make_user(display_name="Camila Muñoz", email="camila@example.org", locale="en", created_at=long_ago)
    spammer = make_user(display_name="Cheap Pills", email="pills@example.org", locale="en", created_at=long_ago)
    marta = make_moderator(display_name="Marta Moderadora", email="marta@example.org", locale="en")
    admin = make_admin(display_name="Ana Admin", email="admin@example.org", locale="en")
    thread = forum.start_thread(camila, make_category(name_en="Licensing"), "Royalty rates for vaccine patents",
                                "What rates do your offices use?", "en")  # fmt: skip
    spam = forum.reply_to_thread(spammer, thread, "Buy cheap pills at **pills.example**, best prices!")

    # Lucía reports the reply from the thread page, without any script.
    lucia_page = new_page()
    log_in(lucia_page, lucia.email)
    lucia_page.goto(f"/forum/t/{thread.id}")
    lucia_page.locator(f"#post-{spam.number} a.report-link").click()
    expect(lucia_page.locator("h1")).to_have_text("Report to the moderators")
    lucia_page.get_by_label("Spam or advertising").check()
    lucia_page.locator("#note").fill("Advertising pills in a licensing thread.")
    lucia_page.locator("#submit").click()
    expect(lucia_page.locator(".flash-messages")).to_contain_text("Thank you. The moderators will look at your report.")

    # Marta sees one open case in the navigation, opens it, and hides the post.
    marta_page = new_page()
    log_in(marta_page, marta.email)
    expect(marta_page.locator(".moderation-link .badge")).to_have_text("1")
    marta_page.locator(".moderation-link").click()
    entry = marta_page.locator(".queue-entry")
    expect(entry).to_have_count(1)
    expect(entry.locator(".queue-content strong")).to_have_text("pills.example")
    expect(entry.locator(".queue-reports")).to_contain_text("Advertising pills in a licensing thread.")
    entry.locator("h2 a").click()
    marta_page.locator("#reason").fill("Advertising")
    marta_page.locator("button[name=action][value=hide]").click()
    expect(marta_page.locator(".flash-messages")).to_contain_text("Hidden: members now see a placeholder.")
    expect(marta_page.locator(".queue-empty")).to_be_visible()
    expect(marta_page.locator(".moderation-link .badge")).to_have_count(0)

    # From the queue's case she goes to the author's moderation page and makes him read-only for a week.
    marta_page.goto(f"/moderation/members/{spammer.id}")
    marta_page.locator("#silence-duration").select_option("7")
    marta_page.locator("#silence-reason").fill("Spam in the forum.")
    marta_page.locator("#silence-submit").click()
    expect(marta_page.locator(".flash-messages")).to_contain_text("is read-only until")

    # Members now see a placeholder where the spam was; Lucía is told her report was handled.
    lucia_page.goto(f"/forum/t/{thread.id}")
    expect(lucia_page.locator(f"#post-{spam.number}")).to_contain_text("This post was hidden by a moderator.")
    expect(lucia_page.locator(f"#post-{spam.number}")).not_to_contain_text("pills.example")
    expect(lucia_page.locator(".notification-bell .badge")).to_have_text("1")
    lucia_page.locator(".notification-bell").click()
    expect(lucia_page.locator(".list-group-item").first).to_contain_text(
        "A moderator made a decision about “Royalty rates for vaccine patents”"
    )

    # The admin finds both actions in the audit log.
    admin_page = new_page()
    log_in(admin_page, admin.email)
    admin_page.goto("/admin/audit")
    rows = admin_page.locator("table.audit-log tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Hid content")).to_contain_text("Marta Moderadora")
    expect(rows.filter(has_text="Hid content")).to_contain_text("Advertising")
    expect(rows.filter(has_text="Made a member read-only")).to_contain_text("Cheap Pills")
