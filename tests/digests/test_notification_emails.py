"""Notification e-mails: what a member chose to get "also by e-mail" arrives within a minute, a busy thread
sends at most one e-mail an hour listing what happened, and nothing hidden, blocked, already read, or for a
member who cannot receive it is ever sent."""

import json
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from community.extensions import db
from community.forum import services as forum
from community.mail.models import OutboxStatus
from community.mail.sender import send_queued
from community.mail.unsubscribe import read_unsubscribe_token
from community.messages import blocks
from community.messages import services as messages
from community.notifications.emails import ENTRIES_SHOWN, EXCERPT_LENGTH, LOOKBACK, send_notification_emails
from community.notifications.models import Notification, NotificationTopic
from community.notifications.services import mark_all_read, set_email_preferences
from community.types import utcnow
from tests.factories import make_thread, make_user

TITLE = "Licencias de software en universidades"
LONG_TEXT = "Les propongo una licencia no exclusiva con regalías escalonadas. " * 12


@pytest.fixture
def app_config():
    # Members write their first posts here: none waits for a moderator.
    return {"MODERATION_FIRST_POSTS_REVIEW": 0, "MODERATION_LINKS_THRESHOLD": 100}


def member_wanting(*topics, **overrides):
    """A member (English, unless told) who chose e-mail for `topics`."""
    member = make_user(**{"locale": "en", **overrides})
    set_email_preferences(member, dict.fromkeys(topics, True))
    return member


def watched_thread(*watchers, title=TITLE):
    thread = make_thread(title=title)
    for watcher in watchers:
        forum.watch_thread(watcher, thread)
    return thread


def replies(thread, count=1, author=None, text="¿Qué tasa de regalías usan?"):
    author = author or make_user(display_name="Bruno Lima")
    return [forum.reply_to_thread(author, thread, f"{text} ({number + 1})") for number in range(count)]


def emails_to(outbox, member):
    return outbox.to(member.email)


def pending(member) -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(Notification).where(Notification.user_id == member.id, Notification.emailed_at.is_(None))
        ).all()
    )


# What is sent


def test_a_reply_in_a_watched_thread_is_emailed_with_a_link_back(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES, display_name="Ana")
    thread = watched_thread(ana)
    [post] = replies(thread)

    assert send_notification_emails() == 1

    [message] = emails_to(outbox, ana)
    assert message.template == "notifications/email/activity"
    assert message.subject == f"1 new reply in “{TITLE}”"
    assert message.text_body.startswith("Hello Ana,")
    assert "Bruno Lima wrote:" in message.text_body
    assert "¿Qué tasa de regalías usan? (1)" in message.text_body
    assert f"http://localhost/forum/posts/{post.id}" in message.text_body
    assert f'href="http://localhost/forum/posts/{post.id}"' in message.html_body
    assert "List-Unsubscribe" in message.headers
    token = message.headers["List-Unsubscribe"].split("/unsubscribe/")[1].split(">")[0]
    assert read_unsubscribe_token(token) == (ana, "replies")
    assert pending(ana) == 0


def test_nothing_is_emailed_about_what_the_member_keeps_on_the_site(app, outbox):
    ana = make_user()  # replies: on the site only, unless chosen
    replies(watched_thread(ana))

    assert send_notification_emails() == 0

    assert emails_to(outbox, ana) == []
    assert pending(ana) == 0  # dealt with: the next run does not look at it again


def test_a_busy_thread_sends_at_most_one_email_an_hour_listing_what_happened(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    thread = watched_thread(ana)
    start = utcnow()
    replies(thread, 3)

    assert send_notification_emails(now=start) == 1
    replies(thread, 2, text="Segunda ronda")
    assert send_notification_emails(now=start + timedelta(minutes=10)) == 0
    assert send_notification_emails(now=start + timedelta(minutes=59)) == 0
    assert pending(ana) == 2
    assert send_notification_emails(now=start + timedelta(minutes=61)) == 1

    first, second = emails_to(outbox, ana)
    assert first.subject == f"3 new replies in “{TITLE}”"
    assert second.subject == f"2 new replies in “{TITLE}”"
    assert "Segunda ronda (1)" in second.text_body and "Segunda ronda (2)" in second.text_body
    assert "¿Qué tasa" not in second.text_body
    assert send_notification_emails(now=start + timedelta(hours=3)) == 0


def test_the_interval_is_configurable(app, outbox):
    app.config["NOTIFICATION_EMAIL_INTERVAL_MINUTES"] = 5
    ana = member_wanting(NotificationTopic.REPLIES)
    thread = watched_thread(ana)
    start = utcnow()
    replies(thread)
    send_notification_emails(now=start)
    replies(thread)

    assert send_notification_emails(now=start + timedelta(minutes=6)) == 1


def test_each_thread_has_its_own_email(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    replies(watched_thread(ana, title="Licencias"))
    replies(watched_thread(ana, title="Patentes"))

    assert send_notification_emails() == 2

    assert sorted(message.subject for message in emails_to(outbox, ana)) == [
        "1 new reply in “Licencias”",
        "1 new reply in “Patentes”",
    ]


def test_a_mention_and_replies_in_one_thread_make_one_email(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES, NotificationTopic.MENTIONS, display_name="Ana")
    thread = watched_thread(ana)
    replies(thread, 2)
    forum.reply_to_thread(make_user(display_name="Carla"), thread, f"@{ana.handle} ¿qué opinas?")

    assert send_notification_emails() == 1

    [message] = emails_to(outbox, ana)
    assert message.subject == f"3 new posts in “{TITLE}”"
    assert "Carla mentioned you:" in message.text_body


def test_a_private_message_is_emailed_with_a_short_excerpt(app, outbox):
    ana = make_user(locale="en")  # private messages: by e-mail unless chosen otherwise
    bruno = make_user(display_name="Bruno Lima")
    conversation = messages.start_conversation(bruno, [ana], "Propuesta de licencia", LONG_TEXT)

    assert send_notification_emails() == 1

    [message] = emails_to(outbox, ana)
    assert message.subject == "New message from Bruno Lima: “Propuesta de licencia”"
    assert LONG_TEXT[:100] in message.text_body
    assert LONG_TEXT.strip() not in message.text_body  # only the start: the rest is read on the site
    quoted = next(line.strip() for line in message.text_body.splitlines() if line.strip().startswith("Les propongo"))
    assert len(quoted) <= EXCERPT_LENGTH + 1 and quoted.endswith("…")
    assert f"http://localhost/messages/{conversation.last_message_id}" in message.text_body or "/messages/" in (
        message.text_body
    )
    assert read_unsubscribe_token(
        message.headers["List-Unsubscribe"].split("/unsubscribe/")[1].split(">")[0]
    ) == (ana, "messages")


def test_a_conversation_groups_its_messages(app, outbox):
    ana = make_user(locale="en")
    bruno = make_user()
    conversation = messages.start_conversation(bruno, [ana], "Propuesta", "Hola")
    messages.reply(bruno, conversation, "¿Lo viste?")

    assert send_notification_emails() == 1

    assert emails_to(outbox, ana)[0].subject == "2 new messages in “Propuesta”"


def test_a_new_thread_in_a_watched_category(app, outbox):
    ana = member_wanting(NotificationTopic.NEW_THREADS)
    thread = make_thread(title="Nueva convocatoria")
    forum.watch_category(ana, thread.category)
    forum.start_thread(make_user(display_name="Carla"), thread.category, "Fondos para spin-offs", "¿Quién postula?")

    send_notification_emails()

    assert [message.subject for message in emails_to(outbox, ana)] == ["New thread by Carla: “Fondos para spin-offs”"]


def test_the_email_is_in_the_members_language(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES, locale="pt")
    replies(watched_thread(ana))

    send_notification_emails()

    [message] = emails_to(outbox, ana)
    assert message.locale == "pt"
    assert '<html lang="pt">' in message.html_body


def test_what_members_wrote_stays_text_in_the_html_part(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    thread = watched_thread(ana, title="<script>alert(1)</script> Licencias")
    replies(thread, author=make_user(display_name="<b>Bruno</b>"), text="<img src=x onerror=alert(2)>")

    send_notification_emails()

    [message] = emails_to(outbox, ana)
    assert message.subject == "1 new reply in “<script>alert(1)</script> Licencias”"
    assert "<script>" not in message.html_body and "<b>Bruno" not in message.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Licencias" in message.html_body
    assert "&lt;b&gt;Bruno&lt;/b&gt;" in message.html_body
    assert "<img" not in message.html_body


def test_the_html_parts_are_valid_html(app, outbox, tmp_path):
    from tests.browser.audit import JAVA, VNU_JAR

    if not VNU_JAR.exists() or shutil.which(JAVA) is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail("the Nu Html Checker needs java and node_modules/vnu-jar in CI")
        pytest.skip("java or the Nu Html Checker (npm install) is missing")
    ana = member_wanting(NotificationTopic.REPLIES, NotificationTopic.MENTIONS, locale="pt")
    thread = watched_thread(ana, title="Licenças <de> software & patentes")
    replies(thread, ENTRIES_SHOWN + 2, text="Uma resposta <b>com</b> & símbolos")
    forum.reply_to_thread(make_user(), thread, f"@{ana.handle} o que acha?")
    messages.start_conversation(make_user(), [ana], "Proposta", LONG_TEXT)
    send_notification_emails()
    pages = []
    for number, message in enumerate(emails_to(outbox, ana)):
        page = tmp_path / f"email-{number}.html"
        page.write_text(message.html_body, encoding="utf-8")
        pages.append(str(page))
    assert len(pages) == 2

    checked = subprocess.run(  # noqa: S603 - fixed arguments, local files
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always", *pages],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    problems = json.loads(checked.stderr.strip() or checked.stdout.strip())["messages"]
    found = [(problem["url"].rsplit("/", 1)[-1], problem.get("lastLine"), problem["message"]) for problem in problems]
    assert found == []


# What is never sent


@pytest.mark.parametrize("who", ["blocked by the member", "blocking the member"])
def test_nothing_from_a_member_blocked_either_way(app, outbox, who):
    ana = member_wanting(NotificationTopic.REPLIES)
    bruno = make_user()
    if who == "blocked by the member":
        blocks.block_member(ana, bruno)
    else:
        blocks.block_member(bruno, ana)
    replies(watched_thread(ana), author=bruno)

    assert send_notification_emails() == 0

    assert emails_to(outbox, ana) == []
    assert pending(ana) == 0


@pytest.mark.parametrize("change", ["hidden", "deleted", "thread hidden"])
def test_nothing_hidden_or_deleted(app, outbox, change):
    ana = member_wanting(NotificationTopic.REPLIES)
    thread = watched_thread(ana)
    [post] = replies(thread)
    if change == "hidden":
        post.is_hidden = True
    elif change == "deleted":
        post.deleted_at = utcnow()
    else:
        thread.is_hidden = True
    db.session.commit()

    assert send_notification_emails() == 0
    assert emails_to(outbox, ana) == []


def test_what_awaits_review_waits_and_goes_once_published(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    [post] = replies(watched_thread(ana))
    post.awaiting_review = True
    db.session.commit()

    assert send_notification_emails() == 0
    assert pending(ana) == 1

    post.awaiting_review = False
    db.session.commit()
    assert send_notification_emails() == 1


@pytest.mark.parametrize("state", ["deleted", "suspended", "undeliverable"])
def test_members_who_cannot_receive_mail_get_none(app, outbox, state):
    ana = member_wanting(NotificationTopic.REPLIES)
    thread = watched_thread(ana)
    replies(thread)
    if state == "deleted":
        ana.deleted_at = utcnow()
    elif state == "suspended":
        ana.suspended_until = utcnow() + timedelta(days=3)
    else:
        ana.email_undeliverable_at = utcnow()
    db.session.commit()

    assert send_notification_emails() == 0

    assert emails_to(outbox, ana) == []
    assert pending(ana) == 0


def test_what_the_member_read_on_the_site_first_is_not_emailed(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    replies(watched_thread(ana))
    mark_all_read(ana)

    assert send_notification_emails() == 0


def test_old_notifications_are_left_to_the_site(app, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    replies(watched_thread(ana))

    assert send_notification_emails(now=utcnow() + LOOKBACK + timedelta(minutes=1)) == 0

    assert emails_to(outbox, ana) == []


def test_event_notifications_are_left_to_the_events_emails(app, outbox):
    from community.notifications.models import NotificationKind
    from community.notifications.services import notify

    ana = make_user()
    notify([ana], NotificationKind.EVENT_CHANGED, target_type="event", target_id=1, text="Reunión")
    db.session.commit()

    assert send_notification_emails() == 0
    assert len(outbox) == 0


# Cost, reliability, the cron command


@pytest.mark.parametrize("members", [3, 12])
def test_a_batch_costs_the_same_queries_whatever_its_size(app, outbox, count_queries, members):
    readers = [member_wanting(NotificationTopic.REPLIES, NotificationTopic.MENTIONS) for _ in range(members)]
    for number in range(3):
        replies(watched_thread(*readers, title=f"Hilo {number}"), 2)
    for reader in readers:
        messages.start_conversation(make_user(), [reader], "Hola", "¿Hablamos?")

    with count_queries() as queries:
        assert send_notification_emails() == members * 4

    reads = [statement for statement in queries.statements if statement.lstrip().upper().startswith("SELECT")]
    # The members with pending notifications, their notifications, two of preferences (replies, messages),
    # posts, messages, blocks, the last e-mail per thread, and the last look for more members: 9 at any size.
    assert len(reads) == 9, "\n".join(statement.split("\n")[0][:90] for statement in reads)


@pytest.mark.smtp
def test_with_the_smtp_server_down_the_email_arrives_once_when_it_is_back(app, outbox, smtp_server):
    ana = member_wanting(NotificationTopic.REPLIES)
    replies(watched_thread(ana))
    smtp_server.stop()
    start = utcnow()

    assert send_notification_emails(now=start) == 1
    now = utcnow()
    assert send_queued(now=now) == (0, 1)
    assert send_notification_emails(now=now + timedelta(minutes=1)) == 0  # the cron job runs again meanwhile

    smtp_server.start()
    assert send_notification_emails(now=now + timedelta(minutes=2)) == 0
    assert send_queued(now=now + timedelta(minutes=2)) == (1, 0)
    assert send_queued(now=now + timedelta(hours=1)) == (0, 0)

    [delivered] = smtp_server.messages
    assert delivered["To"] == ana.email
    assert delivered["Subject"] == f"1 new reply in “{TITLE}”"
    assert delivered["Message-ID"] == outbox.last.message_id
    assert outbox.last.status is OutboxStatus.SENT


def test_the_cron_command_queues_and_reports(app, runner, outbox):
    ana = member_wanting(NotificationTopic.REPLIES)
    replies(watched_thread(ana))

    result = runner.invoke(args=["notifications", "send-emails"])

    assert result.exit_code == 0, result.output
    assert "1 notification e-mails queued; 0 notifications wait for a later one." in result.output
    assert len(emails_to(outbox, ana)) == 1


class TestDevelopment:
    @pytest.fixture
    def app_config(self):
        return {"MODERATION_FIRST_POSTS_REVIEW": 0, "MAIL_SEND_AFTER_REQUEST": True}

    @pytest.mark.smtp
    def test_a_reply_is_emailed_right_after_the_request(self, app, client, login, smtp_server):
        ana = member_wanting(NotificationTopic.REPLIES)
        thread = watched_thread(ana)
        login(make_user())

        response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Usamos el 3 %."})
        response.close()

        assert response.status_code == 302
        assert [message["To"] for message in smtp_server.messages] == [ana.email]
