"""Reporting: who may report what, one open report per member per item, cases, the automatic hide threshold.

Pages are asked for in English, so assertions read the source strings.
"""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from community.audit.models import AuditAction
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forum.models import Post, Thread
from community.messages import services as messages
from community.moderation.models import CaseStatus, ContentKind, ModerationCase, Report, ReportReason, Signal
from community.profiles.models import Visibility
from tests.factories import make_category, make_event, make_moderator, make_profile, make_thread
from tests.moderation.queue_support import (
    audit_entries,
    conversation_with,
    count,
    main_part,
    member,
    open_case,
    page_text,
    reply_post,
    report,
)


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


# The service


def test_a_report_opens_a_case_that_knows_the_author_their_country_and_the_category():
    category = make_category()
    thread = make_thread(category=category, author=member())
    post = reply_post(thread, author=member(country="BR"))
    reporter = member()

    filed = report(ContentKind.POST, post.id, reporter, ReportReason.OFF_TOPIC, "  Not about licensing.  ")

    case = open_case(ContentKind.POST, post.id)
    assert (case.author_id, case.country, case.category_id) == (post.author_id, "BR", category.id)
    assert case.report_count == 1 and case.status is CaseStatus.OPEN
    assert (filed.case_id, filed.reporter_id, filed.reason, filed.note) == (
        case.id, reporter.id, ReportReason.OFF_TOPIC, "Not about licensing."
    )  # fmt: skip


def test_reports_of_several_members_join_the_one_open_case_and_bring_it_up_the_queue():
    post = reply_post()
    report(ContentKind.POST, post.id)
    first_activity = open_case(ContentKind.POST, post.id).updated_at
    report(ContentKind.POST, post.id, reason=ReportReason.HARASSMENT)

    case = open_case(ContentKind.POST, post.id)
    assert count(ModerationCase) == 1 and case.report_count == 2
    assert case.updated_at >= first_activity


def test_a_member_reports_an_item_once_while_its_case_is_open():
    post = reply_post()
    reporter = member()
    report(ContentKind.POST, post.id, reporter)
    with pytest.raises(ActionRefused) as refusal:
        report(ContentKind.POST, post.id, reporter, ReportReason.OTHER)
    with force_locale("en"):
        assert str(refusal.value.reason) == "You have already reported this. Moderators will look at it."
    assert count(Report) == 1 and open_case(ContentKind.POST, post.id).report_count == 1


def test_once_the_case_is_closed_the_same_member_may_report_again_in_a_new_case():
    post = reply_post()
    reporter = member()
    report(ContentKind.POST, post.id, reporter)
    case = open_case(ContentKind.POST, post.id)
    case.status = CaseStatus.CLOSED
    db.session.commit()

    report(ContentKind.POST, post.id, reporter)
    assert count(ModerationCase) == 2 and open_case(ContentKind.POST, post.id).id != case.id


def test_members_cannot_report_their_own_content():
    post = reply_post()
    with pytest.raises(PermissionDenied):
        report(ContentKind.POST, post.id, post.author)
    assert count(Report) == 0


@pytest.mark.parametrize("state", ["is_hidden", "awaiting_review", "deleted"])
def test_content_members_cannot_see_cannot_be_reported(state):
    post = reply_post()
    if state == "deleted":
        post.deleted_at = post.created_at
    else:
        setattr(post, state, True)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        report(ContentKind.POST, post.id)
    assert count(ModerationCase) == 0


def test_reporting_the_opening_post_reports_the_thread():
    thread = make_thread(author=member())
    report(ContentKind.POST, thread.first_post.id)
    assert open_case(ContentKind.THREAD, thread.id).report_count == 1
    assert open_case(ContentKind.POST, thread.first_post.id) is None


def test_a_message_is_reported_only_by_a_participant_who_can_read_it():
    sender, recipient, outsider = member(), member(), member()
    first, _answer = conversation_with(sender, recipient, "Hello", "Buy my course")
    with pytest.raises(PermissionDenied):
        report(ContentKind.MESSAGE, first.id, outsider)
    report(ContentKind.MESSAGE, first.id, recipient)
    case = open_case(ContentKind.MESSAGE, first.id)
    assert case.author_id == sender.id


def test_a_member_who_left_a_group_cannot_report_what_was_written_after():
    sender, leaver, third = member(), member(), member()
    conversation = messages.start_conversation(sender, [leaver, third], "Group", "Hello all")
    messages.leave_conversation(leaver, messages.get_participation(leaver, conversation.id))
    later = messages.reply(sender, conversation, "Written after she left")
    with pytest.raises(PermissionDenied):
        report(ContentKind.MESSAGE, later.id, leaver)


def test_a_profile_is_reported_by_its_member_id_when_the_reporter_sees_it():
    profile = make_profile(member(country="CL"), bio="Spam spam", visibility=Visibility.MEMBERS)
    report(ContentKind.PROFILE, profile.user_id)
    case = open_case(ContentKind.PROFILE, profile.user_id)
    assert (case.author_id, case.country) == (profile.user_id, "CL")


def test_an_event_case_takes_the_events_country_or_else_the_organizers():
    abroad = make_event(organizer=member(country="MX"), country="AR")
    online = make_event(organizer=member(country="PE"), country=None)
    report(ContentKind.EVENT, abroad.id)
    report(ContentKind.EVENT, online.id)
    assert open_case(ContentKind.EVENT, abroad.id).country == "AR"
    assert open_case(ContentKind.EVENT, online.id).country == "PE"


def test_a_note_longer_than_1000_characters_is_refused():
    post = reply_post()
    with pytest.raises(ActionRefused) as refusal:
        report(ContentKind.POST, post.id, note="x" * 1001)
    assert refusal.value.field == "note" and count(Report) == 0


# The automatic hide threshold (MODERATION_AUTO_HIDE_REPORTS = 3)


def _make(kind: ContentKind):
    if kind is ContentKind.POST:
        post = reply_post()
        return post.id, lambda: db.session.get(Post, post.id)
    if kind is ContentKind.THREAD:
        thread = make_thread(author=member())
        return thread.id, lambda: db.session.get(Thread, thread.id)
    event = make_event(organizer=member())
    return event.id, lambda: db.session.get(type(event), event.id)


@pytest.mark.parametrize("kind", [ContentKind.POST, ContentKind.THREAD, ContentKind.EVENT])
def test_the_third_distinct_member_to_report_hides_the_item_until_a_moderator_decides(kind):
    target_id, load = _make(kind)
    report(kind, target_id)
    report(kind, target_id)
    db.session.expire_all()
    assert not load().is_hidden
    assert audit_entries(AuditAction.AUTO_HIDE) == []

    report(kind, target_id)

    db.session.expire_all()
    assert load().is_hidden
    case = open_case(kind, target_id)
    assert case.is_auto_hidden and case.signal is Signal.REPORT_THRESHOLD and case.status is CaseStatus.OPEN
    (entry,) = audit_entries(AuditAction.AUTO_HIDE)
    assert entry.actor_id is None and (entry.target_kind, entry.target_id) == (kind.value, target_id)
    assert entry.target_user_id == case.author_id


def test_a_repeated_report_by_one_member_never_counts_towards_the_threshold():
    post = reply_post()
    reporter = member()
    report(ContentKind.POST, post.id, reporter)
    for _attempt in range(3):
        with pytest.raises(ActionRefused):
            report(ContentKind.POST, post.id, reporter)
    report(ContentKind.POST, post.id)
    db.session.expire_all()
    assert not db.session.get(Post, post.id).is_hidden


@pytest.mark.parametrize("app_config", [{"MODERATION_AUTO_HIDE_REPORTS": 2}])
def test_the_threshold_is_configurable(app_config):
    post = reply_post()
    report(ContentKind.POST, post.id)
    report(ContentKind.POST, post.id)
    db.session.expire_all()
    assert db.session.get(Post, post.id).is_hidden


def test_profiles_and_messages_are_never_hidden_automatically():
    profile = make_profile(member(), bio="Spam")
    for _number in range(4):
        report(ContentKind.PROFILE, profile.user_id)
    assert open_case(ContentKind.PROFILE, profile.user_id).report_count == 4
    assert audit_entries(AuditAction.AUTO_HIDE) == []


# The report page


def test_visitors_are_asked_to_log_in_to_report(client):
    post = reply_post()
    response = client.get(f"/report/post/{post.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_reporting_through_the_page_works_without_javascript(client, login):
    post = reply_post()
    login(member())
    form = client.get(f"/report/post/{post.id}")
    assert form.status_code == 200
    text = main_part(form)
    assert 'type="radio"' in text and "Spam or advertising" in text and "Confidential information" in text

    response = client.post(f"/report/post/{post.id}", data={"reason": "spam", "note": "Sells pills"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/forum/posts/{post.id}")
    assert "Thank you. The moderators will look at your report." in page_text(client.get(f"/forum/posts/{post.id}",
                                                                                          follow_redirects=True))
    (saved,) = db.session.scalars(select(Report))
    assert (saved.reason, saved.note) == (ReportReason.SPAM, "Sells pills")


def test_reporting_twice_through_the_page_answers_409_with_the_reason(client, login):
    post = reply_post()
    login(member())
    client.post(f"/report/post/{post.id}", data={"reason": "spam"})
    response = client.post(f"/report/post/{post.id}", data={"reason": "other"})
    assert response.status_code == 409
    assert "You have already reported this. Moderators will look at it." in main_part(response)
    assert count(Report) == 1


def test_the_report_page_refuses_bad_input_with_the_form_errors(client, login):
    post = reply_post()
    login(member())
    missing = client.post(f"/report/post/{post.id}", data={"note": "no reason"})
    too_long = client.post(f"/report/post/{post.id}", data={"reason": "spam", "note": "x" * 1001})
    unknown = client.post(f"/report/post/{post.id}", data={"reason": "boredom"})
    assert (missing.status_code, too_long.status_code, unknown.status_code) == (422, 422, 422)
    assert "Please choose a reason." in main_part(missing)
    assert "at most 1000 characters" in main_part(too_long)
    assert count(Report) == 0


def test_the_report_page_is_404_for_what_does_not_exist_or_cannot_be_seen(client, login):
    hidden = reply_post()
    hidden.is_hidden = True
    db.session.commit()
    sender, recipient = member(), member()
    (message,) = conversation_with(sender, recipient, "Private words")
    login(member())
    for path in ("/report/post/999", "/report/banana/1", f"/report/post/{hidden.id}", f"/report/message/{message.id}",
                 "/report/profile/999", "/report/event/999"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_report_page_is_403_for_ones_own_content(client, login):
    post = reply_post()
    login(post.author)
    assert client.get(f"/report/post/{post.id}").status_code == 403
    assert client.post(f"/report/post/{post.id}", data={"reason": "spam"}).status_code == 403
    assert count(Report) == 0


# The "Report" links


def test_forum_posts_offer_report_to_other_members_but_not_to_the_author_or_visitors(client, login):
    thread = make_thread(author=member())
    post = reply_post(thread)
    page = f"/forum/t/{thread.id}"
    assert "report-link" not in page_text(client.get(page))
    login(post.author)
    text = page_text(client.get(page))
    assert f'href="/report/thread/{thread.id}"' in text  # the opening post reports the thread
    assert f'href="/report/post/{post.id}"' not in text
    login(member())
    text = page_text(client.get(page))
    assert f'href="/report/thread/{thread.id}"' in text and f'href="/report/post/{post.id}"' in text


def test_events_profiles_and_messages_offer_report_to_others(client, login):
    event = make_event(organizer=member())
    profile = make_profile(member(), bio="Bio")
    sender, recipient = member(), member()
    (message,) = conversation_with(sender, recipient, "Hello there")

    login(event.organizer)
    assert "/report/event/" not in page_text(client.get(f"/events/{event.id}"))
    login(profile.user)
    assert "/report/profile/" not in page_text(client.get(f"/members/{profile.user_id}"))
    login(sender)
    assert "/report/message/" not in page_text(client.get(f"/messages/{message.conversation_id}"))

    login(recipient)
    assert f'href="/report/event/{event.id}"' in page_text(client.get(f"/events/{event.id}"))
    assert f'href="/report/profile/{profile.user_id}"' in page_text(client.get(f"/members/{profile.user_id}"))
    assert f'href="/report/message/{message.id}"' in page_text(client.get(f"/messages/{message.conversation_id}"))


def test_moderators_may_report_too_but_see_their_own_buttons(client, login):
    post = reply_post()
    login(make_moderator())
    text = page_text(client.get(f"/forum/t/{post.thread_id}"))
    assert f'href="/report/post/{post.id}"' in text
    assert f'action="/moderation/posts/{post.id}/hide"' in text
