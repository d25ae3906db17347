"""The member of each request is loaded with their navigation numbers, in one statement, ready to change."""

from sqlalchemy import select, update

from community.accounts.models import User
from community.extensions import db
from community.notifications.models import NotificationKind
from community.notifications.services import load_member_with_badges, notify
from tests.factories import make_user


def test_a_member_loaded_afresh_sees_their_page_and_numbers(client, login):
    member = make_user(display_name="Rosa Quispe", locale="en")
    notify([member], NotificationKind.NEW_REPLY, target_type="thread", target_id=1)
    db.session.commit()
    login(member)
    db.session.expunge_all()  # as in production: the request's session has not seen the member

    page = client.get("/").get_data(as_text=True)

    assert "Welcome, Rosa Quispe" in page
    assert "Notifications: 1 unread" in page


def test_a_member_loaded_afresh_can_be_changed_by_the_request(client, login):
    member_id = login(make_user(locale="en")).id
    db.session.commit()
    db.session.expunge_all()

    assert client.post("/language", data={"locale": "pt"}).status_code == 302

    db.session.expunge_all()
    assert db.session.scalar(select(User.locale).where(User.id == member_id)) == "pt"


def test_a_member_the_session_holds_stays_the_same_object_refreshed_by_the_same_statement(app, count_queries):
    member = make_user(display_name="Rosa", locale="en")
    member_id = member.id
    db.session.commit()
    db.session.execute(update(User).where(User.id == member_id).values(display_name="Rosa Q."))
    db.session.expire(member)

    with count_queries() as queries:
        found, badges = load_member_with_badges(member_id)
        name = found.display_name

    assert found is member and name == "Rosa Q." and badges["notifications"] == 0
    assert queries.count == 1  # what had expired came with the member's statement
