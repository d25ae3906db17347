"""Private messages through the browser's eyes: privacy, starting and replying, the inbox, blocking, limits.

Pages are asked for in English, so assertions read the source strings.
"""

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, insert, select

from community.extensions import db
from community.messages import services
from community.messages.models import Block, Conversation, ConversationParticipant, Message
from community.notifications.models import Notification
from community.profiles.models import Visibility
from community.types import utcnow
from tests.factories import make_admin, make_moderator, make_profile, make_user
from tests.test_markdown import XSS_PAYLOADS, active_parts


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def main_part(response) -> str:
    return page_text(response).split('<main id="main"', 1)[1].split("</main>", 1)[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def member(**overrides):
    """A member who joined long ago (the new-member limit does not apply), reading English."""
    overrides.setdefault("created_at", utcnow() - timedelta(days=365))
    overrides.setdefault("locale", "en")
    return make_user(**overrides)


def start(sender, *recipients, subject="Licensing a vaccine patent", body="Could we talk about **royalties**?"):
    return services.start_conversation(sender, list(recipients), subject, body)


# Privacy


def test_visitors_are_asked_to_log_in_everywhere(client):
    conversation = start(member(), member())
    for path in ("/messages/", "/messages/archived", "/messages/new", "/messages/blocked",
                 f"/messages/{conversation.id}", f"/messages/m/{conversation.last_message_id}"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post(f"/messages/{conversation.id}/reply", data={"body": "Hi"}).status_code == 302
    assert count(Message) == 1


@pytest.mark.parametrize(
    "outsider", [member, lambda: make_moderator(locale="en"), lambda: make_admin(locale="en")],
    ids=["member", "moderator", "admin"],
)  # fmt: skip
def test_only_participants_can_read_a_conversation_anyone_else_gets_not_found(client, login, outsider):
    ana, joao = member(), member()
    conversation = start(ana, joao, subject="Confidential licence terms", body="The royalty is 4 %.")
    login(outsider())
    guesses = [conversation.id, conversation.id + 1, 0, 999_999]
    for conversation_id in guesses:
        response = client.get(f"/messages/{conversation_id}")
        assert response.status_code == 404 and "Page not found" in page_text(response)
        assert "Confidential" not in page_text(response)
        for action in ("reply", "archive", "leave"):
            assert client.post(f"/messages/{conversation_id}/{action}", data={"body": "Hi"}).status_code == 404
    for message_id in (conversation.last_message_id, conversation.last_message_id + 1):
        assert client.get(f"/messages/m/{message_id}").status_code == 404
    assert "Confidential" not in page_text(client.get("/messages/"))
    assert count(Message) == 1
    assert db.session.scalar(select(ConversationParticipant.archived_at).limit(1)) is None


def test_participants_read_the_conversation(client, login):
    ana, joao = member(display_name="Ana Souza"), member(display_name="João Araújo")
    conversation = start(ana, joao, subject="Licence terms", body="The royalty is **4 %**.")
    login(joao)
    page = main_part(client.get(f"/messages/{conversation.id}"))
    assert "<h1" in page and "Licence terms" in page
    assert "<strong>4 %</strong>" in page and "Ana Souza" in page
    assert 'class="badge text-bg-primary unread-marker">New<' in page


def test_the_navigation_counts_the_conversation_just_read(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    assert "Messages: 1 unread" in page_text(client.get("/account"))
    # The number came with the member at the start of the request; reading the page changes it.
    page = page_text(client.get(f"/messages/{conversation.id}"))
    assert "Messages: 1 unread" not in page and ">Messages</span>" in page


def test_a_message_link_leads_to_its_page_and_anchor(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    for number in range(30):
        last = services.reply(ana if number % 2 else joao, conversation, f"Point {number}")
    login(joao)
    response = client.get(f"/messages/m/{last.id}")
    assert response.headers["Location"] == f"/messages/{conversation.id}?page=2#message-{last.id}"
    assert f'id="message-{last.id}"' in page_text(client.get(f"/messages/{conversation.id}?page=2"))


@pytest.mark.parametrize("page", ["0", "2", "-1"])
def test_pages_beyond_the_conversation_or_the_inbox_are_not_found(client, login, page):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    assert client.get(f"/messages/{conversation.id}?page={page}").status_code == 404
    assert client.get(f"/messages/?page={page}").status_code == 404
    assert client.get(f"/messages/blocked?page={page}").status_code == 404


def test_a_member_who_left_reads_only_what_came_before(client, login):
    ana, joao, camila = member(), member(), member()
    conversation = start(ana, joao, camila, body="Before")
    login(camila)
    response = client.post(f"/messages/{conversation.id}/leave")
    assert response.status_code == 302
    after = services.reply(ana, conversation, "Written after Camila left")
    page = page_text(client.get(f"/messages/{conversation.id}"))
    assert "Before" in page and "Written after" not in page
    assert "You left this conversation" in page and f'action="/messages/{conversation.id}/reply"' not in page
    assert client.get(f"/messages/m/{after.id}").status_code == 404
    inbox = page_text(client.get("/messages/"))
    assert "Written after" not in inbox and "You left this conversation." in inbox
    assert client.post(f"/messages/{conversation.id}/reply", data={"body": "Back?"}).status_code == 422
    assert count(Message) == 2


# Starting a conversation


def test_send_message_on_a_profile_starts_a_conversation(client, login, outbox):
    ana = login(member(display_name="Ana Souza"))
    joao = member(display_name="João Araújo")
    make_profile(joao, headline="Licensing at INPI")
    profile = page_text(client.get(f"/members/{joao.id}"))
    assert f'href="/messages/new?to={joao.id}"' in profile and "Send message" in profile

    form = page_text(client.get(f"/messages/new?to={joao.id}"))
    assert f'value="@{joao.handle}"' in form
    response = client.post(
        f"/messages/new?to={joao.id}",
        data={"recipients": f"@{joao.handle}", "subject": "PCT phase in Brazil", "body": "Can we talk?"},
    )
    conversation = db.session.scalar(select(Conversation))
    assert response.headers["Location"] == f"/messages/{conversation.id}"
    assert "Your message was sent." in page_text(client.get(response.headers["Location"]))
    assert conversation.created_by_id == ana.id and services.count_unread_messages(joao) == 1


def test_a_group_conversation_is_started_from_the_inbox_with_handles(client, login):
    login(member())
    joao, camila = member(), member()
    assert 'href="/messages/new"' in page_text(client.get("/messages/"))
    response = client.post("/messages/new", data={
        "recipients": f"@{joao.handle} {camila.handle}", "subject": "Regional meeting", "body": "Agenda?",
    })  # fmt: skip
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert conversation.is_group and count(ConversationParticipant) == 3


def test_no_send_button_for_visitors_on_ones_own_profile_or_across_a_block(client, login):
    ana, joao = member(), member()
    for user in (ana, joao):
        make_profile(user, visibility=Visibility.PUBLIC)
    assert "/messages/new" not in page_text(client.get(f"/members/{joao.id}"))
    login(ana)
    assert "/messages/new" not in page_text(client.get(f"/members/{ana.id}"))
    services.block_member(joao, ana)
    assert "/messages/new" not in page_text(client.get(f"/members/{joao.id}"))


def nothing_sent() -> bool:
    return count(Conversation) == 0 and count(Message) == 0 and count(Notification) == 0


@pytest.mark.parametrize(
    ("recipients", "subject", "body", "error"),
    [
        ("@{self}", "Hello", "Hi", "You cannot send a message to yourself."),
        ("@no.such.member", "Hello", "Hi", "No member has the handle @no.such.member."),
        ("", "Hello", "Hi", "Please write the @handle of at least one member."),
        ("@{blocker}", "Hello", "Hi", "does not accept messages from you."),
        ("@{other}", "", "Hi", "Please write a subject."),
        ("@{other}", "Hello", "", "Please write something."),
        ("@{other}", "Hello", "x" * 10_001, "The text can have at most 10000 characters."),
        ("@{other}", "x" * 151, "Hi", "The subject can have at most 150 characters."),
        ("{ten}", "Hello", "Hi", "A conversation can have at most 10 members, you included."),
        ("@x " * 200, "Hello", "Hi", "Too many members."),
    ],
)
def test_bad_input_is_refused_with_a_translated_422_and_nothing_is_sent(client, login, recipients, subject, body,
                                                                          error):  # fmt: skip
    sender = login(member())
    other, blocker = member(), member()
    services.block_member(blocker, sender)
    ten = " ".join(f"@{member().handle}" for _ in range(10))
    recipients = recipients.format(self=sender.handle, other=other.handle, blocker=blocker.handle, ten=ten)
    response = client.post("/messages/new", data={"recipients": recipients, "subject": subject, "body": body})
    assert response.status_code == 422
    assert error in page_text(response)
    assert nothing_sent()


def test_refusals_speak_the_members_language(client, login):
    login(member(locale="es"))
    response = client.post("/messages/new", data={"recipients": "@nadie.aqui", "subject": "Hola", "body": "Hola"})
    assert response.status_code == 422
    with force_locale("es"):
        expected = gettext("No member has the handle @%(handle)s.", handle="nadie.aqui")
    assert '<html lang="es">' in page_text(response) and expected in page_text(response)


@pytest.mark.parametrize(("query", "status"), [("to=abc", 400), ("to=999999", 404), ("to=1&" * 10, 400)])
def test_bad_recipients_in_the_address_are_refused(client, login, query, status):
    login(member())
    assert client.get(f"/messages/new?{query}").status_code == status


def test_a_removed_member_cannot_be_picked_from_the_address(client, login):
    login(member())
    gone = member(deleted_at=utcnow())
    assert client.get(f"/messages/new?to={gone.id}").status_code == 404


# Replying


def test_a_reply_goes_to_the_conversation_and_notifies_the_others(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    response = client.post(f"/messages/{conversation.id}/reply", data={"body": "Yes, *Tuesday*?"})
    reply = db.session.scalar(select(Message).order_by(Message.id.desc()))
    assert response.headers["Location"] == f"/messages/m/{reply.id}"
    assert services.count_unread_messages(ana) == 1
    notification = db.session.scalar(select(Notification).where(Notification.user_id == ana.id))
    assert notification.target_id == reply.id and notification.actor_id == joao.id


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_an_empty_or_oversize_reply_is_refused(client, login, body):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    response = client.post(f"/messages/{conversation.id}/reply", data={"body": body})
    assert response.status_code == 422
    assert count(Message) == 1


def test_replying_to_a_member_who_blocked_you_is_refused(client, login):
    ana, joao = member(display_name="Ana Souza"), member()
    conversation = start(ana, joao)
    services.block_member(ana, joao)
    login(joao)
    page = page_text(client.get(f"/messages/{conversation.id}"))
    assert "Ana Souza does not accept messages from you." in page
    assert f'action="/messages/{conversation.id}/reply"' not in page
    response = client.post(f"/messages/{conversation.id}/reply", data={"body": "Please answer"})
    assert response.status_code == 422 and "Ana Souza does not accept messages from you." in page_text(response)
    assert count(Message) == 1


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_in_subjects_and_bodies_stays_inert(client, login, payload):
    ana, joao = member(), member()
    conversation = start(ana, joao, subject=f"Subject {payload}"[:150], body=payload)
    services.reply(joao, conversation, f"Reply {payload}")
    login(ana)
    for url in (f"/messages/{conversation.id}", "/messages/"):
        body = main_part(client.get(url))
        assert [part for part in active_parts(body) if part not in ("div", "form", "input")] == [], url


# The inbox and the badge


def test_the_inbox_shows_unread_counts_newest_first(client, login):
    ana = login(member())
    joao, camila = member(display_name="João Araújo"), member(display_name="Camila Muñoz")
    older = start(joao, ana, subject="Older subject")
    start(camila, ana, subject="Newer subject")
    services.reply(joao, older, "Another one")
    page = page_text(client.get("/messages/"))
    assert page.index("Older subject") < page.index("Newer subject")  # the reply brought it up
    assert "2 unread" in page and "1 unread" in page
    assert "With João Araújo" in page and "João Araújo: Another one" in page


def test_the_inbox_signs_the_members_own_last_message_and_a_former_members(client, login):
    from community.accounts.services import delete_account
    from tests.factories import PASSWORD

    ana = login(member())
    joao, camila = member(display_name="João Araújo"), member(display_name="Camila Muñoz")
    start(joao, ana, subject="From a former member", body="My last words here.")
    mine = start(camila, ana, subject="Answered by Ana")
    services.reply(ana, mine, "Thanks, Camila.")
    delete_account(joao, PASSWORD)

    page = page_text(client.get("/messages/"))

    assert "You: Thanks, Camila." in page and "With Camila Muñoz" in page
    assert "With Former member" in page and "Former member: My last words here." in page
    assert "João Araújo" not in page


def test_the_inbox_shows_the_start_of_the_last_message_as_plain_text(client, login):
    ana = login(member())
    joao = member(display_name="João Araújo")
    words = " ".join(f"palabra{n}" for n in range(40))
    start(joao, ana, subject="Long", body=f"**Hola** Ana, *mira* [esto](https://example.org): {words}")

    answer = client.get("/messages/")
    page = page_text(answer)

    assert "João Araújo: Hola Ana, mira esto: palabra0 palabra1" in page
    assert "palabra11…" in page and "palabra12" not in page
    assert "<strong>Hola</strong>" not in answer.get_data(as_text=True)


def test_the_inbox_is_paginated(client, login):
    ana = login(member())
    others = [member() for _ in range(3)]
    for number in range(23):
        start(others[number % 3], ana, subject=f"Subject {number:02d}")
    first = page_text(client.get("/messages/"))
    assert "Subject 22" in first and "Subject 02" not in first and 'href="/messages/?page=2"' in first
    second = page_text(client.get("/messages/?page=2"))
    assert "Subject 02" in second and "Subject 00" in second
    assert client.get("/messages/?page=3").status_code == 404


def test_the_navigation_shows_the_unread_count_with_one_indexed_query(client, login, count_queries):
    ana = login(member())
    client.get("/account")  # the first request of a session records the member's activity
    page = page_text(client.get("/account"))
    assert '<span class="visually-hidden">Messages</span>' in page
    with count_queries() as none_yet:
        client.get("/account")
    joao = member()
    conversation = start(joao, ana)
    services.reply(joao, conversation, "And another thing")
    with count_queries() as some:
        page = page_text(client.get("/account"))
    assert "Messages: 2 unread" in page
    assert some.count == none_yet.count
    badge = [s for s in some.statements if "conversation_participants" in s]
    assert len(badge) == 1 and "sum(" in badge[0].lower()


def test_visitors_have_no_messages_link(client):
    assert "messages-link" not in page_text(client.get("/"))


def test_opening_the_conversation_marks_its_notifications_read(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    notification = db.session.scalar(select(Notification).where(Notification.user_id == joao.id))
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.headers["Location"] == f"/messages/m/{conversation.last_message_id}"
    services.reply(ana, conversation, "Second")
    client.get(f"/messages/{conversation.id}")
    db.session.expire_all()
    assert all(n.is_read for n in db.session.scalars(select(Notification).where(Notification.user_id == joao.id)))
    assert services.count_unread_messages(joao) == 0
    assert "Messages: " not in page_text(client.get("/account")).split("</nav>")[0]


def test_archive_and_bring_back(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao, subject="Archived subject")
    login(joao)
    response = client.post(f"/messages/{conversation.id}/archive", data={"archive": "1"})
    assert response.headers["Location"] == "/messages/"
    assert "Archived subject" not in page_text(client.get("/messages/"))
    assert "Archived subject" in page_text(client.get("/messages/archived"))
    client.post(f"/messages/{conversation.id}/archive", data={"archive": "0"})
    assert "Archived subject" in page_text(client.get("/messages/"))


def test_one_to_one_conversations_offer_no_leave_button_and_refuse_leaving(client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    assert "/leave" not in page_text(client.get(f"/messages/{conversation.id}"))
    response = client.post(f"/messages/{conversation.id}/leave")
    assert response.status_code == 302
    assert "Only group conversations can be left" in page_text(client.get(response.headers["Location"]))
    left_at = select(ConversationParticipant.left_at).where(ConversationParticipant.user_id == joao.id)
    assert db.session.scalar(left_at) is None


# Blocking


def test_block_and_unblock_from_the_profile_and_the_settings(client, login):
    ana = login(member())
    joao = member(display_name="João Araújo")
    make_profile(joao)
    profile = page_text(client.get(f"/members/{joao.id}"))
    assert f'action="/messages/block/{joao.id}"' in profile
    response = client.post(f"/messages/block/{joao.id}", data={"next": f"/members/{joao.id}"})
    assert response.headers["Location"] == f"/members/{joao.id}"
    assert services.is_blocking(ana, joao)
    assert f'action="/messages/unblock/{joao.id}"' in page_text(client.get(f"/members/{joao.id}"))

    assert 'href="/messages/blocked"' in page_text(client.get("/account"))
    settings = page_text(client.get("/messages/blocked"))
    assert "João Araújo" in settings and f'action="/messages/unblock/{joao.id}"' in settings
    response = client.post(f"/messages/unblock/{joao.id}")
    assert response.headers["Location"] == "/messages/blocked"
    assert not services.is_blocking(ana, joao)
    assert "You have not blocked anyone." in page_text(client.get("/messages/blocked"))


def test_blocking_yourself_or_someone_unknown(client, login):
    ana = login(member())
    assert client.post("/messages/block/999999").status_code == 404
    client.post(f"/messages/block/{ana.id}")
    assert count(Block) == 0


def test_every_form_needs_the_csrf_token(app, client, login):
    ana, joao = member(), member()
    conversation = start(ana, joao)
    login(joao)
    app.config["WTF_CSRF_ENABLED"] = True
    for path in (f"/messages/{conversation.id}/archive", f"/messages/{conversation.id}/leave",
                 f"/messages/block/{ana.id}", f"/messages/unblock/{ana.id}"):  # fmt: skip
        assert client.post(path).status_code == 400, path
    assert client.post(f"/messages/{conversation.id}/reply", data={"body": "Hi"}).status_code == 400
    new = {"recipients": f"@{ana.handle}", "subject": "S", "body": "B"}
    assert client.post("/messages/new", data=new).status_code == 400
    assert count(Block) == 0 and count(Message) == 1


# Limits


class TestNewMemberLimit:
    @pytest.fixture
    def app_config(self):
        return {"MESSAGES_NEW_MEMBER_DAYS": 7, "MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY": 1}

    def test_a_new_member_over_the_days_allowance_gets_a_429(self, client, login):
        login(make_user(locale="en"))
        first, second = member(), member()
        data = {"subject": "Hello", "body": "Nice to meet you"}
        assert client.post("/messages/new", data={"recipients": f"@{first.handle}", **data}).status_code == 302
        response = client.post("/messages/new", data={"recipients": f"@{second.handle}", **data})
        assert response.status_code == 429
        assert "New members can start at most 1 conversations a day." in page_text(response)
        assert count(Conversation) == 1


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "MESSAGES_SEND_RATE_LIMIT": "3 per minute"}

    def test_sending_beyond_the_rate_is_refused_with_429_per_member(self, app, client, login):
        ana, joao = member(), member()
        conversation = start(ana, joao)
        login(joao)
        for number in range(2):
            assert client.post(f"/messages/{conversation.id}/reply", data={"body": f"{number}"}).status_code == 302
        new = {"recipients": f"@{ana.handle}", "subject": "Another", "body": "Hi"}
        assert client.post("/messages/new", data=new).status_code == 302  # the same budget as replies
        response = client.post(f"/messages/{conversation.id}/reply", data={"body": "One too many"})
        assert response.status_code == 429 and "Too many requests" in page_text(response)
        assert "Retry-After" in response.headers
        assert client.get(f"/messages/{conversation.id}").status_code == 200  # reading stays free

        other = app.test_client()
        with other.session_transaction() as session:
            session["_user_id"] = ana.get_id()
        assert other.post(f"/messages/{conversation.id}/reply", data={"body": "Mine"}).status_code == 302


# Speed


def _fill_inbox(user, conversations: int, partners: list):
    for number in range(conversations):
        conversation = start(partners[number % len(partners)], user, partners[(number + 1) % len(partners)],
                             subject=f"Subject {number}")  # fmt: skip
        services.reply(user, conversation, "Thanks")
        if number % 3 == 0:
            services.set_archived(user, services.get_participation(user, conversation.id), True)


def test_the_inbox_costs_the_same_queries_whatever_its_size(client, login, count_queries):
    ana = login(member())
    partners = [member() for _ in range(4)]
    _fill_inbox(ana, 3, partners)
    client.get("/messages/")  # the first request of a session records the member's activity
    with count_queries() as small:
        assert client.get("/messages/").status_code == 200
    _fill_inbox(ana, 30, partners)
    with count_queries() as large:
        assert client.get("/messages/").status_code == 200
    _fill_inbox(ana, 30, partners)
    with count_queries() as larger:
        assert client.get("/messages/").status_code == 200
    # A full page counts the list in the statement that reads it: no query more, however many.
    assert large.count == larger.count == small.count, "\n".join(larger.statements)
    assert ">2</a>" in client.get("/messages/").text  # the link to the second page


def _conversation_with(ana, joao, messages: int) -> Conversation:
    """A conversation of `messages` messages, inserted in bulk (services would take a while)."""
    conversation = start(ana, joao)
    rows = [
        {"conversation_id": conversation.id, "number": n, "author_id": (ana.id, joao.id)[n % 2], "body": f"M {n}",
         "body_html": f"<p>M {n}</p>"}
        for n in range(2, messages + 1)
    ]  # fmt: skip
    db.session.execute(insert(Message), rows)
    conversation.message_count = messages
    db.session.execute(
        db.update(ConversationParticipant)
        .where(ConversationParticipant.conversation_id == conversation.id, ConversationParticipant.user_id == joao.id)
        .values(unread_count=messages // 2)
    )
    db.session.commit()
    return conversation


def test_a_conversation_page_costs_the_same_queries_whatever_its_size(client, login, count_queries):
    ana, joao = member(), member()
    small, large = _conversation_with(ana, joao, 3), _conversation_with(ana, joao, 400)
    small_url, large_url = f"/messages/{small.id}", f"/messages/{large.id}"
    login(joao)
    client.get("/account")  # the first request of a session records the member's activity
    with count_queries() as first:
        assert client.get(small_url).status_code == 200
    with count_queries() as second:
        assert client.get(large_url).status_code == 200
    assert second.count == first.count, "\n".join(second.statements)
    with count_queries() as last_page:
        assert 'id="message-' in page_text(client.get(f"{large_url}?page=16"))
    assert last_page.count <= first.count


def test_the_blocked_list_costs_the_same_queries_whatever_its_size(client, login, count_queries):
    ana = login(member())
    for _ in range(2):
        services.block_member(ana, member())
    client.get("/messages/blocked")  # the first request of a session records the member's activity
    with count_queries() as small:
        assert client.get("/messages/blocked").status_code == 200
    for _ in range(30):
        services.block_member(ana, member())
    with count_queries() as large:
        assert client.get("/messages/blocked").status_code == 200
    assert large.count == small.count, "\n".join(large.statements)
