"""Moderators' actions on content: each changes what members see, writes its audit entry, settles its case.

Refusals (stale case, double submit, out of scope, higher role) change nothing and write no entry.
"""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.events.models import Event
from community.extensions import db
from community.forum.models import Category, Post, PostRevision, Thread
from community.moderation import actions
from community.moderation.actions import Decision
from community.moderation.models import CannedReply, CaseStatus, ContentKind, ModerationCase, ModeratorScope, Report
from community.moderation.reports import find_item, open_case_for
from community.notifications.models import Notification, NotificationKind
from tests.factories import make_admin, make_category, make_event, make_moderator, make_thread
from tests.moderation.queue_support import audit_entries, count, member, open_case, reply_post, report

pytestmark = pytest.mark.usefixtures("app")


def item(kind: ContentKind, target_id: int):
    db.session.expire_all()
    return find_item(kind, target_id)


def the_only_entry(action: AuditAction) -> AuditEntry:
    entries = audit_entries()
    assert [entry.action for entry in entries] == [action]
    return entries[0]


def reported_post(reporters: int = 1):
    post = reply_post()
    for _number in range(reporters):
        report(ContentKind.POST, post.id)
    return post


def held(obj, kind: ContentKind):
    """Mark content as waiting for review, with its case in the queue (as screening does)."""
    obj.awaiting_review = True
    if isinstance(obj, Post) and obj.number == 1:
        obj.thread.awaiting_review = True
    db.session.flush()
    case = open_case_for(find_item(kind, obj.id))
    case.awaiting_review = True
    db.session.commit()
    return obj


# Dismiss


def test_dismissing_closes_the_case_leaves_the_content_and_tells_the_reporters():
    post = reply_post()
    first, second = member(), member()
    report(ContentKind.POST, post.id, first)
    report(ContentKind.POST, post.id, second)
    case = open_case(ContentKind.POST, post.id)
    moderator = make_moderator()

    actions.dismiss_case(moderator, case, Decision(case_id=case.id, reason="Not spam: a real offer."))

    db.session.expire_all()
    assert case.status is CaseStatus.CLOSED and case.closed_by_id == moderator.id
    assert case.resolution == AuditAction.DISMISS_REPORTS.value
    assert not db.session.get(Post, post.id).is_hidden
    entry = the_only_entry(AuditAction.DISMISS_REPORTS)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id, entry.reason) == (
        moderator.id, "post", post.id, post.author_id, "Not spam: a real offer."
    )  # fmt: skip
    told = db.session.scalars(select(Notification).where(Notification.kind == NotificationKind.MODERATION_DECISION))
    assert sorted(n.user_id for n in told) == sorted([first.id, second.id])
    assert all(report.handled_at is not None for report in db.session.scalars(select(Report)))


# Hide and restore


@pytest.mark.parametrize("kind", [ContentKind.POST, ContentKind.THREAD, ContentKind.EVENT])
def test_hiding_hides_the_item_and_settles_its_case(kind):
    if kind is ContentKind.POST:
        target_id = reply_post().id
    elif kind is ContentKind.THREAD:
        target_id = make_thread(author=member()).id
    else:
        target_id = make_event(organizer=member()).id
    report(kind, target_id)
    moderator = make_moderator()

    actions.hide(moderator, item(kind, target_id), Decision(reason="Spam"))

    hidden = item(kind, target_id)
    assert hidden.is_hidden
    entry = the_only_entry(AuditAction.HIDE)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id) == (
        moderator.id, kind.value, target_id, hidden.author_id
    )  # fmt: skip
    assert open_case(kind, target_id) is None
    assert db.session.scalar(select(ModerationCase.resolution)) == "hide"


def test_a_restore_brings_the_post_back_exactly_as_it_was():
    post = reply_post(body="Our **licensing** terms: <https://example.org/terms>")
    before = (post.body, post.body_html, post.edited_at, post.moderator_edited_at, post.number, post.thread_id)
    moderator = make_moderator()
    actions.hide(moderator, item(ContentKind.POST, post.id))

    actions.restore(moderator, item(ContentKind.POST, post.id), Decision(reason="Reviewed: fine."))

    restored = db.session.get(Post, post.id)
    assert not restored.is_hidden
    assert (restored.body, restored.body_html, restored.edited_at, restored.moderator_edited_at, restored.number,
            restored.thread_id) == before  # fmt: skip
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE, AuditAction.RESTORE]


def test_restoring_an_automatically_hidden_post_settles_its_case():
    post = reported_post(reporters=3)
    assert item(ContentKind.POST, post.id).is_hidden
    actions.restore(make_moderator(), item(ContentKind.POST, post.id))
    assert not item(ContentKind.POST, post.id).is_hidden
    assert open_case(ContentKind.POST, post.id) is None
    assert [entry.action for entry in audit_entries()] == [AuditAction.AUTO_HIDE, AuditAction.RESTORE]


def test_hiding_twice_is_refused_and_changes_nothing():
    post = reply_post()
    moderator = make_moderator()
    actions.hide(moderator, item(ContentKind.POST, post.id))
    with pytest.raises(ActionRefused) as refusal:
        actions.hide(moderator, item(ContentKind.POST, post.id))
    with force_locale("en"):
        assert str(refusal.value.reason) == "This is already hidden."
    assert len(audit_entries(AuditAction.HIDE)) == 1


def test_restoring_something_visible_is_refused():
    post = reply_post()
    with pytest.raises(ActionRefused):
        actions.restore(make_moderator(), item(ContentKind.POST, post.id))
    assert audit_entries() == []


def test_acting_on_a_case_already_closed_is_stale_and_changes_nothing():
    post = reported_post()
    case = open_case(ContentKind.POST, post.id)
    actions.dismiss_case(make_moderator(), case)

    with pytest.raises(ActionRefused) as refusal:
        actions.hide(make_moderator(), item(ContentKind.POST, post.id), Decision(case_id=case.id))
    with force_locale("en"):
        assert str(refusal.value.reason) == "This case has already been handled."
    with pytest.raises(ActionRefused):
        actions.dismiss_case(make_moderator(), case)
    assert not item(ContentKind.POST, post.id).is_hidden
    assert [entry.action for entry in audit_entries()] == [AuditAction.DISMISS_REPORTS]


def test_a_case_about_another_item_is_a_mismatch():
    post, other = reported_post(), reply_post()
    case = open_case(ContentKind.POST, post.id)
    with pytest.raises(actions.CaseMismatch):
        actions.hide(make_moderator(), item(ContentKind.POST, other.id), Decision(case_id=case.id))
    assert audit_entries() == []


# Held content


def test_approving_a_held_reply_publishes_it_and_sends_the_notifications_held_back():
    thread = make_thread(author=member())
    post = held(reply_post(thread), ContentKind.POST)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()
    moderator = make_moderator()

    actions.approve(moderator, item(ContentKind.POST, post.id))

    assert not item(ContentKind.POST, post.id).awaiting_review
    the_only_entry(AuditAction.APPROVE_CONTENT)
    assert open_case(ContentKind.POST, post.id) is None
    # The thread's author watches it: told of the reply now that others can read it.
    assert db.session.scalar(select(Notification.user_id).where(Notification.kind == NotificationKind.NEW_REPLY)) == (
        thread.author_id
    )


def test_approving_a_held_thread_publishes_it_with_its_opening_post():
    thread = make_thread(author=member())
    held(thread.first_post, ContentKind.POST)

    actions.approve(make_moderator(), item(ContentKind.THREAD, thread.id))

    db.session.expire_all()
    assert not db.session.get(Thread, thread.id).awaiting_review
    assert not db.session.get(Post, thread.first_post.id).awaiting_review
    assert open_case(ContentKind.POST, thread.first_post.id) is None
    the_only_entry(AuditAction.APPROVE_CONTENT)


def test_approving_a_held_event_publishes_it():
    event = held(make_event(organizer=member()), ContentKind.EVENT)
    actions.approve(make_moderator(), item(ContentKind.EVENT, event.id))
    assert not db.session.get(Event, event.id).awaiting_review
    the_only_entry(AuditAction.APPROVE_CONTENT)


def test_approving_twice_is_refused():
    post = held(reply_post(), ContentKind.POST)
    moderator = make_moderator()
    actions.approve(moderator, item(ContentKind.POST, post.id))
    with pytest.raises(ActionRefused) as refusal:
        actions.approve(moderator, item(ContentKind.POST, post.id))
    with force_locale("en"):
        assert str(refusal.value.reason) == "This is not awaiting review."
    assert len(audit_entries()) == 1


def test_rejecting_held_content_hides_it_and_keeps_it_unpublished():
    post = held(reply_post(), ContentKind.POST)
    actions.reject(make_moderator(), item(ContentKind.POST, post.id), Decision(reason="Advertising"))
    rejected = item(ContentKind.POST, post.id)
    assert rejected.is_hidden and rejected.awaiting_review
    entry = the_only_entry(AuditAction.HIDE)
    assert entry.details["rejected"] is True and entry.reason == "Advertising"
    assert open_case(ContentKind.POST, post.id) is None


# Editing a post


def test_a_moderator_edit_keeps_the_earlier_text_and_marks_the_post(client, login):
    post = reported_post()
    original = post.body
    moderator = make_moderator()

    actions.edit_post(moderator, item(ContentKind.POST, post.id), "Link removed by a moderator.")

    edited = db.session.get(Post, post.id)
    assert edited.body == "Link removed by a moderator." and edited.moderator_edited_at is not None
    assert db.session.scalar(select(PostRevision.body).where(PostRevision.post_id == post.id)) == original
    entry = the_only_entry(AuditAction.EDIT)
    assert entry.details["before"] == original and entry.target_user_id == post.author_id
    assert open_case(ContentKind.POST, post.id) is None
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "Edited by a moderator" in client.get(f"/forum/t/{post.thread_id}").get_data(as_text=True)


def test_an_unchanged_or_empty_text_is_refused_about_the_body():
    post = reply_post()
    for body in (post.body, "   "):
        with pytest.raises(ActionRefused) as refusal:
            actions.edit_post(make_moderator(), item(ContentKind.POST, post.id), body)
        assert refusal.value.field == "body"
    assert audit_entries() == [] and count(PostRevision) == 0


# Threads: lock, pin, move


@pytest.mark.parametrize(
    ("action", "change", "audited", "flag"),
    [
        ("lock", lambda m, i: actions.lock(m, i, True), AuditAction.LOCK, ("is_locked", True)),
        ("unlock", lambda m, i: actions.lock(m, i, False), AuditAction.UNLOCK, ("is_locked", False)),
        ("pin", lambda m, i: actions.pin(m, i, True), AuditAction.PIN, ("is_pinned", True)),
        ("unpin", lambda m, i: actions.pin(m, i, False), AuditAction.UNPIN, ("is_pinned", False)),
    ],
)
def test_locking_and_pinning_a_thread_is_audited(action, change, audited, flag):
    thread = make_thread(author=member(), is_locked=action == "unlock", is_pinned=action == "unpin")
    moderator = make_moderator()

    change(moderator, item(ContentKind.THREAD, thread.id))

    db.session.expire_all()
    assert getattr(db.session.get(Thread, thread.id), flag[0]) is flag[1]
    entry = the_only_entry(audited)
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (moderator.id, "thread", thread.id)
    with pytest.raises(ActionRefused):  # the same again: nothing to do
        change(moderator, item(ContentKind.THREAD, thread.id))
    assert len(audit_entries()) == 1


def test_locking_settles_the_threads_case_but_pinning_does_not():
    thread = make_thread(author=member())
    report(ContentKind.THREAD, thread.id)
    moderator = make_moderator()
    actions.pin(moderator, item(ContentKind.THREAD, thread.id))
    assert open_case(ContentKind.THREAD, thread.id) is not None
    actions.lock(moderator, item(ContentKind.THREAD, thread.id))
    assert open_case(ContentKind.THREAD, thread.id) is None


def test_moving_a_thread_keeps_both_categories_counts_right():
    source, target = make_category(), make_category()
    thread = make_thread(category=source, author=member(), replies=2)
    report(ContentKind.THREAD, thread.id, reason="off_topic")
    moderator = make_moderator()

    actions.move(moderator, item(ContentKind.THREAD, thread.id), target, Decision(reason="Belongs in licensing"))

    db.session.expire_all()
    assert db.session.get(Thread, thread.id).category_id == target.id
    source, target = db.session.get(Category, source.id), db.session.get(Category, target.id)
    assert (source.thread_count, source.post_count) == (0, 0)
    assert (target.thread_count, target.post_count) == (1, 3)
    entry = the_only_entry(AuditAction.MOVE)
    assert entry.details["from_category_id"] == source.id and entry.details["to_category_id"] == target.id
    assert open_case(ContentKind.THREAD, thread.id) is None


def test_moving_a_thread_to_its_own_category_is_refused():
    thread = make_thread(author=member())
    with pytest.raises(ActionRefused) as refusal:
        actions.move(make_moderator(), item(ContentKind.THREAD, thread.id), thread.category)
    assert refusal.value.field == "category" and audit_entries() == []


# Who may act


def test_members_may_not_act():
    post = reply_post()
    with pytest.raises(PermissionDenied):
        actions.hide(member(), item(ContentKind.POST, post.id))
    assert audit_entries() == []


def test_moderators_decide_about_members_content_admins_about_moderators_too():
    by_moderator = reply_post(author=make_moderator())
    by_admin = reply_post(author=make_admin())
    moderator, admin = make_moderator(), make_admin()
    with pytest.raises(PermissionDenied):
        actions.hide(moderator, item(ContentKind.POST, by_moderator.id))
    with pytest.raises(PermissionDenied):  # nobody decides about their own content
        actions.hide(by_admin.author, item(ContentKind.POST, by_admin.id))
    actions.hide(admin, item(ContentKind.POST, by_moderator.id))
    actions.hide(admin, item(ContentKind.POST, by_admin.id))  # another admin's
    assert [entry.actor_id for entry in audit_entries()] == [admin.id, admin.id]


def test_a_coordinator_acts_only_within_their_countries_and_categories():
    licensing = make_category()
    mexican = reply_post(author=member(country="MX"))
    brazilian = reply_post(author=member(country="BR"))
    in_licensing = reply_post(make_thread(category=licensing, author=member()), author=member(country="AR"))
    coordinator = make_moderator()
    db.session.add_all([ModeratorScope(user_id=coordinator.id, country="MX"),
                        ModeratorScope(user_id=coordinator.id, category_id=licensing.id)])  # fmt: skip
    db.session.commit()

    with pytest.raises(PermissionDenied):
        actions.hide(coordinator, item(ContentKind.POST, brazilian.id))
    actions.hide(coordinator, item(ContentKind.POST, mexican.id))
    actions.hide(coordinator, item(ContentKind.POST, in_licensing.id))
    assert [entry.target_id for entry in audit_entries()] == [mexican.id, in_licensing.id]


# Canned replies


def test_a_prepared_reply_reaches_each_reporter_and_the_author_in_their_own_language(outbox):
    reply = CannedReply(name="Spam removed", body_es="Hemos retirado el spam.", body_pt="Removemos o spam.",
                        body_en="We removed the spam.")  # fmt: skip
    db.session.add(reply)
    db.session.commit()
    author = member(locale="pt")
    post = reply_post(author=author)
    spanish, english = member(locale="es"), member(locale="en")
    report(ContentKind.POST, post.id, spanish)
    report(ContentKind.POST, post.id, english)
    case = open_case(ContentKind.POST, post.id)

    actions.hide(make_moderator(), item(ContentKind.POST, post.id),
                 Decision(case_id=case.id, reply_to_reporters=reply, reply_to_author=reply))  # fmt: skip

    assert "Hemos retirado el spam." in outbox.to(spanish.email)[0].text_body
    assert "We removed the spam." in outbox.to(english.email)[0].text_body
    assert outbox.to(english.email)[0].subject == "Your report was handled"
    assert "Removemos o spam." in outbox.to(author.email)[0].text_body
    replies = audit_entries(AuditAction.REPLY)
    assert sorted(entry.details["to"] for entry in replies) == ["author", "reporters"]
    to_reporters = next(entry for entry in replies if entry.details["to"] == "reporters")
    assert sorted(to_reporters.details["recipients"]) == sorted([spanish.id, english.id])
    to_author = next(entry for entry in replies if entry.details["to"] == "author")
    assert to_author.target_user_id == author.id
    decision = NotificationKind.MODERATION_DECISION
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == decision))
    assert sorted(told) == sorted([spanish.id, english.id, author.id])


def test_reporters_are_told_without_a_prepared_reply_too_and_no_reply_is_logged(outbox):
    post = reported_post()
    actions.hide(make_moderator(), item(ContentKind.POST, post.id))
    assert [message.subject for message in outbox] == ["Your report was handled"]
    assert audit_entries(AuditAction.REPLY) == []
