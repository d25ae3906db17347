"""Sending digests: each at the member's own day and hour, once per period whatever happens, never empty,
in the member's language, as a multipart e-mail that arrives intact over SMTP."""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.lists import format_list
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from community.accounts.models import User
from community.digests import selection, services
from community.digests.models import Digest, DigestFrequency, DigestItem
from community.digests.periods import current_period
from community.extensions import db
from community.forum import services as forum
from community.mail.sender import send_queued
from community.types import utcnow
from tests.digests.helpers import choose, happened_at
from tests.factories import make_category, make_event, make_profile, make_thread, make_user


@pytest.fixture
def app_config():
    # New members' first posts would wait for a moderator: these tests write as brand-new members.
    return {"MODERATION_FIRST_POSTS_REVIEW": 0, "MODERATION_LINKS_THRESHOLD": 100}


@pytest.fixture
def category(app):
    return make_category(name_es="Licenciamiento", name_pt="Licenciamento", name_en="Licensing")


def watcher(category, **overrides):
    """A member who watches `category` (daily digest at midnight, their time, unless told)."""
    member = make_user(**overrides)
    forum.watch_category(member, category)
    return member


def soon():
    """A moment just ahead that is not in the last 20 minutes of an hour.

    Periods begin on the hour in every time zone the tests use, so two runs 15 minutes apart from here
    fall in one period whatever the clock says when the suite runs.
    """
    now = utcnow() + timedelta(seconds=1)
    if now.minute >= 40:
        now = now.replace(minute=5, second=0, microsecond=0) + timedelta(hours=1)
    return now


def digests_of(member) -> list[Digest]:
    return list(db.session.scalars(select(Digest).where(Digest.user_id == member.id).order_by(Digest.id)))


# When: each frequency, in the member's timezone


def test_a_daily_digest_comes_once_a_day(category, outbox):
    member = choose(watcher(category, locale="en"), DigestFrequency.DAILY, hour=0)
    make_thread(category=category, title="Monday's news", language="es")
    now = soon()

    assert services.send_due_digests(DigestFrequency.DAILY, now=now).sent == 1
    assert services.send_due_digests(DigestFrequency.DAILY, now=now + timedelta(minutes=15)).sent == 0
    tomorrow = now + timedelta(days=1)
    happened_at(make_thread(category=category, title="Tuesday's news", language="es"), now + timedelta(hours=12))

    assert services.send_due_digests(DigestFrequency.DAILY, now=tomorrow).sent == 1
    assert [message.subject for message in outbox.to(member.email)] == [
        "Your daily Conecta TT digest: 1 new thread",
        "Your daily Conecta TT digest: 1 new thread",
    ]
    assert "Tuesday's news" in outbox.last.text_body and "Monday's news" not in outbox.last.text_body


def test_weekly_digests_come_at_the_members_hour_in_their_own_timezone(category, outbox):
    # Both want it at 8 in the morning, three days from now: São Paulo is three hours ahead of Mexico City.
    day = utcnow().date() + timedelta(days=3)
    in_mexico = choose(watcher(category, country="MX", timezone="America/Mexico_City"),
                       DigestFrequency.WEEKLY, weekday=day.weekday(), hour=8)  # fmt: skip
    in_brazil = choose(watcher(category, country="BR", timezone="America/Sao_Paulo"),
                       DigestFrequency.WEEKLY, weekday=day.weekday(), hour=8)  # fmt: skip
    make_thread(category=category, title="Para todos", language="es")

    def at(hour, minute=0):
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

    assert services.send_due_digests(now=at(10, 55)).sent == 0  # 07:55 in São Paulo
    assert services.send_due_digests(now=at(11, 5)).sent == 1  # 08:05 in São Paulo, 05:05 in Mexico City
    assert [message.recipient for message in outbox] == [in_brazil.email]
    assert services.send_due_digests(now=at(13, 55)).sent == 0
    assert services.send_due_digests(now=at(14, 5)).sent == 1  # 08:05 in Mexico City
    assert [message.recipient for message in outbox] == [in_brazil.email, in_mexico.email]
    assert services.send_due_digests(now=at(20)).sent == 0
    year, week, _ = day.isocalendar()
    assert [digest.period_key for digest in digests_of(in_mexico)] == [f"w{year}-{week:02d}"]


def test_a_monthly_digest_comes_on_the_first_chosen_weekday_of_the_month(category, outbox):
    zone = ZoneInfo("America/Mexico_City")
    now = soon()
    first = now.astimezone(zone).date().replace(day=1)
    member = choose(watcher(category, timezone="America/Mexico_City", locale="en"), DigestFrequency.MONTHLY,
                    weekday=first.weekday(), hour=0)  # fmt: skip
    make_thread(category=category, title="Novedades", language="es")

    monthly = DigestFrequency.MONTHLY
    assert services.send_due_digests(monthly, now=now).sent == 1
    assert services.send_due_digests(monthly, now=now + timedelta(minutes=15)).due == 0  # this month's went out
    next_month = (first + timedelta(days=32)).replace(day=1)
    first_chosen_day = next_month + timedelta(days=(first.weekday() - next_month.weekday()) % 7)
    the_day_before = datetime.combine(first_chosen_day - timedelta(days=1), datetime.min.time(), zone)
    assert services.send_due_digests(monthly, now=the_day_before.replace(hour=23)).due == 0
    assert services.send_due_digests(monthly, now=the_day_before + timedelta(days=1, hours=1)).due == 1
    assert outbox.to(member.email)[0].subject == "Your monthly Conecta TT digest: 1 new thread"


def test_periods_are_named_in_the_members_own_calendar():
    # Sunday 23:30 in Mexico City is already Monday in UTC and in São Paulo.
    now = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    mexico = current_period(DigestFrequency.DAILY, 0, 8, "America/Mexico_City", now)
    brazil = current_period(DigestFrequency.WEEKLY, 0, 8, "America/Sao_Paulo", now)
    assert mexico.key == "d2026-03-01" and brazil.key == "w2026-10"
    assert brazil.due_at == datetime(2026, 3, 2, 11, tzinfo=UTC)
    assert current_period(DigestFrequency.MONTHLY, 2, 8, "UTC", now).due_at == datetime(2026, 3, 4, 8, tzinfo=UTC)
    assert current_period(DigestFrequency.DAILY, 0, 8, "Not/AZone", now).key == "d2026-03-02"  # read as UTC


def test_members_who_chose_never_get_no_digest(category, outbox):
    choose(watcher(category), DigestFrequency.NEVER)
    make_thread(category=category, title="News", language="es")

    assert services.send_due_digests(now=soon()).sent == 0
    assert len(outbox) == 0


def test_one_frequency_at_a_time(category, outbox):
    now = soon()
    daily = choose(watcher(category), DigestFrequency.DAILY)
    weekly = choose(watcher(category, timezone="UTC"), DigestFrequency.WEEKLY, weekday=now.weekday(), hour=0)
    make_thread(category=category, title="News", language="es")

    assert services.send_due_digests(DigestFrequency.DAILY, now=now).sent == 1
    assert [message.recipient for message in outbox] == [daily.email]
    assert services.send_due_digests(DigestFrequency.WEEKLY, now=now).sent == 1
    assert [message.recipient for message in outbox] == [daily.email, weekly.email]


# Who: active members only, never an empty digest


def test_members_away_longer_than_the_limit_get_nothing_until_they_return(app, category, outbox):
    away = choose(watcher(category, last_seen_at=utcnow() - timedelta(days=200)))
    suspended = choose(make_user(suspended_until=utcnow() + timedelta(days=3)))
    deleted = choose(make_user(deleted_at=utcnow()))
    make_thread(category=category, title="News", language="es")

    assert services.send_due_digests(now=soon()).sent == 0

    away.last_seen_at = utcnow()
    db.session.commit()
    assert services.send_due_digests(now=soon()).sent == 1
    assert [message.recipient for message in outbox] == [away.email]
    assert not digests_of(suspended) and not digests_of(deleted)
    assert app.config["DIGEST_INACTIVE_DAYS"] == 183


def test_an_empty_digest_is_recorded_but_not_sent(category, outbox):
    member = choose(watcher(category))

    report = services.send_due_digests(now=soon())

    assert (report.due, report.sent, report.empty) == (1, 0, 1)
    assert len(outbox) == 0
    [digest] = digests_of(member)
    assert digest.outbox_message_id is None and digest.item_count == 0


# Once per period, whatever happens


def test_running_twice_sends_nothing_more(category, outbox):
    members = [choose(watcher(category)) for _ in range(3)]
    make_thread(category=category, title="News", language="es")
    now = soon()

    assert services.send_due_digests(now=now).sent == 3
    assert services.send_due_digests(now=now + timedelta(minutes=15)).sent == 0
    assert len(outbox) == 3
    assert all(len(digests_of(member)) == 1 for member in members)


def test_a_run_that_crashes_half_way_resumes_without_duplicates(category, outbox, monkeypatch):
    members = [choose(watcher(category)) for _ in range(5)]
    make_thread(category=category, title="News", language="es")
    monkeypatch.setattr(services, "WRITE_GROUP", 2)
    real_queue_email, calls = services.queue_email, []

    def crash_on_the_fourth(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 4:
            raise RuntimeError("the machine went down")
        return real_queue_email(*args, **kwargs)

    monkeypatch.setattr(services, "queue_email", crash_on_the_fourth)
    now = soon()
    with pytest.raises(RuntimeError):
        services.send_due_digests(now=now)
    db.session.rollback()  # what the crashed process had not committed is gone
    assert len(outbox) == 2  # the first group of two was committed with its digests

    monkeypatch.setattr(services, "queue_email", real_queue_email)
    report = services.send_due_digests(now=now + timedelta(minutes=15))

    assert report.sent == 3
    assert sorted(message.recipient for message in outbox) == sorted(member.email for member in members)
    assert db.session.scalar(select(func.count(Digest.id)).where(Digest.user_id.in_([m.id for m in members]))) == 5


def test_a_digest_written_meanwhile_by_another_run_is_not_sent_twice(category, outbox, monkeypatch):
    first, second, third = (choose(watcher(category)) for _ in range(3))
    make_thread(category=category, title="News", language="es")
    real_build = services.build_digests

    def another_run_writes_the_second(recipients, now, catalog=None):
        contents = real_build(recipients, now, catalog)
        period = current_period(DigestFrequency.DAILY, 0, 0, second.timezone, now)
        db.session.add(Digest(user_id=second.id, period_key=period.key, frequency=DigestFrequency.DAILY,
                              since=now, created_at=now))  # fmt: skip
        db.session.commit()
        return contents

    monkeypatch.setattr(services, "build_digests", another_run_writes_the_second)
    report = services.send_due_digests(now=soon())

    assert (report.sent, report.skipped) == (2, 1)
    assert sorted(message.recipient for message in outbox) == sorted([first.email, third.email])


def test_what_was_sent_is_recorded_item_by_item(category):
    member = choose(watcher(category))
    thread = make_thread(category=category, title="News", language="es", replies=2)

    services.send_due_digests(now=soon())

    [digest] = digests_of(member)
    items = db.session.scalars(select(DigestItem).where(DigestItem.digest_id == digest.id)).all()
    assert [(item.kind, item.item_id, item.number) for item in items] == [("thread", thread.id, 3)]


def test_a_dry_run_writes_nothing(category, outbox):
    member = choose(watcher(category, locale="en"))
    make_thread(category=category, title="News", language="es")

    report = services.send_due_digests(now=soon(), dry_run=True)

    assert report.sent == 1
    [planned] = report.planned
    assert planned.email == member.email and planned.subject == "Your daily Conecta TT digest: 1 new thread"
    assert len(outbox) == 0 and not digests_of(member)


# In the member's language


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_subject_and_headings_are_in_the_members_language(category, outbox, language):
    member = choose(watcher(category, locale=language, display_name="Ana Conceição"))
    make_thread(category=category, title="Patentes", language="es")
    make_thread(author=member, title="Mi pregunta", language="es", replies=2)

    services.send_due_digests(now=soon())

    [message] = outbox.to(member.email)
    with force_locale(language):
        summary = format_list([ngettext("%(num)d new reply in your threads", "%(num)d new replies in your threads", 2),
                               ngettext("%(num)d new thread", "%(num)d new threads", 1)], locale=language)  # fmt: skip
        subject = gettext("Your daily %(site)s digest: %(summary)s", site="Conecta TT", summary=summary)
        headings = [gettext("Replies in your threads"), gettext("In the categories you watch")]
        greeting = gettext("Hello %(name)s,", name="Ana Conceição")
    assert message.subject == subject
    assert message.locale == language and f'<html lang="{language}">' in message.html_body
    for text in [greeting, *headings]:
        assert text in message.text_body and text in message.html_body
    assert ("Licenciamento" if language == "pt" else "Licenciamiento" if language == "es" else "Licensing") in (
        message.text_body
    )


# Over the wire


@pytest.mark.smtp
@pytest.mark.parametrize("app_config", [{"SITE_NAME": "Conecta TT — Ciência e Inovação",
                                          "MODERATION_FIRST_POSTS_REVIEW": 0}])  # fmt: skip
def test_the_digest_arrives_as_text_and_html_with_its_accents_intact(category, smtp_server):
    member = choose(watcher(category, locale="en", email="lucia@example.org"))
    thread = make_thread(category=category, title="Regalías y licenciamiento en São Paulo", language="es")

    services.send_due_digests(now=soon())
    send_queued()

    [delivered] = smtp_server.messages
    assert delivered["To"] == "lucia@example.org"
    assert delivered["Subject"] == "Your daily Conecta TT — Ciência e Inovação digest: 1 new thread"
    assert delivered.get_content_type() == "multipart/alternative"
    text_part, html_part = delivered.iter_parts()
    assert text_part.get_content_type() == "text/plain" and html_part.get_content_type() == "text/html"
    assert text_part.get_content_charset() == html_part.get_content_charset() == "utf-8"
    assert "Regalías y licenciamiento en São Paulo" in text_part.get_content()
    assert f'href="http://localhost/forum/t/{thread.id}"' in html_part.get_content()
    assert "List-Unsubscribe" in delivered and member.email == delivered["To"]
    html = html_part.get_content()
    assert "<img" not in html and "<link" not in html and "<script" not in html and "<style" not in html
    assert 'src="http' not in html and "url(" not in html  # nothing to fetch: no images, fonts or styles


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def test_the_html_part_is_valid_html(category, outbox, tmp_path):
    from tests.browser.audit import JAVA, VNU_JAR

    if not VNU_JAR.exists() or shutil.which(JAVA) is None:
        if _in_ci():
            pytest.fail("the Nu Html Checker needs java and node_modules/vnu-jar in CI")
        pytest.skip("java or the Nu Html Checker (npm install) is missing")
    member = choose(watcher(category, locale="pt", country="BR"))
    make_profile(member, expertise=["licensing"])
    make_thread(category=category, title="Licenças <de> software & patentes", language="pt", replies=1)
    mine = make_thread(author=member, title="Minha pergunta", language="pt")
    forum.reply_to_thread(make_user(), mine, "Uma resposta")
    make_event(title="Encontro em São Paulo", country="BR")
    make_profile(make_user(display_name="Nueva Socia", country="AR"), expertise=["licensing"])

    services.send_due_digests(now=soon())

    page = tmp_path / "digest.html"
    page.write_text(outbox.to(member.email)[0].html_body, encoding="utf-8")
    checked = subprocess.run(  # noqa: S603 - fixed arguments, a local file
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always", str(page)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert json.loads(checked.stderr.strip() or checked.stdout.strip())["messages"] == []


# Cost


def _rich_network(category, members: int) -> list[User]:
    """Members with every kind of item in their digest: threads, replies, events, new members, messages."""
    from community.messages import services as messages
    from community.messages.blocks import block_member

    long_ago = utcnow() - timedelta(days=60)
    others = [choose(make_user(country="BR", created_at=long_ago), DigestFrequency.NEVER) for _ in range(3)]
    # New members to tell about (in another country, sharing an area).
    make_profile(choose(make_user(country="AR"), DigestFrequency.NEVER), expertise=["licensing"])
    for other in others:
        make_profile(other, expertise=["licensing"])
    made = []
    for number in range(members):
        member = choose(watcher(category))
        make_profile(member, expertise=["licensing"])
        thread = make_thread(author=member, title=f"Question {number}", language="es")
        forum.reply_to_thread(others[0], thread, "An answer")
        make_thread(category=category, title=f"News {number}", language="es", author=others[1])
        make_event(title=f"Event {number}", country="MX", organizer=others[1])
        messages.start_conversation(others[1], [member], "Hello", "Hi")
        block_member(member, others[2])
        made.append(member)
    return made


@pytest.mark.parametrize("app_config", [{"DIGEST_BATCH_SIZE": 4, "MODERATION_FIRST_POSTS_REVIEW": 0}])
def test_building_costs_the_same_statements_per_batch_of_members(category, count_queries):
    _rich_network(category, 4)
    with count_queries() as one_batch:
        assert services.send_due_digests(now=soon(), dry_run=True).sent == 4
    _rich_network(category, 8)
    with count_queries() as three_batches:
        assert services.send_due_digests(now=soon(), dry_run=True).sent == 12

    # Once a run: the number of members, the categories, the areas of expertise, the forum's active threads
    # and their posts; after the last batch, the query that finds no more members. Per batch: the members,
    # their previous digests, and one statement per kind of candidate.
    per_batch = (three_batches.count - one_batch.count) / 2
    assert one_batch.count == 5 + per_batch + 1
    assert per_batch <= 13


def test_building_a_batch_costs_the_same_statements_for_few_or_many_members(category, count_queries):
    def build(members):
        # The members loaded as a run loads them (one statement for the batch), and the forum's activity read
        # once for the run: what remains is what every batch costs.
        fresh = db.session.scalars(select(User).where(User.id.in_([member.id for member in members])))
        recipients = [selection.Recipient(member, DigestFrequency.DAILY, since, soon()) for member in fresh]
        catalog = selection.Catalog()
        catalog.forum_activity(since)
        with count_queries() as queries:
            contents = selection.build_digests(recipients, soon(), catalog)
        return contents, queries.count

    since = utcnow() - timedelta(days=1)
    few = _rich_network(category, 3)
    _contents, for_few = build(few)
    contents, for_many = build(few + _rich_network(category, 9))

    assert for_many == for_few <= 13
    assert all(content.replies and content.threads and content.events and content.members for content in contents)
    assert all(content.unread_messages == 1 for content in contents)
