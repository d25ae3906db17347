"""The dashboard's events: the member's own read on every visit, their country's shared for a few seconds."""

from datetime import timedelta

import pytest

from community.events import services
from community.events.models import RSVPStatus
from community.extensions import cache
from tests.factories import make_event, make_user


@pytest.fixture
def app_config():
    return {"MEMBER_PAGE_CACHE_SECONDS": 60}


@pytest.fixture
def member(app, client, login):
    return login(make_user(display_name="Rosa", country="PE", locale="en"))


def panels(client) -> tuple[str, str]:
    page = client.get("/").get_data(as_text=True)
    mine = page[page.index('id="my-events-heading"') : page.index('id="country-events-heading"')]
    return mine, page[page.index('id="country-events-heading"') :]


def test_the_countrys_events_are_shared_for_a_while_and_the_members_own_are_always_fresh(client, member):
    make_event(title="Lima licensing clinic", country="PE", starts_in=timedelta(days=4))
    assert "Lima licensing clinic" in panels(client)[1]

    webinar = make_event(title="Cusco genetic resources webinar", country="PE", starts_in=timedelta(days=2))
    services.rsvp_to_event(member, webinar, RSVPStatus.GOING)  # elsewhere: not a form of this session
    mine, in_country = panels(client)
    assert "Cusco genetic resources webinar" in mine  # the member's own answers: at once
    assert "Cusco genetic resources webinar" not in in_country  # the country's: as read a moment ago

    cache.clear()  # as when MEMBER_PAGE_CACHE_SECONDS have passed
    assert "Cusco genetic resources webinar" in panels(client)[1]


def test_a_member_who_has_just_sent_a_form_sees_their_countrys_events_afresh(client, member):
    assert "No coming events there yet." in panels(client)[1]
    make_event(title="Arequipa valuation workshop", country="PE")
    assert "Arequipa valuation workshop" not in panels(client)[1]

    client.post("/language", data={"language": "en"})
    assert "Arequipa valuation workshop" in panels(client)[1]


def test_members_of_another_country_do_not_share_the_panel(client, member, login):
    make_event(title="Lima licensing clinic", country="PE")
    make_event(title="Bogotá patent search day", country="CO")
    assert "Lima licensing clinic" in panels(client)[1]

    login(make_user(country="CO", locale="en"))
    in_country = panels(client)[1]
    assert "Bogotá patent search day" in in_country and "Lima licensing clinic" not in in_country
