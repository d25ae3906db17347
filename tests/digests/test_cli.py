"""`flask digests send`: builds and queues the digests that are due, safe to run again at any time."""


import pytest
from sqlalchemy import func, select

from community.digests.models import Digest, DigestFrequency
from community.extensions import db
from community.forum import services as forum
from community.types import utcnow
from tests.digests.helpers import choose
from tests.factories import make_category, make_thread, make_user


@pytest.fixture
def app_config():
    # New members' first posts would wait for a moderator: these tests write as brand-new members.
    return {"MODERATION_FIRST_POSTS_REVIEW": 0, "MODERATION_LINKS_THRESHOLD": 100}


@pytest.fixture
def news(app):
    """Two members with a daily digest due now, each with one new thread to hear about."""
    category = make_category()
    members = [choose(make_user(locale="en", email=f"reader{number}@example.org")) for number in range(2)]
    for member in members:
        forum.watch_category(member, category)
    make_thread(category=category, title="Licensing news", language="es")
    return members


def test_send_queues_the_due_digests_and_a_second_run_sends_nothing_more(runner, news, outbox):
    first = runner.invoke(args=["digests", "send"])
    second = runner.invoke(args=["digests", "send"])

    assert first.exit_code == 0, first.output
    assert "2 digests queued" in first.output
    assert "0 digests queued" in second.output
    assert sorted(message.recipient for message in outbox) == ["reader0@example.org", "reader1@example.org"]


def test_dry_run_prints_what_would_be_sent_and_writes_nothing(runner, news, outbox):
    result = runner.invoke(args=["digests", "send", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "reader0@example.org [en, d" in result.output
    assert "Your daily Conecta TT digest: 1 new thread" in result.output
    assert "Dry run: 2 digests would be sent" in result.output
    assert len(outbox) == 0
    assert db.session.scalar(select(func.count(Digest.id))) == 0


def test_frequency_limits_the_run_to_one_kind_of_digest(runner, news, outbox):
    # Sunday at 23:00 is the last moment of an ISO week, so it is still ahead: in UTC, unless the suite
    # runs in that very hour, when it is still ahead in Mexico City.
    now = utcnow()
    news[1].timezone = "America/Mexico_City" if (now.weekday(), now.hour) == (6, 23) else "UTC"
    choose(news[1], DigestFrequency.WEEKLY, weekday=6, hour=23)

    result = runner.invoke(args=["digests", "send", "--frequency", "weekly"])

    assert result.exit_code == 0, result.output
    assert len(outbox) == 0
    assert "1 digests queued" in runner.invoke(args=["digests", "send", "--frequency", "daily"]).output


def test_an_unknown_frequency_is_refused(runner):
    result = runner.invoke(args=["digests", "send", "--frequency", "hourly"])
    assert result.exit_code == 2 and "hourly" in result.output
