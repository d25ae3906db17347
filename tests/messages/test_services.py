"""Private messages as the services see them: who may write to whom, what is stored, counted and notified."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.accounts.models import User
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.messages import services
from community.messages.models import Block, Conversation, ConversationParticipant, Message
from community.notifications.models import Notification, NotificationKind
from community.types import utcnow
from tests.factories import PASSWORD, make_moderator, make_user
from tests.test_markdown import active_parts

pytestmark = pytest.mark.usefixtures("app")


def english(text) -> str:
    """A refusal's reason as an English-speaking member reads it (outside a request the site speaks es)."""
    with force_locale("en"):
        return str(text)


def start(sender, *recipients, subject="Licensing a vaccine patent", body="Could we talk about **royalties**?"):
    return services.start_conversation(sender, list(recipients), subject, body)


def row(user, conversation) -> ConversationParticipant:
    db.session.expire_all()
    return services.get_participation(user, conversation.id)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def message_notifications(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == NotificationKind.NEW_MESSAGE)
            .order_by(Notification.id)
        )
    )


def long_standing_member(**overrides):
    """A member who joined long ago: the new-member limit does not apply."""
    return make_user(created_at=utcnow() - timedelta(days=365), **overrides)


# Starting and replying


def test_a_conversation_starts_with_its_first_message_and_notifies_the_recipient():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao, subject="  Licensing   a vaccine patent ")

    assert conversation.subject == "Licensing a vaccine patent"
    assert not conversation.is_group and conversation.message_count == 1
    first = db.session.scalar(select(Message))
    assert first.number == 1 and first.author_id == ana.id
    assert first.body_html.strip() == "<p>Could we talk about <strong>royalties</strong>?</p>"
    assert conversation.last_message_id == first.id
    assert row(ana, conversation).unread_count == 0 and row(joao, conversation).unread_count == 1
    assert services.count_unread_messages(joao) == 1 and services.count_unread_messages(ana) == 0
    [notification] = message_notifications(joao)
    assert notification.actor_id == ana.id and notification.text == "Licensing a vaccine patent"
    assert (notification.target_type, notification.target_id) == ("message", first.id)
    assert message_notifications(ana) == []


def test_a_group_conversation_has_up_to_ten_members():
    sender = make_user()
    nine = [make_user() for _ in range(9)]
    conversation = start(sender, *nine)
    assert conversation.is_group
    assert count(ConversationParticipant) == 10
    assert all(services.count_unread_messages(member) == 1 for member in nine)

    with pytest.raises(ActionRefused) as refused:
        start(sender, *nine, make_user())
    assert refused.value.field == "recipients"
    assert count(Conversation) == 1


def test_replies_are_numbered_and_unread_for_everyone_but_their_author():
    ana, joao, camila = make_user(), make_user(), make_user()
    conversation = start(ana, joao, camila)
    services.reply(joao, conversation, "Sí, claro.")
    reply = services.reply(joao, conversation, "¿El martes?")

    assert reply.number == 3 and conversation.message_count == 3 and conversation.last_message_id == reply.id
    assert row(ana, conversation).unread_count == 2
    assert row(camila, conversation).unread_count == 3
    assert row(joao, conversation).unread_count == 1  # Ana's opening message, still unread
    assert [n.target_id for n in message_notifications(ana)] == [reply.id - 1, reply.id]
    assert len(message_notifications(joao)) == 1


def test_the_unread_count_adds_up_every_conversation_of_the_member():
    ana, joao, camila = make_user(), make_user(), make_user()
    first = start(ana, joao)
    start(camila, joao)
    services.reply(ana, first, "And one more thing.")
    assert services.count_unread_messages(joao) == 3


def test_reading_a_page_clears_its_unread_messages_and_their_notifications():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    for number in range(30):
        services.reply(ana, conversation, f"Point {number}")
    participation = row(joao, conversation)
    assert participation.unread_count == 31

    services.mark_page_read(joao, conversation, participation, 1)  # messages 1-25
    participation = row(joao, conversation)
    assert participation.last_read_number == 25 and participation.unread_count == 6
    unread = [n for n in message_notifications(joao) if not n.is_read]
    assert len(unread) == 6

    services.mark_page_read(joao, conversation, participation, 2)
    assert row(joao, conversation).unread_count == 0
    assert services.count_unread_messages(joao) == 0
    assert all(n.is_read for n in message_notifications(joao))


def test_markdown_is_rendered_by_the_sites_one_renderer_and_raw_html_stays_text():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao, body="<script>alert(1)</script> [link](javascript:alert(1))\n\n# Title")
    html = db.session.get(Message, conversation.last_message_id).body_html
    assert active_parts(html) == [] and "&lt;script&gt;" in html
    assert "<h2>Title</h2>" in html  # below the page's own h1, as everywhere


# Bad input: refused, nothing sent


def nothing_was_sent():
    return count(Conversation) == 0 and count(Message) == 0 and count(Notification) == 0


def test_messaging_yourself_is_refused():
    ana = make_user()
    with pytest.raises(ActionRefused) as refused:
        start(ana, ana)
    assert refused.value.reason == services.YOURSELF and refused.value.field == "recipients"
    assert nothing_was_sent()


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "Hello", "subject"), ("   ", "Hello", "subject"), ("x" * 151, "Hello", "subject"),
     ("Hello", "", "body"), ("Hello", "  \n ", "body"), ("Hello", "x" * 10_001, "body"),
     ("Hello", "|a|b|c|d|e|f|g|h|\n|-|-|-|-|-|-|-|-|\n" + "|\n" * 4000, "body")],
)  # fmt: skip
def test_empty_or_oversize_subjects_and_bodies_are_refused(subject, body, field):
    ana, joao = make_user(), make_user()
    with pytest.raises(ActionRefused) as refused:
        start(ana, joao, subject=subject, body=body)
    assert refused.value.field == field
    assert nothing_was_sent()


def test_an_empty_or_oversize_reply_is_refused():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    for body in ("", "x" * 10_001):
        with pytest.raises(ActionRefused):
            services.reply(joao, conversation, body)
    assert count(Message) == 1


def test_recipients_are_found_by_their_handles():
    ana = make_user(display_name="Ana Gonçalves")
    joao = make_user(display_name="João Araújo")
    assert services.find_recipients(f"@{ana.handle}, {joao.handle.upper()}  @{ana.handle}") == [ana, joao]


@pytest.mark.parametrize("text", ["", " , ", "@nobody.here", "@{unconfirmed}", "@{deleted}", "@{unapproved}"])
def test_unknown_handles_and_members_who_cannot_be_found_are_refused(text):
    unconfirmed = make_user(email_confirmed_at=None)
    unapproved = make_user(is_approved=False)
    deleted = make_user()
    accounts.delete_account(deleted, PASSWORD)
    text = text.format(unconfirmed=unconfirmed.handle, unapproved=unapproved.handle, deleted=deleted.handle)
    with pytest.raises(ActionRefused) as refused:
        services.find_recipients(text)
    assert refused.value.field == "recipients"


def test_an_unknown_member_given_directly_is_refused():
    ana, gone = make_user(), make_user()
    accounts.delete_account(gone, PASSWORD)
    with pytest.raises(ActionRefused):
        start(ana, gone)
    assert nothing_was_sent()


def test_members_who_may_not_send_cannot_start_or_reply():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    joao.is_approved = False  # e.g. waiting for approval again; moderation will add suspensions here
    db.session.commit()
    assert not services.can_send_messages(joao)
    with pytest.raises(PermissionDenied):
        start(joao, ana)
    with pytest.raises(PermissionDenied):
        services.reply(joao, conversation, "Hello?")


def test_outsiders_cannot_reply():
    ana, joao, outsider = make_user(), make_user(), make_moderator()
    conversation = start(ana, joao)
    with pytest.raises(PermissionDenied):
        services.reply(outsider, conversation, "Hello")
    assert services.get_participation(outsider, conversation.id) is None
    assert services.get_message_for(outsider, conversation.last_message_id) is None


# Blocking


def test_a_blocked_member_can_no_longer_start_a_conversation_with_the_blocker():
    ana, spammer, other = make_user(), make_user(display_name="Spam Sender"), make_user()
    services.block_member(ana, spammer)
    with pytest.raises(ActionRefused) as refused:
        start(spammer, other, ana)
    assert english(refused.value.reason) == f"{ana.display_name} does not accept messages from you."
    with pytest.raises(ActionRefused) as refused:
        start(ana, spammer)
    assert "Unblock them" in english(refused.value.reason)
    assert nothing_was_sent()


def test_replying_one_to_one_after_a_block_is_refused_both_ways():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    services.block_member(ana, joao)
    for author in (joao, ana):
        with pytest.raises(ActionRefused):
            services.reply(author, conversation, "Hello again")
    assert count(Message) == 1

    services.unblock_member(ana, joao)
    services.reply(joao, conversation, "Hello again")
    assert count(Message) == 2


def test_in_a_group_the_blocker_is_not_notified_of_the_blocked_members_messages():
    ana, joao, camila = make_user(), make_user(), make_user()
    conversation = start(ana, joao, camila)
    services.mark_page_read(joao, conversation, row(joao, conversation), 1)
    services.block_member(joao, camila)

    services.reply(camila, conversation, "Joao, are you there?")
    assert row(joao, conversation).unread_count == 0
    assert len(message_notifications(joao)) == 1  # Ana's opening message only
    assert row(ana, conversation).unread_count == 1  # the others still get it


def test_blocking_twice_or_yourself():
    ana, joao = make_user(), make_user()
    services.block_member(ana, joao)
    services.block_member(ana, joao)
    assert count(Block) == 1 and services.is_blocking(ana, joao) and not services.is_blocking(joao, ana)
    with pytest.raises(ActionRefused):
        services.block_member(ana, ana)


# Leaving, archiving, removed members


def test_a_member_who_left_a_group_keeps_what_came_before_and_gets_nothing_new():
    ana, joao, camila = make_user(), make_user(), make_user()
    conversation = start(ana, joao, camila)
    services.reply(joao, conversation, "Before Camila leaves")
    services.leave_conversation(camila, row(camila, conversation))

    after = services.reply(ana, conversation, "After Camila left")
    participation = row(camila, conversation)
    assert participation.has_left and participation.visible_until_number == 2
    assert participation.unread_count == 0
    assert services.get_messages_page(conversation, participation, 1).items[-1].number == 2
    assert services.get_message_for(camila, after.id) is None
    assert len(message_notifications(camila)) == 2
    with pytest.raises(ActionRefused) as refused:
        services.reply(camila, conversation, "Can I come back?")
    assert refused.value.reason == services.LEFT


def test_one_to_one_conversations_cannot_be_left():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    with pytest.raises(ActionRefused):
        services.leave_conversation(joao, row(joao, conversation))


def test_when_everyone_else_left_no_one_can_be_written_to():
    ana, joao, camila = make_user(), make_user(), make_user()
    conversation = start(ana, joao, camila)
    services.leave_conversation(joao, row(joao, conversation))
    services.leave_conversation(camila, row(camila, conversation))
    with pytest.raises(ActionRefused) as refused:
        services.reply(ana, conversation, "Anyone?")
    assert refused.value.reason == services.NOBODY_ELSE


def test_archiving_hides_a_conversation_until_a_new_message_arrives():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao)
    services.set_archived(joao, row(joao, conversation), True)
    assert services.list_conversations(joao, 1).items == []
    assert [p.conversation_id for p in services.list_conversations(joao, 1, archived=True).items] == [conversation.id]
    assert services.count_unread_messages(joao) == 0  # archiving reads it

    services.reply(ana, conversation, "Did you see my message?")
    assert [p.conversation_id for p in services.list_conversations(joao, 1).items] == [conversation.id]
    assert services.count_unread_messages(joao) == 1


def test_the_inbox_lists_the_newest_conversations_first():
    ana, joao, camila = make_user(), make_user(), make_user()
    older = start(ana, joao, subject="Older")
    newer = start(camila, ana, subject="Newer")
    assert [p.subject for p in services.list_conversations(ana, 1).items] == ["Newer", "Older"]
    services.reply(joao, older, "Up again")
    assert [p.conversation_id for p in services.list_conversations(ana, 1).items] == [older.id, newer.id]


def test_a_deleted_members_messages_stay_readable_to_the_others():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao, body="Here is the draft agreement.")
    accounts.delete_account(ana, PASSWORD)

    messages = services.get_messages_page(conversation, row(joao, conversation), 1).items
    assert messages[0].body == "Here is the draft agreement." and messages[0].author.is_deleted
    with pytest.raises(ActionRefused) as refused:
        services.reply(joao, conversation, "Ana?")
    assert refused.value.reason == services.NOBODY_ELSE


def test_a_removed_account_row_leaves_the_messages_in_place():
    ana, joao = make_user(), make_user()
    conversation = start(ana, joao, body="Kept after removal")
    db.session.delete(ana)
    db.session.commit()
    message = db.session.scalar(select(Message))
    assert message.body == "Kept after removal" and message.author_id is None
    assert db.session.get(Conversation, conversation.id).created_by_id is None
    assert services.get_participation(joao, conversation.id) is not None


# Limits


class TestNewMemberLimit:
    @pytest.fixture
    def app_config(self):
        return {"MESSAGES_NEW_MEMBER_DAYS": 7, "MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY": 2}

    def test_a_new_member_starts_only_a_few_conversations_a_day(self):
        newcomer = make_user(created_at=utcnow() - timedelta(days=2))
        start(newcomer, make_user())
        start(newcomer, make_user())
        with pytest.raises(services.DailyLimitReached) as refused:
            start(newcomer, make_user())
        assert "at most 2 conversations a day" in english(refused.value.reason)
        assert count(Conversation) == 2

    def test_yesterdays_conversations_do_not_count(self):
        newcomer = make_user(created_at=utcnow() - timedelta(days=3))
        for _ in range(2):
            start(newcomer, make_user())
        db.session.execute(db.update(Conversation).values(created_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
        start(newcomer, make_user())

    def test_replies_do_not_count(self):
        newcomer, joao = make_user(), make_user()
        conversation = start(newcomer, joao)
        for number in range(5):
            services.reply(newcomer, conversation, f"Reply {number}")
        start(newcomer, make_user())

    def test_established_members_and_moderators_are_not_limited(self):
        veteran, moderator = long_standing_member(), make_moderator()
        for _ in range(3):
            start(veteran, make_user())
            start(moderator, make_user())
        assert count(Conversation) == 6


# Demo data


def test_the_demo_has_conversations_in_three_languages_and_loads_once():
    from community.messages.demo import DEMO_CONVERSATIONS, load_messages_demo
    from community.seed.demo import DEMO_MEMBERS

    for name, email, country, locale, role in DEMO_MEMBERS:
        make_user(display_name=name, email=email, country=country, locale=locale, role=role, commit=False)
    db.session.commit()
    assert load_messages_demo() == len(DEMO_CONVERSATIONS)
    assert load_messages_demo() == 0
    assert count(Conversation) == len(DEMO_CONVERSATIONS)
    assert any(conversation.is_group for conversation in db.session.scalars(select(Conversation)))
    emily = db.session.scalar(select(User).where(User.email == "emily.carter@wipo.example.int"))
    assert services.count_unread_messages(emily) == 2  # the two replies in her group


# Indexes


def _plan(query) -> str:
    from sqlalchemy import text
    from sqlalchemy.dialects import sqlite

    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    return " ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_the_badge_and_the_inbox_are_served_by_indexes():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    ana = make_user()
    start(ana, make_user())
    badge = select(func.coalesce(func.sum(ConversationParticipant.unread_count), 0)).where(
        ConversationParticipant.user_id == ana.id, ConversationParticipant.unread_count > 0
    )
    assert "USING COVERING INDEX ix_conversation_participants_unread" in _plan(badge)
    inbox = (
        select(ConversationParticipant.conversation_id)
        .where(ConversationParticipant.user_id == ana.id, ConversationParticipant.archived_at.is_(None))
        .order_by(ConversationParticipant.last_message_at.desc(), ConversationParticipant.conversation_id.desc())
    )
    plan = _plan(inbox)
    assert "ix_conversation_participants_inbox" in plan and "TEMP B-TREE" not in plan
