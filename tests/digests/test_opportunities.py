"""The digest's "New opportunities": open opportunities published since the member's previous digest whose field
(or whose sector's area) is one of the member's areas of expertise, by other members they have not blocked,
never twice; those of their field first, then the newest. In the text and the HTML part alike."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.digests import selection, services
from community.digests.models import DigestFrequency, DigestItem
from community.extensions import db
from community.messages.blocks import block_member
from community.opportunities.models import OpportunityKind, OpportunityStatus, Sector
from community.types import utcnow
from tests.digests.helpers import choose, digest_for
from tests.factories import make_opportunity, make_profile, make_user


@pytest.fixture
def reader(app):
    """A Mexican member in licensing and agri-food who gets a daily digest."""
    member = make_user(display_name="Lucía", country="MX", locale="en")
    make_profile(member, expertise=["licensing", "agri-food"])
    return member


def titles(content) -> list[str]:
    return [item.title for item in content.opportunities]


def offer(title, *, field="biotechnology", sector=Sector.BIOTECHNOLOGY, hours_ago=1, author=None, **overrides):
    """An opportunity by a Brazilian member, published `hours_ago`."""
    author = author or make_user(country="BR")
    return make_opportunity(author=author, title=title, field=field, sector=sector,
                            created_at=utcnow() - timedelta(hours=hours_ago), **overrides)  # fmt: skip


def test_opportunities_in_the_members_field_or_sector_come_field_first_then_newest(reader):
    offer("Sector only, newer", sector=Sector.AGRI_FOOD, hours_ago=1)
    offer("Field, older", field="licensing", hours_ago=5)
    offer("Field, newer", field="licensing", hours_ago=2)
    offer("Field of the sector's area", field="agri-food", sector=Sector.OTHER, hours_ago=3)
    offer("Neither", field="patent-search", sector=Sector.HEALTH)

    content = digest_for(reader)

    assert titles(content) == ["Field, newer", "Field of the sector's area", "Field, older", "Sector only, newer"]
    first = content.opportunities[0]
    assert first.field == "Licensing" and first.country == "BR"
    assert first.url == f"http://localhost/opportunities/{first.opportunity_id}"


def test_the_field_is_named_in_the_members_language(reader):
    reader.locale = "pt"
    db.session.commit()
    offer("Licença de cultivar", field="agri-food")
    assert digest_for(reader).opportunities[0].field == "Agroalimentar"


def test_only_open_published_current_opportunities_by_others(reader):
    offer("Open", field="licensing")
    offer("In negotiation", field="licensing", status=OpportunityStatus.IN_NEGOTIATION)
    offer("Closed", field="licensing", status=OpportunityStatus.CLOSED)
    offer("Hidden", field="licensing", is_hidden=True)
    offer("Held", field="licensing", awaiting_review=True)
    offer("Deadline passed", field="licensing", deadline=(utcnow() - timedelta(days=1)).date())
    offer("Deadline ahead", field="licensing", deadline=(utcnow() + timedelta(days=30)).date())
    offer("My own", field="licensing", author=reader)
    offer("By a deleted member", field="licensing", author=make_user(deleted_at=utcnow()))
    offer("By a suspended member", field="licensing", author=make_user(suspended_until=utcnow() + timedelta(days=3)))

    assert sorted(titles(digest_for(reader))) == ["Deadline ahead", "Open"]


@pytest.mark.parametrize("who_blocks", ["reader", "author"])
def test_nothing_from_a_blocked_member_either_way(reader, who_blocks):
    author = make_user(country="AR")
    offer("From a blocked member", field="licensing", author=author)
    if who_blocks == "reader":
        block_member(reader, author)
    else:
        block_member(author, reader)
    assert titles(digest_for(reader)) == []


def test_only_what_was_published_since_the_previous_digest(reader):
    offer("Before the window", field="licensing", hours_ago=24 * 8)
    offer("In the window", field="licensing", hours_ago=24 * 2)
    since = utcnow() - timedelta(days=3)
    assert titles(digest_for(reader, since=since)) == ["In the window"]


def test_members_without_expertise_get_no_opportunities(app):
    member = make_user(country="MX")
    offer("Anything", field="licensing")
    assert digest_for(member).opportunities == []


def test_a_digest_never_tells_an_opportunity_twice(reader, outbox):
    choose(reader)
    told = offer("Told once", field="licensing")
    now = utcnow() + timedelta(seconds=1)
    services.send_due_digests(now=now)
    assert (
        db.session.scalar(select(DigestItem.item_id).where(DigestItem.kind == "opportunity")) == told.id
    )

    later = now + timedelta(seconds=1)
    [again] = selection.build_digests(
        [selection.Recipient(reader, DigestFrequency.WEEKLY, now - timedelta(days=7), later)], later
    )
    assert again.opportunities == [] and again.is_empty


def test_the_section_is_in_the_text_and_the_html_part_with_the_subject_counting_it(reader, outbox):
    choose(reader)
    found = offer("Cassava starch film", field="licensing", kind=OpportunityKind.TECHNOLOGY_REQUEST,
                  summary="We look for a licensee in the Andes.", institution="Embrapa")  # fmt: skip

    services.send_due_digests(now=utcnow() + timedelta(seconds=1))

    [message] = outbox.to(reader.email)
    assert message.subject == "Your daily Conecta TT digest: 1 new opportunity"
    for body in (message.text_body, message.html_body):
        assert "New opportunities" in body and "Technology request" in body
        assert "Cassava starch film" in body and "We look for a licensee in the Andes." in body
        assert "Licensing · Embrapa · Brazil" in body
        assert f"http://localhost/opportunities/{found.id}" in body


def test_a_long_list_is_cut_with_a_link_to_all_opportunities(reader, outbox):
    choose(reader)
    for number in range(7):
        offer(f"Offer {number}", field="licensing", hours_ago=number + 1)

    content = digest_for(reader)
    services.send_due_digests(now=utcnow() + timedelta(seconds=1))

    assert titles(content) == [f"Offer {number}" for number in range(5)] and content.more_opportunities == 2
    [message] = outbox.to(reader.email)
    assert message.subject == "Your daily Conecta TT digest: 7 new opportunities"
    assert "And 2 more opportunities: http://localhost/opportunities/" in message.text_body
    assert 'href="http://localhost/opportunities/"' in message.html_body


def test_a_batch_costs_the_same_statements_for_few_or_many_members_and_opportunities(app, count_queries):
    def network(members: int) -> list[User]:
        made = []
        for number in range(members):
            member = make_user(country="MX")
            make_profile(member, expertise=["licensing"] if number % 2 else ["agri-food"])
            offer(f"Licensing offer {number}", field="licensing")
            offer(f"Agri-food offer {number}", field="valuation", sector=Sector.AGRI_FOOD)
            made.append(member)
        return made

    def build(members):
        now = utcnow() + timedelta(seconds=1)
        fresh = db.session.scalars(select(User).where(User.id.in_([member.id for member in members])))
        recipients = [selection.Recipient(member, DigestFrequency.DAILY, now - timedelta(days=1), now)
                      for member in fresh]  # fmt: skip
        catalog = selection.Catalog()
        catalog.forum_activity(now - timedelta(days=1))
        with count_queries() as queries:
            contents = selection.build_digests(recipients, now, catalog)
        return contents, queries.count

    few = network(2)
    _contents, for_few = build(few)
    contents, for_many = build(few + network(10))

    assert for_many == for_few
    assert all(len(content.opportunities) == 5 and content.more_opportunities for content in contents)
