"""Moderators' decisions about members: who may take them, what changes, the audit entry, what the member is told."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.accounts.models import Role, User
from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forum.models import Category
from community.moderation import members
from community.moderation.models import ModeratorScope
from community.notifications.models import Notification, NotificationKind
from community.types import utcnow
from tests.factories import PASSWORD, make_admin, make_moderator, make_user

pytestmark = pytest.mark.usefixtures("app")


def in_days(days: float):
    return utcnow() + timedelta(days=days)


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def entries_about(member: User) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.target_user_id == member.id)
                                   .order_by(AuditEntry.id)))  # fmt: skip


def count_entries() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def notifications_of(member: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == member.id)))


def run(action: str, moderator: User, member: User):
    """Carry out `action` with valid input."""
    if action == "warn":
        return members.warn_member(moderator, member, "Please keep to the topic.")
    if action == "silence":
        return members.silence_member(moderator, member, in_days(7), "Repeated advertising.")
    if action == "lift_silence":
        return members.lift_silence(moderator, member)
    if action == "suspend":
        return members.suspend_member(moderator, member, in_days(30), "Harassment of other members.")
    if action == "lift_suspension":
        return members.lift_suspension(moderator, member)
    if action == "approve":
        return members.approve_member(moderator, member)
    raise AssertionError(action)


def sanctioned(**overrides) -> User:
    """A member who is both silenced and suspended, so that every action, lifting included, applies."""
    return make_user(silenced_until=in_days(3), suspended_until=in_days(3), suspension_reason="Spam",
                     is_approved=False, **overrides)  # fmt: skip


ACTIONS = ["warn", "silence", "lift_silence", "suspend", "lift_suspension", "approve"]


# Each action: the change, its audit entry, what the member is told


def test_a_warning_is_a_private_notice_in_the_members_notifications_and_mailbox(outbox):
    moderator, member = make_moderator(), make_user(locale="pt", email="rosa@example.org")

    entry = members.warn_member(moderator, member, "  Please keep to the topic.  ")

    assert (entry.action, entry.actor_id, entry.target_user_id) == (AuditAction.WARN, moderator.id, member.id)
    assert (entry.target_kind, entry.target_id, entry.reason) == ("member", member.id, "Please keep to the topic.")
    [notification] = notifications_of(member)
    assert notification.kind is NotificationKind.MODERATION_DECISION
    assert (notification.target_type, notification.target_id) == ("moderation_notice", entry.id)
    assert notification.actor_id is None  # moderators act as "the moderators"
    assert db.session.scalar(select(func.count(Notification.id))) == 1  # no one else hears of it
    mail = outbox.last
    assert (mail.recipient, mail.template, mail.locale) == ("rosa@example.org", "moderation/email/member_warned", "pt")
    assert "Please keep to the topic." in mail.text_body
    assert f"/account/notices/{entry.id}" in mail.text_body


def test_silencing_makes_the_member_read_only_until_the_end_date(outbox):
    moderator, member = make_moderator(), make_user(locale="en", timezone="America/Lima")
    until = in_days(7)

    entry = members.silence_member(moderator, member, until, "Repeated advertising.")

    member = reload(member)
    assert member.silenced_until == until and member.is_silenced and member.is_active
    assert (entry.action, entry.reason, entry.details["until"]) == (AuditAction.SILENCE, "Repeated advertising.",
                                                                     until.isoformat())  # fmt: skip
    assert notifications_of(member)[0].target_id == entry.id
    assert outbox.last.template == "moderation/email/member_silenced"
    assert accounts.format_until(until, "America/Lima", "en") in outbox.last.text_body
    assert "Repeated advertising." in outbox.last.text_body


def test_silencing_again_replaces_the_end_date():
    moderator, member = make_moderator(), make_user()
    members.silence_member(moderator, member, in_days(7))
    shorter = in_days(1)

    entry = members.silence_member(moderator, member, shorter)

    assert reload(member).silenced_until == shorter
    assert entry.details["previous_until"] is not None
    assert [e.action for e in entries_about(member)] == [AuditAction.SILENCE, AuditAction.SILENCE]


def test_lifting_a_silence_lets_the_member_write_again(outbox):
    moderator, member = make_moderator(), make_user(silenced_until=in_days(3))

    entry = members.lift_silence(moderator, member, "Apology accepted.")

    member = reload(member)
    assert member.silenced_until is None and not member.is_silenced
    assert (entry.action, entry.reason) == (AuditAction.UNSILENCE, "Apology accepted.")
    assert outbox.last.template == "moderation/email/member_unsilenced"
    assert notifications_of(member)[0].target_id == entry.id


def test_suspending_sets_the_end_and_the_reason_and_ends_every_session(outbox):
    moderator, member = make_moderator(), make_user(locale="en")
    token = member.session_token
    until = in_days(30)

    entry = members.suspend_member(moderator, member, until, "Harassment of other members.")

    member = reload(member)
    assert (member.suspended_until, member.suspension_reason) == (until, "Harassment of other members.")
    assert member.is_suspended and not member.is_active
    assert member.session_token != token  # remember-me cookies carry the old one
    assert (entry.action, entry.details["until"]) == (AuditAction.SUSPEND, until.isoformat())
    assert outbox.last.template == "moderation/email/member_suspended"
    assert "Harassment of other members." in outbox.last.text_body


def test_lifting_a_suspension_lets_the_member_log_in_again(outbox):
    moderator = make_moderator()
    member = make_user(suspended_until=in_days(3), suspension_reason="Spam")

    entry = members.lift_suspension(moderator, member)

    member = reload(member)
    assert member.suspended_until is None and member.suspension_reason == "" and member.is_active
    assert entry.action is AuditAction.UNSUSPEND
    assert outbox.last.template == "moderation/email/member_unsuspended"
    assert accounts.authenticate(member.email, PASSWORD) == member


def test_approving_a_pending_member_is_audited_and_welcomes_them(outbox):
    moderator, member = make_moderator(), make_user(is_approved=False)

    entry = members.approve_member(moderator, member)

    assert reload(member).is_approved
    assert (entry.action, entry.actor_id, entry.target_user_id) == (AuditAction.APPROVE_MEMBER, moderator.id,
                                                                     member.id)  # fmt: skip
    assert outbox.last.template == "accounts/email/approved"


def test_approving_twice_is_refused_and_not_audited_again():
    moderator, member = make_moderator(), make_user(is_approved=False)
    members.approve_member(moderator, member)

    with pytest.raises(ActionRefused) as refusal:
        members.approve_member(moderator, member)

    assert refusal.value.field is None  # a stale action: 409
    assert len(entries_about(member)) == 1


# Who may act on whom


@pytest.mark.parametrize(
    ("actor_role", "target_role", "allowed"),
    [
        ("moderator", "member", True),
        ("admin", "member", True),
        ("admin", "moderator", True),
        ("moderator", "moderator", False),
        ("moderator", "admin", False),
        ("admin", "admin", False),
        ("member", "member", False),
    ],
)
@pytest.mark.parametrize("action", ACTIONS)
def test_only_a_higher_role_acts_on_a_member(outbox, actor_role, target_role, allowed, action):
    actor, target = make_user(role=Role(actor_role)), sanctioned(role=Role(target_role))

    if allowed:
        run(action, actor, target)
        assert len(entries_about(target)) == 1
    else:
        with pytest.raises(PermissionDenied):
            run(action, actor, target)
        db.session.rollback()
        assert entries_about(target) == [] and len(outbox) == 0
        assert reload(target).silenced_until is not None and not reload(target).is_approved


@pytest.mark.parametrize("action", ACTIONS)
def test_nobody_acts_on_themselves(action):
    admin = make_admin(silenced_until=in_days(3), suspended_until=in_days(3), is_approved=False)

    with pytest.raises(PermissionDenied):
        run(action, admin, admin)
    assert count_entries() == 0


@pytest.mark.parametrize("action", ACTIONS)
def test_a_country_coordinator_acts_only_on_members_of_their_countries(action):
    coordinator = make_moderator()
    db.session.add(ModeratorScope(user_id=coordinator.id, country="MX"))
    db.session.commit()
    in_brazil, in_mexico = sanctioned(country="BR"), sanctioned(country="MX")

    with pytest.raises(PermissionDenied):
        run(action, coordinator, in_brazil)
    db.session.rollback()
    run(action, coordinator, in_mexico)

    assert entries_about(in_brazil) == [] and len(entries_about(in_mexico)) == 1


def test_a_coordinator_of_categories_only_does_not_act_on_members():
    coordinator = make_moderator()
    category = Category(slug="patentes", name_en="Patents", position=1)
    db.session.add(category)
    db.session.flush()
    db.session.add(ModeratorScope(user_id=coordinator.id, category_id=category.id))
    db.session.commit()

    assert not members.can_act_on(coordinator, make_user(country="MX"))
    with pytest.raises(PermissionDenied):
        members.silence_member(coordinator, make_user(country="MX"), in_days(1))


# Bad input and stale actions: nothing changes, nothing is written


@pytest.mark.parametrize("action", ["silence", "suspend"])
@pytest.mark.parametrize("until", [timedelta(days=-1), timedelta(seconds=-1), timedelta(0)])
def test_an_end_date_in_the_past_is_refused(outbox, action, until):
    moderator, member = make_moderator(), make_user()
    service = members.silence_member if action == "silence" else members.suspend_member

    with pytest.raises(ActionRefused) as refusal:
        service(moderator, member, utcnow() + until, "Spam")

    assert refusal.value.field == "until"  # shown beside the field: 422
    member = reload(member)
    assert member.silenced_until is None and member.suspended_until is None
    assert count_entries() == 0 and len(outbox) == 0


@pytest.mark.parametrize("action", ["lift_silence", "lift_suspension"])
@pytest.mark.parametrize("state", ["never", "expired"])
def test_lifting_what_is_not_in_force_is_refused(outbox, action, state):
    moderator = make_moderator()
    past = in_days(-1) if state == "expired" else None
    member = make_user(silenced_until=past, suspended_until=past)

    with pytest.raises(ActionRefused) as refusal:
        run(action, moderator, member)

    assert refusal.value.field is None  # a stale action: 409
    assert count_entries() == 0 and len(outbox) == 0 and notifications_of(member) == []


def test_lifting_a_silence_leaves_a_suspension_alone_and_the_other_way_round():
    moderator = make_moderator()
    silenced = make_user(silenced_until=in_days(3))
    suspended = make_user(suspended_until=in_days(3), suspension_reason="Spam")

    with pytest.raises(ActionRefused):
        members.lift_suspension(moderator, silenced)
    with pytest.raises(ActionRefused):
        members.lift_silence(moderator, suspended)  # suspended members are read-only, but not silenced


@pytest.mark.parametrize(
    ("action", "reason"),
    [("warn", ""), ("warn", "   "), ("warn", "x" * 2001), ("suspend", ""), ("suspend", "x" * 501)],
)
def test_warnings_and_suspensions_need_a_reason(outbox, action, reason):
    moderator, member = make_moderator(), make_user()

    with pytest.raises(ActionRefused) as refusal:
        if action == "warn":
            members.warn_member(moderator, member, reason)
        else:
            members.suspend_member(moderator, member, in_days(1), reason)

    assert refusal.value.field == "reason"
    assert count_entries() == 0 and len(outbox) == 0 and not reload(member).is_suspended


def test_a_deleted_account_is_not_acted_on(outbox):
    moderator, member = make_moderator(), make_user()
    member.deleted_at = utcnow()
    db.session.commit()

    with pytest.raises(ActionRefused):
        members.warn_member(moderator, member, "Too late")
    assert count_entries() == 0 and len(outbox) == 0


def test_a_failed_action_leaves_no_entry_behind(monkeypatch):
    """The entry is only flushed: if telling the member fails, neither the change nor the entry is saved."""
    moderator, member = make_moderator(), make_user()

    def broken(*_args, **_kwargs):
        raise RuntimeError("mail down")

    monkeypatch.setattr(members, "queue_email", broken)
    with pytest.raises(RuntimeError):
        members.silence_member(moderator, member, in_days(1))
    db.session.rollback()

    assert reload(member).silenced_until is None and count_entries() == 0


# Reading


def test_the_history_lists_entries_about_the_member_newest_first():
    moderator, member, other = make_moderator(), make_user(), make_user()
    first = members.warn_member(moderator, member, "First")
    members.warn_member(moderator, other, "Someone else")
    second = members.silence_member(moderator, member, in_days(1))

    history = members.list_history(member, page=1)

    assert [entry.id for entry in history.items] == [second.id, first.id]


def test_a_member_reads_only_their_own_notices():
    moderator, member, other = make_moderator(), make_user(), make_user()
    notice = members.warn_member(moderator, member, "Please keep to the topic.")

    assert members.get_notice(member, notice.id) == notice
    assert members.get_notice(other, notice.id) is None


def test_a_coordinator_sees_the_pending_members_of_their_countries():
    coordinator, moderator = make_moderator(), make_moderator()
    db.session.add(ModeratorScope(user_id=coordinator.id, country="MX"))
    db.session.commit()
    mexican, brazilian = make_user(country="MX", is_approved=False), make_user(country="BR", is_approved=False)

    assert members.list_pending_members(coordinator, page=1).items == [mexican]
    assert members.list_pending_members(moderator, page=1).items == [mexican, brazilian]
