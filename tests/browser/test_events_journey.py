"""An organizer announces the follow-up of a past meeting; a member answers in Portuguese and downloads the .ics."""

from datetime import timedelta

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.events.models import Event, EventRSVP, RSVPStatus
from community.extensions import db
from tests.factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.browser


def log_in(page, user) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)


def test_announce_a_follow_up_then_another_member_answers_in_portuguese_and_downloads_the_ics(new_page, live_server):
    organizer = make_user(display_name="Lucía Hernández", locale="en", timezone="America/Mexico_City")
    member = make_user(display_name="João Araújo", locale="pt", country="BR", timezone="America/Sao_Paulo")
    conference = make_event(
        organizer=organizer,
        title="Regional conference on technology transfer",
        language="en",
        starts_in=timedelta(days=-60),
        hours=8,
        online_url="https://meet.example.org/conecta",
    )

    # The organizer announces the follow-up from the past meeting's page: its details are copied.
    page = new_page()
    log_in(page, organizer)
    page.goto(f"/events/{conference.id}")
    page.get_by_role("link", name="Announce a follow-up").click()
    expect(page.locator("h1")).to_have_text("Announce a follow-up")
    expect(page.locator("#title")).to_have_value(conference.title)
    expect(page.locator("#timezone")).to_have_value("America/Mexico_City")
    page.fill("#title", "First follow-up meeting")
    page.fill("#capacity", "10")
    page.click("#submit")

    expect(page.locator("h1")).to_have_text("First follow-up meeting")
    expect(page.get_by_role("link", name=conference.title)).to_be_visible()  # the previous meeting
    db.session.rollback()
    follow_up = db.session.scalar(select(Event).where(Event.title == "First follow-up meeting"))
    assert follow_up.follow_up_of_id == conference.id

    # Another member, who reads Portuguese, answers "going" and sees the link and the times on their clock.
    page = new_page(locale="pt-BR")
    log_in(page, member)
    page.goto(f"/events/{follow_up.id}")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.get_by_text("meet.example.org")).to_have_count(0)
    page.locator("input[name=answer][value=going]").check()
    page.locator("form[action$='/rsvp'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("a[href='https://meet.example.org/conecta']")).to_be_visible()
    expect(page.locator("main")).to_contain_text("São Paulo")
    db.session.rollback()
    answer = db.session.scalar(select(EventRSVP).where(EventRSVP.user_id == member.id))
    assert answer.status is RSVPStatus.GOING

    # The .ics downloads and parses back, with the online link the member may now see.
    with page.expect_download() as download_info:
        page.locator(f"a[href='/events/{follow_up.id}/event.ics']").click()
    download = download_info.value
    assert download.suggested_filename == f"event-{follow_up.id}.ics"
    with open(download.path(), "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    [item] = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "First follow-up meeting"
    assert str(item["UID"]).startswith(f"event-{follow_up.id}@")
    assert item["SEQUENCE"] == 0
    assert item["DTSTART"].dt == follow_up.starts_at
    assert "https://meet.example.org/conecta" in str(item["DESCRIPTION"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Mexico_City"]
