"""Per-topic e-mail preferences: what a member also wants by e-mail, beside the site's notifications."""

import re

import pytest

from community.extensions import db
from community.notifications import services
from community.notifications.models import NotificationKind, NotificationTopic
from tests.factories import make_user


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_a_member_who_never_chose_gets_email_for_what_is_addressed_to_them():
    preferences = services.get_email_preferences(make_user())
    assert preferences[NotificationTopic.MESSAGES] and preferences[NotificationTopic.MENTIONS]
    assert preferences[NotificationTopic.EVENTS] and preferences[NotificationTopic.MODERATION]
    assert not preferences[NotificationTopic.REPLIES] and not preferences[NotificationTopic.NEW_THREADS]


def test_choices_are_kept_per_topic_and_change_only_what_is_given():
    member = make_user()
    services.set_email_preferences(member, {NotificationTopic.MESSAGES: False, NotificationTopic.REPLIES: True})
    services.set_email_preferences(member, {NotificationTopic.REPLIES: False})
    preferences = services.get_email_preferences(member)
    assert preferences[NotificationTopic.MESSAGES] is False
    assert preferences[NotificationTopic.REPLIES] is False
    assert preferences[NotificationTopic.MENTIONS] is True


def test_who_wants_email_for_a_kind_is_answered_in_one_query(count_queries):
    quiet, default, keen = make_user(), make_user(), make_user()
    services.set_email_preferences(quiet, {NotificationTopic.EVENTS: False})
    services.set_email_preferences(keen, {NotificationTopic.REPLIES: True})
    ids = [quiet.id, default.id, keen.id]
    with count_queries() as queries:
        assert services.members_wanting_email(ids, NotificationKind.EVENT_CANCELLED) == {default.id, keen.id}
    assert queries.count == 1
    assert services.members_wanting_email(ids, NotificationKind.NEW_REPLY) == {keen.id}
    assert services.members_wanting_email([], NotificationKind.NEW_REPLY) == set()


def test_every_kind_of_notification_belongs_to_a_topic():
    from community.notifications.models import TOPIC_OF_KIND

    assert set(TOPIC_OF_KIND) == set(NotificationKind)


def checked_topics(page: str) -> set[str]:
    return set(re.findall(r'<input checked[^>]*name="by_email"[^>]*value="(\w+)"', page))


def test_the_settings_page_shows_and_saves_the_choices(client, login):
    member = login(make_user(locale="en"))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Also send me an e-mail about" in page
    assert checked_topics(page) == {"messages", "mentions", "events", "moderation"}

    response = client.post("/account/notifications", data={"by_email": ["replies", "events"]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your notification settings were saved." in page
    assert checked_topics(page) == {"replies", "events"}
    db.session.expire_all()
    preferences = services.get_email_preferences(member)
    assert [topic for topic, by_email in preferences.items() if by_email] == [
        NotificationTopic.REPLIES,
        NotificationTopic.EVENTS,
    ]


def test_an_unknown_topic_is_refused_and_nothing_changes(client, login):
    member = login(make_user(locale="en"))
    response = client.post("/account/notifications", data={"by_email": ["replies", "everything"]})
    assert response.status_code == 422
    assert services.get_email_preferences(member)[NotificationTopic.REPLIES] is False


def test_the_settings_page_is_for_members_only(client):
    assert client.get("/account/notifications").status_code == 302
    assert client.post("/account/notifications", data={"by_email": ["replies"]}).status_code == 302


def test_the_settings_page_is_translated(client, login):
    login(make_user(locale="pt"))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'lang="pt' in page
