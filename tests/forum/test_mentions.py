"""@handle mentions in forum posts: they link the member's profile and notify them once."""

import pytest
from sqlalchemy import select

from community.extensions import db
from community.forum import services
from community.messages.blocks import block_member
from community.notifications.models import Notification, NotificationKind
from community.types import utcnow
from tests.factories import make_category, make_thread, make_user

pytestmark = pytest.mark.usefixtures("app")


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_mention_links_the_profile_and_notifies_the_member():
    lucia = make_user(display_name="Lucía Hernández Gómez")
    author = make_user()
    assert lucia.handle == "lucia.hernandez"
    thread = services.start_thread(author, make_category(), "Licencias", "¿Qué opina @lucia.hernandez?", "es")

    assert f'<a href="/members/{lucia.id}" class="mention" rel="nofollow ugc noopener">@lucia.hernandez</a>' in (
        thread.first_post.body_html
    )
    [notification] = notifications_of(lucia)
    assert notification.kind is NotificationKind.MENTION
    assert (notification.target_id, notification.actor_id, notification.text) == (
        thread.first_post.id, author.id, "Licencias",
    )  # fmt: skip


def test_handles_are_matched_whatever_their_case_and_a_final_dot_ends_the_sentence():
    joao = make_user(display_name="João Araújo")
    post = services.reply_to_thread(make_user(), make_thread(), "Obrigado, @Joao.Araujo.")
    assert f'<a href="/members/{joao.id}" class="mention"' in post.body_html
    assert post.body_html.strip().endswith("@Joao.Araujo</a>.</p>")


def test_a_watcher_who_is_mentioned_is_notified_once_as_mentioned():
    thread = make_thread()
    watcher = make_user(display_name="Ana Souza")
    services.watch_thread(watcher, thread)
    services.reply_to_thread(make_user(), thread, "@ana.souza veja isto")
    assert [n.kind for n in notifications_of(watcher)] == [NotificationKind.MENTION]


def test_members_who_blocked_the_author_hear_nothing_of_their_posts():
    author = make_user(display_name="Pedro Quispe")
    blocking = make_user(display_name="Marta Rojas")
    watching = make_user(display_name="Rosa Vargas")
    other = make_user(display_name="Elena Castro")
    thread = make_thread()
    for member in (watching, other):
        services.watch_thread(member, thread)
    block_member(blocking, author)
    block_member(watching, author)

    post = services.reply_to_thread(author, thread, "@marta.rojas @elena.castro ¿lo vieron?")

    assert f"/members/{blocking.id}" in post.body_html  # the link stays: blocking hides nothing from others
    assert notifications_of(blocking) == notifications_of(watching) == []
    assert [n.kind for n in notifications_of(other)] == [NotificationKind.MENTION]


def test_unknown_deleted_unconfirmed_and_self_mentions_notify_no_one():
    author = make_user(display_name="Carlos Pérez")
    gone = make_user(display_name="Gone Member", deleted_at=utcnow())
    unconfirmed = make_user(display_name="New Member", email_confirmed_at=None)
    post = services.reply_to_thread(author, make_thread(), "@nobody.here @gone.member @new.member @carlos.perez")
    assert 'class="mention"' in post.body_html  # the author's own handle is a link, but no notification
    assert "@nobody.here" in post.body_html and "/members/" + str(gone.id) not in post.body_html
    assert notifications_of(gone) == notifications_of(unconfirmed) == notifications_of(author) == []


def test_mentions_in_code_links_and_email_addresses_are_left_alone():
    member = make_user(display_name="Rosa Quispe")
    body = "`@rosa.quispe` and [@rosa.quispe](https://example.org) and rosa@rosa.quispe.pe\n\n    @rosa.quispe"
    post = services.reply_to_thread(make_user(), make_thread(), body)
    assert 'class="mention"' not in post.body_html
    assert notifications_of(member) == []


def test_an_edit_notifies_only_the_members_it_adds():
    first, second = make_user(display_name="First Person"), make_user(display_name="Second Person")
    author = make_user()
    post = services.reply_to_thread(author, make_thread(), "cc @first.person")
    services.edit_post(author, post, "cc @first.person @second.person")
    assert len(notifications_of(first)) == 1
    assert [n.kind for n in notifications_of(second)] == [NotificationKind.MENTION]


def test_mentioned_members_are_found_in_one_query(count_queries):
    members = [make_user(display_name=f"Person Number{n}") for n in range(8)]
    body = " ".join(f"@{member.handle}" for member in members)
    author, thread = make_user(), make_thread()
    with count_queries() as queries:
        services.reply_to_thread(author, thread, body)
    assert sum("users.handle IN" in statement for statement in queries.statements) == 1
    assert all(len(notifications_of(member)) == 1 for member in members)


def test_the_thread_page_shows_the_mention_as_a_link(client):
    rosa = make_user(display_name="Rosa Quispe")
    thread = make_thread()
    services.reply_to_thread(make_user(), thread, "Hola @rosa.quispe")
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert f'href="/members/{rosa.id}" class="mention"' in page
