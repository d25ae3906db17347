"""A member's moderation page and its forms, members' notices, and the members waiting for approval.

Pages are asked for in English and members read English, so assertions read the source strings.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.audit.models import AuditAction, AuditEntry
from community.extensions import db
from community.moderation import members
from community.moderation.models import ModeratorScope
from community.notifications.models import Notification
from community.types import utcnow
from tests.factories import make_admin, make_moderator, make_user


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def entries(action: AuditAction | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def in_days(days: float):
    return utcnow() + timedelta(days=days)


def moderator(**overrides) -> User:
    overrides.setdefault("timezone", "America/Mexico_City")
    return make_moderator(locale="en", **overrides)


def member(**overrides) -> User:
    overrides.setdefault("locale", "en")
    return make_user(display_name="Mara Member", **overrides)


# Who sees the page


def test_visitors_are_asked_to_log_in(client):
    target = member()

    response = client.get(f"/moderation/members/{target.id}")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_members_may_not_see_it_or_act(client, login, outbox):
    target = member()
    login(make_user(locale="en"))

    for response in (
        client.get(f"/moderation/members/{target.id}"),
        client.get("/moderation/members/999"),  # no telling which ids exist
        client.post(f"/moderation/members/{target.id}/warn", data={"warn-reason": "Hello"}),
        client.post(f"/moderation/members/{target.id}/silence", data={"silence-duration": "7"}),
    ):
        assert response.status_code == 403
        assert "Access denied" in page_text(response)
    assert entries() == [] and len(outbox) == 0


def test_an_unknown_or_deleted_member_is_not_found(client, login):
    gone = member(deleted_at=utcnow())
    login(moderator())

    assert client.get("/moderation/members/999").status_code == 404
    assert client.get(f"/moderation/members/{gone.id}").status_code == 404
    assert client.post(f"/moderation/members/{gone.id}/warn", data={"warn-reason": "x"}).status_code == 404


def test_the_page_shows_the_members_state_and_the_forms(client, login):
    target = member(silenced_until=in_days(2), suspended_until=in_days(5), suspension_reason="Spam <b>links</b>")
    login(moderator())

    page = page_text(client.get(f"/moderation/members/{target.id}"))

    assert "Moderation of Mara Member" in page and "Role: Member" in page
    assert "Read-only until" in page and "Suspended until" in page
    assert "Spam &lt;b&gt;links&lt;/b&gt;" in page  # the moderator's text stays inert
    for action in ("warn", "silence", "lift-silence", "suspend", "lift-suspension"):
        assert f'action="/moderation/members/{target.id}/{action}"' in page


def test_lifting_forms_appear_only_when_there_is_something_to_lift(client, login):
    target = member()
    login(moderator())

    page = page_text(client.get(f"/moderation/members/{target.id}"))

    assert "Not read-only." in page and "Not suspended." in page
    assert "lift-silence" not in page and "lift-suspension" not in page


@pytest.mark.parametrize(
    ("viewer", "target", "explanation"),
    [
        ("moderator", "moderator", "You cannot act on this member"),
        ("moderator", "admin", "You cannot act on this member"),
        ("self", None, "You cannot act on your own account."),
    ],
)
def test_a_moderator_sees_no_forms_for_an_equal_or_higher_role_or_themselves(client, login, viewer, target,
                                                                              explanation):  # fmt: skip
    me = login(moderator())
    shown = me if target is None else {"moderator": make_moderator, "admin": make_admin}[target]()

    page = page_text(client.get(f"/moderation/members/{shown.id}"))

    assert explanation in page and "/warn" not in page


# The actions, through their forms


def test_a_moderator_warns_a_member(client, login, outbox):
    target = member(email="mara@example.org")
    login(moderator())

    response = client.post(f"/moderation/members/{target.id}/warn", data={"warn-reason": "Please keep to the topic."},
                           follow_redirects=True)  # fmt: skip

    assert "Mara Member has been warned." in page_text(response)
    [entry] = entries(AuditAction.WARN)
    assert entry.reason == "Please keep to the topic." and entry.target_user_id == target.id
    assert outbox.last.recipient == "mara@example.org"
    history = page_text(response).split("Moderation history", 1)[1]
    assert "Warned a member" in history and "Please keep to the topic." in history


@pytest.mark.parametrize("days", ["1", "7", "30"])
def test_quick_choices_silence_for_a_number_of_days(client, login, days):
    target = member()
    login(moderator())
    before = utcnow()

    response = client.post(f"/moderation/members/{target.id}/silence",
                           data={"silence-duration": days, "silence-reason": "Advertising"})  # fmt: skip

    assert response.status_code == 302
    until = reload(target).silenced_until
    assert before + timedelta(days=int(days)) <= until <= utcnow() + timedelta(days=int(days))
    assert "is read-only until" in page_text(client.get(response.headers["Location"]))


def test_a_chosen_date_ends_the_period_as_that_day_begins_on_the_moderators_clock(client, login):
    target = member()
    login(moderator())  # Mexico City
    day = (utcnow() + timedelta(days=10)).date()

    response = client.post(f"/moderation/members/{target.id}/suspend",
                           data={"suspend-duration": "date", "suspend-until": day.isoformat(),
                                 "suspend-reason": "Harassment"})  # fmt: skip

    assert response.status_code == 302
    expected = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo("America/Mexico_City")).astimezone(UTC)
    target = reload(target)
    assert target.suspended_until == expected and target.suspension_reason == "Harassment"
    assert entries(AuditAction.SUSPEND)[0].reason == "Harassment"


@pytest.mark.parametrize("action", ["silence", "suspend"])
@pytest.mark.parametrize("day", [date(2020, 1, 1), "today"])
def test_an_end_date_in_the_past_is_a_form_error(client, login, outbox, action, day):
    target = member()
    login(moderator(timezone="UTC"))
    day = utcnow().date() if day == "today" else day  # today began already

    response = client.post(f"/moderation/members/{target.id}/{action}",
                           data={f"{action}-duration": "date", f"{action}-until": day.isoformat(),
                                 f"{action}-reason": "Spam"})  # fmt: skip

    assert response.status_code == 422
    assert "Please choose an end date in the future." in page_text(response)
    assert f'value="{day.isoformat()}"' in page_text(response)  # what was typed is kept
    target = reload(target)
    assert target.silenced_until is None and target.suspended_until is None
    assert entries() == [] and len(outbox) == 0


@pytest.mark.parametrize(
    ("url", "data", "error"),
    [
        ("silence", {"silence-duration": "date", "silence-until": ""}, "Please choose a date."),
        ("silence", {"silence-duration": "date", "silence-until": "not a date"}, "Not a valid date value."),
        ("silence", {"silence-duration": "365"}, "Not a valid choice"),
        ("suspend", {"suspend-duration": "7", "suspend-reason": ""}, "Please write the reason."),
        ("warn", {"warn-reason": "  "}, "Please write the reason."),
        ("suspend", {"suspend-duration": "7", "suspend-reason": "x" * 501}, "500"),
    ],
)
def test_bad_input_gets_a_form_error_and_a_422(client, login, url, data, error):
    target = member()
    login(moderator())

    response = client.post(f"/moderation/members/{target.id}/{url}", data=data)

    assert response.status_code == 422
    assert error in page_text(response)
    assert entries() == []


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ({"silenced_until": in_days(2)}, "lift-silence", "Mara Member can write again."),
        ({"suspended_until": in_days(2), "suspension_reason": "Spam"}, "lift-suspension",
         "Mara Member can log in again."),
    ],
)
def test_a_moderator_lifts_a_silence_or_a_suspension(client, login, outbox, state, action, message):
    target = member(**state)
    login(moderator())
    prefix = "unsilence" if action == "lift-silence" else "unsuspend"

    response = client.post(f"/moderation/members/{target.id}/{action}", data={f"{prefix}-reason": "Apologised"},
                           follow_redirects=True)  # fmt: skip

    assert message in page_text(response)
    target = reload(target)
    assert target.silenced_until is None and target.suspended_until is None
    assert entries()[0].action in (AuditAction.UNSILENCE, AuditAction.UNSUSPEND)
    assert entries()[0].reason == "Apologised"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("lift-silence", "This member is not read-only at the moment."),
        ("lift-suspension", "This member is not suspended at the moment."),
    ],
)
def test_lifting_what_is_not_in_force_is_a_409(client, login, outbox, action, message):
    target = member()
    login(moderator())

    response = client.post(f"/moderation/members/{target.id}/{action}")

    assert response.status_code == 409
    assert message in page_text(response)
    assert entries() == [] and len(outbox) == 0


def test_a_double_submit_of_a_lift_is_a_409_the_second_time(client, login):
    target = member(silenced_until=in_days(2))
    login(moderator())

    assert client.post(f"/moderation/members/{target.id}/lift-silence").status_code == 302
    assert client.post(f"/moderation/members/{target.id}/lift-silence").status_code == 409
    assert len(entries(AuditAction.UNSILENCE)) == 1


ACTION_POSTS = [
    ("warn", {"warn-reason": "Hello"}),
    ("silence", {"silence-duration": "7"}),
    ("lift-silence", {}),
    ("suspend", {"suspend-duration": "7", "suspend-reason": "Spam"}),
    ("lift-suspension", {}),
]


@pytest.mark.parametrize(("action", "data"), ACTION_POSTS, ids=[a for a, _ in ACTION_POSTS])
@pytest.mark.parametrize("target_kind", ["moderator", "admin", "self"])
def test_a_moderator_cannot_act_on_an_equal_or_higher_role_or_themselves(client, login, outbox, action, data,
                                                                         target_kind):  # fmt: skip
    me = login(moderator(silenced_until=in_days(2)))
    sanctions = {"silenced_until": in_days(2), "suspended_until": in_days(2), "suspension_reason": "Spam"}
    target = me if target_kind == "self" else {"moderator": make_moderator, "admin": make_admin}[target_kind](
        **sanctions)

    response = client.post(f"/moderation/members/{target.id}/{action}", data=data)

    assert response.status_code == 403
    assert entries() == [] and len(outbox) == 0


@pytest.mark.parametrize(("action", "data"), ACTION_POSTS, ids=[a for a, _ in ACTION_POSTS])
def test_an_admin_acts_on_a_moderator(client, login, action, data):
    target = make_moderator(silenced_until=in_days(2), suspended_until=in_days(2), suspension_reason="Spam")
    login(make_admin(locale="en"))

    response = client.post(f"/moderation/members/{target.id}/{action}", data=data)

    assert response.status_code == 302
    assert len(entries()) == 1


def test_a_coordinator_for_mexico_cannot_silence_a_member_in_brazil(client, login):
    coordinator = moderator()
    db.session.add(ModeratorScope(user_id=coordinator.id, country="MX"))
    db.session.commit()
    in_brazil, in_mexico = member(country="BR"), member(country="MX")
    login(coordinator)

    refused = client.post(f"/moderation/members/{in_brazil.id}/silence", data={"silence-duration": "7"})
    allowed = client.post(f"/moderation/members/{in_mexico.id}/silence", data={"silence-duration": "7"})

    assert refused.status_code == 403 and allowed.status_code == 302
    assert not reload(in_brazil).is_silenced and reload(in_mexico).is_silenced
    assert "You cannot act on this member" in page_text(client.get(f"/moderation/members/{in_brazil.id}"))


class TestForgedForms:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_an_action_without_the_csrf_token_is_refused(self, client, login):
        target = member()
        login(moderator())

        response = client.post(f"/moderation/members/{target.id}/silence", data={"silence-duration": "7"})

        assert response.status_code == 400
        assert not reload(target).is_silenced and entries() == []


# The history: paginated, a constant number of queries


def _history(target: User, actor: User, size: int) -> None:
    for number in range(size):
        db.session.add(AuditEntry(
            actor_id=actor.id if number % 2 else None, action=AuditAction.WARN, target_kind="member",
            target_id=target.id, target_user_id=target.id, reason=f"Notice {number}",
            created_at=utcnow() - timedelta(minutes=size - number),
        ))  # fmt: skip
    db.session.commit()


def test_the_history_is_newest_first_and_paginated(client, login):
    target, me = member(), moderator()
    _history(target, me, 25)
    login(me)

    first = page_text(client.get(f"/moderation/members/{target.id}"))
    second = page_text(client.get(f"/moderation/members/{target.id}?page=2"))

    assert first.index("Notice 24") < first.index("Notice 23") and "Notice 4" not in first
    assert "Notice 4" in second and "Notice 0" in second
    assert "By the system" in first
    assert client.get(f"/moderation/members/{target.id}?page=3").status_code == 404
    assert client.get(f"/moderation/members/{target.id}?page=0").status_code == 404


def test_the_member_page_runs_the_same_number_of_queries_for_3_and_60_entries(client, login, count_queries):
    me = login(moderator())
    counts = []
    for size in (3, 60):
        target = member()
        _history(target, make_moderator(), size)
        client.get(f"/moderation/members/{target.id}")
        with count_queries() as queries:
            assert client.get(f"/moderation/members/{target.id}").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]
    assert me.is_moderator and counts[0] <= 10


# The profile links to the page


def test_the_profile_offers_moderate_to_moderators_who_may_act(client, login):
    target = member()
    url = f'href="/moderation/members/{target.id}"'

    login(make_user(locale="en"))
    assert url not in page_text(client.get(f"/members/{target.id}"))
    login(moderator())
    assert url in page_text(client.get(f"/members/{target.id}"))
    other_moderator = make_moderator()
    assert f'href="/moderation/members/{other_moderator.id}"' not in page_text(
        client.get(f"/members/{other_moderator.id}"))


# The member's side: the notification leads to the notice


def test_the_member_reads_the_warning_from_their_notifications(client, login):
    target = member()
    entry = members.warn_member(moderator(), target, "Please keep <em>to the topic</em>.")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == target.id))
    login(target)

    listed = page_text(client.get("/notifications"))
    opened = client.post(f"/notifications/{notification.id}/open")

    assert "A moderator made a decision about" in listed
    assert opened.headers["Location"] == f"/account/notices/{entry.id}"
    notice = page_text(client.get(opened.headers["Location"]))
    assert "The moderators send you this warning:" in notice
    assert "Please keep &lt;em&gt;to the topic&lt;/em&gt;." in notice


def test_a_notice_is_only_for_its_member(client, login):
    entry = members.warn_member(moderator(), member(), "Private")

    login(make_user(locale="en"))
    assert client.get(f"/account/notices/{entry.id}").status_code == 404
    assert client.get("/account/notices/999").status_code == 404


def test_a_silenced_member_reads_until_when_in_the_notice(client, login):
    target = member(timezone="UTC")
    entry = members.silence_member(moderator(), target, in_days(3), "Advertising")
    login(target)

    notice = page_text(client.get(f"/account/notices/{entry.id}"))

    assert "Your account is read-only until" in notice and "Advertising" in notice


# Members waiting for approval


class TestPendingMembers:
    @pytest.fixture
    def app_config(self):
        return {"REQUIRE_APPROVAL": True}

    def test_the_navigation_and_the_dashboard_link_to_the_page(self, client, login):
        login(moderator())

        assert page_text(client.get("/")).count('href="/members/pending"') >= 1

    def test_approval_is_audited(self, client, login, outbox):
        waiting = member(is_approved=False, email="new@example.org")
        me = login(moderator())

        response = client.post(f"/members/{waiting.id}/approve", follow_redirects=True)

        assert "Mara Member can now take part in the network." in page_text(response)
        [entry] = entries(AuditAction.APPROVE_MEMBER)
        assert (entry.actor_id, entry.target_user_id) == (me.id, waiting.id)
        assert reload(waiting).is_approved and outbox.last.recipient == "new@example.org"

    def test_approving_twice_is_a_409(self, client, login):
        waiting = member(is_approved=False)
        login(moderator())
        client.post(f"/members/{waiting.id}/approve")

        response = client.post(f"/members/{waiting.id}/approve")

        assert response.status_code == 409
        assert "This member does not need approval." in page_text(response)
        assert len(entries(AuditAction.APPROVE_MEMBER)) == 1

    def test_a_coordinator_approves_only_in_their_countries(self, client, login):
        coordinator = moderator()
        db.session.add(ModeratorScope(user_id=coordinator.id, country="MX"))
        db.session.commit()
        mexican = make_user(display_name="Mexican Newcomer", country="MX", is_approved=False)
        brazilian = make_user(display_name="Brazilian Newcomer", country="BR", is_approved=False)
        login(coordinator)

        page = page_text(client.get("/members/pending"))
        assert "Mexican Newcomer" in page and "Brazilian Newcomer" not in page
        assert client.post(f"/members/{brazilian.id}/approve").status_code == 403
        assert client.post(f"/members/{mexican.id}/approve").status_code == 302
        assert not reload(brazilian).is_approved and reload(mexican).is_approved

    def test_the_pending_page_runs_the_same_number_of_queries_for_2_and_40_members(self, client, login, count_queries):
        login(moderator())
        counts = []
        for size in (2, 40):
            for _ in range(size - (2 if size == 40 else 0)):
                make_user(is_approved=False, commit=False)
            db.session.commit()
            client.get("/members/pending")
            with count_queries() as queries:
                assert client.get("/members/pending").status_code == 200
            counts.append(queries.count)
        assert counts[0] == counts[1]
        assert db.session.scalar(select(func.count(User.id)).where(User.is_approved.is_(False))) == 40
