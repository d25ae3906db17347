"""What a member's digest tells them about: what is new for them since their previous digest, in the order
of relevance to them, and nothing hidden, held, deleted, already read, already sent or from blocked members."""

from datetime import timedelta

import pytest

from community.digests import services
from community.digests.models import DigestFrequency
from community.digests.selection import Recipient, build_digests
from community.events import services as events
from community.events.models import EventFormat, EventStatus, RSVPStatus
from community.extensions import db
from community.forum import services as forum
from community.messages import services as messages
from community.messages.blocks import block_member
from community.types import utcnow
from tests.digests.helpers import choose, digest_for, event_titles, reply_titles, thread_titles
from tests.factories import make_category, make_event, make_profile, make_thread, make_user


@pytest.fixture
def app_config():
    # New members' first posts would wait for a moderator: these tests write as brand-new members.
    return {"MODERATION_FIRST_POSTS_REVIEW": 0, "MODERATION_LINKS_THRESHOLD": 100}


@pytest.fixture
def reader(app):
    """A member who reads Spanish and Portuguese and watches one category."""
    return make_user(display_name="Lucía", country="MX", content_languages="es,pt", locale="es")


@pytest.fixture
def watched(reader):
    category = make_category(name_es="Licenciamiento", name_en="Licensing")
    forum.watch_category(reader, category)
    return category


# Threads in watched categories


def test_new_threads_in_watched_categories_are_in_the_digest_with_a_link_back(reader, watched):
    thread = make_thread(category=watched, title="Regalías en convenios universitarios", language="es")

    content = digest_for(reader)

    [item] = content.threads
    assert item.title == "Regalías en convenios universitarios"
    assert item.is_new and item.new_posts == 1
    assert item.category == "Licenciamiento"
    assert item.url == f"http://localhost/forum/t/{thread.id}"


def test_threads_of_categories_the_member_does_not_watch_are_left_out(reader, watched):
    make_thread(category=make_category(), title="Somewhere else", language="es")

    assert digest_for(reader).is_empty


def test_only_threads_in_the_languages_the_member_reads(reader, watched):
    make_thread(category=watched, title="Licenciamiento de software", language="es")
    make_thread(category=watched, title="Licenciamento de patentes", language="pt")
    make_thread(category=watched, title="Licensing in English", language="en")

    assert sorted(thread_titles(digest_for(reader))) == ["Licenciamento de patentes", "Licenciamiento de software"]


def test_the_most_active_threads_come_first(reader, watched):
    quiet = make_thread(category=watched, title="Quiet", language="es")
    busy = make_thread(category=watched, title="Busy", language="es")
    for number in range(5):
        forum.reply_to_thread(make_user(), busy, f"Reply {number}")
    forum.reply_to_thread(make_user(), quiet, "One reply")

    assert thread_titles(digest_for(reader)) == ["Busy", "Quiet"]


def test_an_older_thread_with_new_replies_counts_only_the_replies_since_the_last_digest(reader, watched):
    thread = make_thread(category=watched, title="Old thread", language="es", replies=3)
    since = utcnow()
    forum.reply_to_thread(make_user(), thread, "Something new")

    [item] = digest_for(reader, since=since).threads
    assert item.new_posts == 1 and not item.is_new
    assert item.url == f"http://localhost/forum/t/{thread.id}/unread"


# Replies in the member's own threads


def test_replies_in_threads_the_member_started_posted_in_or_watches(reader):
    started = make_thread(author=reader, title="Started by Lucía", language="en")
    posted_in = make_thread(title="Lucía replied here", language="en")
    forum.reply_to_thread(reader, posted_in, "My answer")
    watching = make_thread(title="Watched by Lucía", language="en")
    forum.mark_page_read(reader, watching, 1)
    forum.watch_thread(reader, watching)
    other = make_user()
    for thread in (started, posted_in, watching):
        forum.reply_to_thread(other, thread, "A reply")

    content = digest_for(reader)

    # Languages only narrow the categories' threads: these are the member's own conversations.
    assert sorted(reply_titles(content)) == ["Lucía replied here", "Started by Lucía", "Watched by Lucía"]
    assert all(item.new_posts == 1 for item in content.replies)
    assert content.threads == []


def test_the_members_own_posts_are_not_news_to_them_nor_what_they_answered(reader):
    thread = make_thread(author=reader, title="Mine", language="es")
    forum.reply_to_thread(reader, thread, "Adding something")
    answered = make_thread(title="Answered", language="es", replies=2)
    forum.reply_to_thread(reader, answered, "My answer to all of you")

    assert digest_for(reader).is_empty


# Read, hidden, held, deleted


def test_what_the_member_has_read_is_left_out(reader, watched):
    read = make_thread(category=watched, title="Read", language="es", replies=2)
    half_read = make_thread(category=watched, title="Half read", language="es", replies=2)
    forum.mark_page_read(reader, read, 1)
    forum.mark_read(reader, half_read, [half_read.first_post])

    content = digest_for(reader)

    assert thread_titles(content) == ["Half read"]
    assert content.threads[0].new_posts == 2


def test_hidden_and_held_threads_are_left_out(reader, watched):
    make_thread(category=watched, title="Hidden", language="es").is_hidden = True
    make_thread(category=watched, title="Held", language="es").awaiting_review = True
    make_thread(category=watched, title="Shown", language="es")
    db.session.commit()

    assert thread_titles(digest_for(reader)) == ["Shown"]


def test_hidden_held_and_deleted_replies_are_not_counted(reader, watched):
    thread = make_thread(category=watched, title="Thread", language="es")
    since = utcnow()
    replier = make_user()
    hidden = forum.reply_to_thread(replier, thread, "Hidden")
    held = forum.reply_to_thread(replier, thread, "Held")
    deleted = forum.reply_to_thread(replier, thread, "Deleted")
    forum.reply_to_thread(replier, thread, "Visible")
    hidden.is_hidden, held.awaiting_review, deleted.deleted_at = True, True, utcnow()
    db.session.commit()

    [item] = digest_for(reader, since=since).threads
    assert item.new_posts == 1


# Blocks, both ways


@pytest.mark.parametrize("who_blocks", ["reader", "author"])
def test_nothing_from_a_blocked_member_either_way(reader, watched, who_blocks):
    author = make_user()
    make_thread(category=watched, title="By the blocked member", author=author, language="es")
    mine = make_thread(author=reader, title="Mine", language="es")
    forum.reply_to_thread(author, mine, "Their reply")
    make_event(organizer=author, title="Their event", country="MX")
    make_profile(reader, expertise=["licensing"])
    make_profile(make_user(country="BR"), expertise=["licensing"])  # someone else, unaffected
    make_profile(author, expertise=["licensing"])
    author.country = "AR"
    db.session.commit()
    if who_blocks == "reader":
        block_member(reader, author)
    else:
        block_member(author, reader)

    content = digest_for(reader)

    assert content.threads == [] and content.replies == [] and content.events == []
    assert author.id not in [member.user_id for member in content.members]
    assert len(content.members) == 1


# Events


def test_upcoming_events_in_the_members_country_or_online_nearest_country_first(reader):
    make_event(title="In Mexico", country="MX", format=EventFormat.IN_PERSON, starts_in=timedelta(days=20))
    make_event(title="Online", country=None, format=EventFormat.ONLINE, starts_in=timedelta(days=2))
    make_event(title="In Brazil", country="BR", format=EventFormat.IN_PERSON)
    make_event(title="Hybrid in Chile", country="CL", format=EventFormat.HYBRID, starts_in=timedelta(days=3))
    make_event(title="Already over", country="MX", starts_in=timedelta(days=-2))
    make_event(title="Hidden", country="MX", is_hidden=True)
    make_event(title="Held", country="MX", awaiting_review=True)
    make_event(title="Cancelled", country="MX", status=EventStatus.CANCELLED)

    assert event_titles(digest_for(reader)) == ["In Mexico", "Online", "Hybrid in Chile"]


def test_changes_and_cancellations_of_events_the_member_is_going_to(reader):
    organizer = make_user()
    moved = make_event(organizer=organizer, title="Moved", created_at=utcnow() - timedelta(days=30))
    cancelled = make_event(organizer=organizer, title="Cancelled", created_at=utcnow() - timedelta(days=30))
    untouched = make_event(organizer=organizer, title="Untouched", created_at=utcnow() - timedelta(days=30))
    for event in (moved, cancelled, untouched):
        events.rsvp_to_event(reader, event, RSVPStatus.GOING)
    # What events.update_event records when the organizer moves an event by a day.
    moved.starts_at, moved.ends_at = moved.starts_at + timedelta(days=1), moved.ends_at + timedelta(days=1)
    moved.sequence, moved.updated_at = moved.sequence + 1, utcnow()
    db.session.commit()
    events.cancel_event(organizer, cancelled)

    content = digest_for(reader)

    assert sorted(change.event.title for change in content.event_changes) == ["Cancelled", "Moved"]
    assert content.events == []  # announced a month ago


# New members


def test_new_members_who_share_an_area_of_expertise_and_work_in_another_country(reader):
    make_profile(reader, expertise=["licensing", "valuation"])
    both = make_profile(make_user(display_name="Both areas", country="BR"), expertise=["licensing", "valuation"])
    one = make_profile(make_user(display_name="One area", country="AR"), expertise=["valuation", "biotechnology"])
    make_profile(make_user(display_name="Same country", country="MX"), expertise=["licensing"])
    make_profile(make_user(display_name="Other areas", country="CL"), expertise=["biotechnology"])
    make_profile(make_user(display_name="Old member", country="PE", created_at=utcnow() - timedelta(days=30)),
                 expertise=["licensing"])  # fmt: skip

    content = digest_for(reader)

    assert [member.name for member in content.members] == ["Both areas", "One area"]
    assert content.members[0].areas == ["Licenciamiento", "Valoración de tecnologías"]
    assert content.members[0].url == f"http://localhost/members/{both.user_id}"
    assert content.members[1].country == "AR" and one.user_id == content.members[1].user_id


# Messages


def test_unread_messages_are_counted_never_shown(reader, outbox):
    sender = make_user()
    messages.start_conversation(sender, [reader], "Secret subject", "Secret body")
    messages.start_conversation(sender, [reader], "Another one", "Another body")
    choose(reader)

    content = digest_for(reader)
    services.send_due_digests(now=utcnow() + timedelta(seconds=1))

    assert content.unread_messages == 2 and content.has_new_messages
    [mail] = outbox.to(reader.email)
    for secret in ("Secret", "Another", sender.display_name):
        assert secret not in mail.text_body and secret not in mail.html_body


# A member who visited


def test_what_was_announced_before_the_members_last_visit_was_seen(reader, watched):
    make_event(title="Seen on the site", country="MX")
    thread = make_thread(category=watched, title="Opened on the site", language="es")
    forum.mark_page_read(reader, thread, 1)
    reader.last_seen_at = utcnow()
    db.session.commit()
    make_event(title="Announced after the visit", country="MX")
    make_thread(category=watched, title="Started after the visit", language="es")

    content = digest_for(reader)

    assert event_titles(content) == ["Announced after the visit"]
    assert thread_titles(content) == ["Started after the visit"]


# Nothing twice


def test_a_digest_never_repeats_what_an_earlier_digest_told(reader, watched):
    choose(reader)
    thread = make_thread(category=watched, title="Told once", language="es")
    make_event(title="Event told once", country="MX")
    now = utcnow() + timedelta(seconds=1)
    services.send_due_digests(now=now)

    # Later the same day the member switches to weekly: a new period, but nothing new to tell.
    choose(reader, DigestFrequency.WEEKLY, weekday=now.weekday(), hour=0)
    later = now + timedelta(seconds=1)
    [again] = build_digests([Recipient(reader, DigestFrequency.WEEKLY, now - timedelta(days=7), later)], later)
    assert again.is_empty

    forum.reply_to_thread(make_user(), thread, "A new reply")
    [after_reply] = build_digests([Recipient(reader, DigestFrequency.WEEKLY, now - timedelta(days=7), later)], later)
    [item] = after_reply.threads
    assert item.new_posts == 1 and not item.is_new
    assert after_reply.events == []


def test_empty_when_nothing_happened(reader, watched):
    content = digest_for(reader)
    assert content.is_empty and content.item_count == 0


def test_sections_come_in_order_of_relevance(reader, watched, outbox):
    mine = make_thread(author=reader, title="My own question", language="es")
    forum.reply_to_thread(make_user(), mine, "An answer")
    make_thread(category=watched, title="In my category", language="es")
    make_event(title="Near me", country="MX")
    choose(reader)

    services.send_due_digests(now=utcnow() + timedelta(seconds=1))

    body = outbox.to(reader.email)[0].text_body
    positions = [body.index(text) for text in ("My own question", "In my category", "Near me")]
    assert positions == sorted(positions)
