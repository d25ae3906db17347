"""The review queue and its case pages through the browser's eyes: who may see them, what an entry shows,
filters, the buttons on content pages, refusals as pages, and a constant number of queries.

Pages are asked for in English, so assertions read the source strings.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.audit.models import AuditAction
from community.audit.services import record_action
from community.extensions import db
from community.forum.models import Post, Thread
from community.moderation.models import CannedReply, CaseStatus, ContentKind, ModerationCase, ModeratorScope, Signal
from community.moderation.reports import find_item, open_case_for
from community.notifications.models import Notification
from community.types import utcnow
from tests.factories import (
    make_admin,
    make_category,
    make_event,
    make_moderator,
    make_opportunity,
    make_profile,
    make_thread,
)
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


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def moderator(**overrides):
    overrides.setdefault("locale", "en")
    return make_moderator(**overrides)


# Who may see the queue


def test_visitors_are_sent_to_log_in_and_members_are_refused(client, login):
    post = reply_post()
    report(ContentKind.POST, post.id)
    case = open_case(ContentKind.POST, post.id)
    paths = ("/moderation/", f"/moderation/cases/{case.id}", f"/moderation/posts/{post.id}/edit",
             f"/moderation/threads/{post.thread_id}/move")  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    login(member())
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/moderation/posts/{post.id}/hide").status_code == 403
    assert client.post(f"/moderation/cases/{case.id}/decide", data={"action": "dismiss"}).status_code == 403
    assert not fresh(Post, post.id).is_hidden and audit_entries() == []


def test_the_navigation_shows_moderators_the_open_cases_they_may_act_on(client, login):
    for _number in range(2):
        report(ContentKind.POST, reply_post(author=member(country="MX")).id)
    report(ContentKind.POST, reply_post(author=member(country="BR")).id)
    login(member())
    assert "moderation-link" not in page_text(client.get("/forum/"))
    login(moderator())
    assert "Moderation: 3 open cases" in page_text(client.get("/forum/"))
    coordinator = moderator()
    db.session.add(ModeratorScope(user_id=coordinator.id, country="BR"))
    db.session.commit()
    login(coordinator)
    assert "Moderation: 1 open case" in page_text(client.get("/forum/"))


# What the queue shows


def test_the_queue_lists_open_cases_most_recently_active_first(client, login):
    older, newer, closed = reply_post(), reply_post(), reply_post()
    report(ContentKind.POST, older.id)
    report(ContentKind.POST, newer.id)
    report(ContentKind.POST, closed.id)
    db.session.execute(ModerationCase.__table__.update().where(ModerationCase.target_id == older.id).values(
        updated_at=utcnow() - timedelta(hours=1)))  # fmt: skip
    open_case(ContentKind.POST, closed.id).status = CaseStatus.CLOSED
    db.session.commit()
    report(ContentKind.POST, older.id)  # a new report brings it back to the top
    login(moderator())
    text = main_part(client.get("/moderation/"))
    older_case, newer_case = open_case(ContentKind.POST, older.id), open_case(ContentKind.POST, newer.id)
    assert text.index(f'id="case-{older_case.id}"') < text.index(f'id="case-{newer_case.id}"')
    assert "2 open cases" in text and f"/forum/posts/{closed.id}" not in text


def test_an_entry_shows_the_content_its_context_the_reports_and_the_authors_history(client, login):
    category = make_category(name_en="Licensing")
    thread = make_thread(category=category, author=member(), title="Royalty rates for vaccines")
    author = member(display_name="Spammy McSpam", country="AR")
    post = reply_post(thread, author=author, body="Buy **cheap** pills")
    earlier = reply_post(thread, author=author)
    admin = make_admin()
    record_action(admin, AuditAction.WARN, target_kind="member", target_id=author.id, target_user=author,
                  reason="First warning")  # fmt: skip
    record_action(admin, AuditAction.HIDE, target_kind="post", target_id=earlier.id, target_user=author)
    db.session.commit()
    report(ContentKind.POST, post.id, member(display_name="Ana Reporter"), "spam", "Sells pills to everyone")
    report(ContentKind.POST, post.id, member(display_name="Bruno Reporter"), "harassment")
    login(moderator())

    text = main_part(client.get("/moderation/"))

    assert "Buy <strong>cheap</strong> pills" in text
    assert "Royalty rates for vaccines" in text and "In the category Licensing" in text
    assert "Spammy McSpam" in text and "2 earlier moderation actions" in text and "First warning" in text
    assert "Ana Reporter" in text and "Sells pills to everyone" in text and "Bruno Reporter" in text
    assert "Spam or advertising" in text and "Harassment or abuse" in text


def test_user_text_in_an_entry_is_rendered_inert(client, login):
    post = reply_post()
    report(ContentKind.POST, post.id, note='<script>alert("x")</script>')
    login(moderator())
    text = main_part(client.get("/moderation/"))
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_signals_say_why_the_system_put_an_item_in_the_queue(client, login):
    held = reply_post()
    held.awaiting_review = True
    db.session.flush()
    case = open_case_for(find_item(ContentKind.POST, held.id))
    case.awaiting_review, case.signal = True, Signal.FIRST_POSTS
    watched = reply_post()
    db.session.flush()
    case = open_case_for(find_item(ContentKind.POST, watched.id))
    case.signal, case.signal_detail = Signal.WATCHED_WORD, "viagra"
    db.session.commit()
    login(moderator())
    text = main_part(client.get("/moderation/"))
    assert "awaiting review: first posts" in text and "watched word: viagra" in text
    assert "No member reported it" in text


def test_a_reported_message_shows_only_itself_and_its_neighbours(client, login):
    sender, recipient = member(), member()
    messages = conversation_with(sender, recipient, "First secret", "Second secret", "Buy my course now",
                                 "Fourth secret", "Fifth secret")  # fmt: skip
    report(ContentKind.MESSAGE, messages[2].id, recipient)  # written by the sender
    login(moderator())
    text = main_part(client.get("/moderation/"))
    assert "Buy my course now" in text and "Second secret" in text and "Fourth secret" in text
    assert "First secret" not in text and "Fifth secret" not in text
    assert "Licensing question" in text  # the conversation's subject
    case = open_case(ContentKind.MESSAGE, messages[2].id)
    assert "First secret" not in main_part(client.get(f"/moderation/cases/{case.id}"))


def test_the_queue_filters_by_kind_and_by_reason(client, login):
    spam_post, abusive_post = reply_post(), reply_post()
    event = make_event(organizer=member(), title="Suspicious webinar")
    report(ContentKind.POST, spam_post.id, reason="spam")
    report(ContentKind.POST, abusive_post.id, reason="harassment")
    report(ContentKind.EVENT, event.id, reason="spam")
    login(moderator())
    by_kind = main_part(client.get("/moderation/?kind=event"))
    assert "Suspicious webinar" in by_kind and f"/forum/posts/{spam_post.id}" not in by_kind
    by_reason = main_part(client.get("/moderation/?reason=harassment"))
    assert f"/forum/posts/{abusive_post.id}" in by_reason and f"/forum/posts/{spam_post.id}" not in by_reason
    assert "Suspicious webinar" not in by_reason
    unknown = client.get("/moderation/?kind=banana&reason=boredom")
    assert unknown.status_code == 200 and "3 open cases" in main_part(unknown)


def test_a_coordinator_sees_only_cases_within_their_scopes(client, login):
    licensing = make_category()
    mexican = reply_post(author=member(country="MX"))
    brazilian = reply_post(author=member(country="BR"))
    in_licensing = reply_post(make_thread(category=licensing, author=member()), author=member(country="AR"))
    for post in (mexican, brazilian, in_licensing):
        report(ContentKind.POST, post.id)
    coordinator = moderator()
    db.session.add_all([ModeratorScope(user_id=coordinator.id, country="MX"),
                        ModeratorScope(user_id=coordinator.id, category_id=licensing.id)])  # fmt: skip
    db.session.commit()
    login(coordinator)
    text = main_part(client.get("/moderation/"))
    assert f"/forum/posts/{mexican.id}" in text and f"/forum/posts/{in_licensing.id}" in text
    assert f"/forum/posts/{brazilian.id}" not in text
    assert client.get(f"/moderation/cases/{open_case(ContentKind.POST, brazilian.id).id}").status_code == 403
    assert client.post(f"/moderation/posts/{brazilian.id}/hide").status_code == 403


def test_a_page_beyond_the_last_is_404(client, login):
    login(moderator())
    assert client.get("/moderation/").status_code == 200
    assert client.get("/moderation/?page=2").status_code == 404
    assert client.get("/moderation/?page=0").status_code == 404


# A constant number of queries


def _fill_queue(cases: int) -> None:
    """`cases` open cases of every kind, each with three reports and an author with a history."""
    admin = make_admin()
    sender, recipient = member(), member()
    conversation = conversation_with(sender, recipient, *[f"Message {n}" for n in range(cases + 2)])
    for number in range(cases):
        kind = list(ContentKind)[number % len(ContentKind)]
        author = member()
        if kind is ContentKind.POST:
            target = reply_post(author=author).id
        elif kind is ContentKind.THREAD:
            target = make_thread(author=author).id
        elif kind is ContentKind.EVENT:
            target = make_event(organizer=author).id
        elif kind is ContentKind.PROFILE:
            target = make_profile(author, bio="Bio").user_id
        elif kind is ContentKind.OPPORTUNITY:
            target = make_opportunity(author=author).id
        else:
            target = conversation[number].id
        record_action(admin, AuditAction.WARN, target_kind="member", target_id=author.id, target_user=author)
        db.session.commit()
        if kind is ContentKind.MESSAGE:  # only the other participant can report it
            reporters = [recipient if conversation[number].author_id == sender.id else sender]
        else:
            reporters = [member(), member()]
        for reporter in reporters:
            report(kind, target, reporter, "other", "See this")


@pytest.mark.parametrize("role", ["moderator", "coordinator"])
def test_the_queue_runs_the_same_number_of_queries_at_6_and_30_cases(client, login, count_queries, role):
    # Every kind of content at both sizes: one query per kind on the page, whatever the number of cases.
    viewer = moderator()
    if role == "coordinator":
        db.session.add(ModeratorScope(user_id=viewer.id, country="MX"))  # the factories' members are Mexican
        db.session.commit()
    login(viewer)
    counts = []
    for size in (len(ContentKind), 30):
        _fill_queue(size - count(ModerationCase))  # reported twice at most: every case stays open
        assert count(ModerationCase) == size
        client.get("/moderation/")
        with count_queries() as queries:
            response = client.get("/moderation/")
        assert response.status_code == 200
        assert main_part(response).count('class="card mb-3 queue-entry"') == min(size, 20)
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("app_config", [{"MODERATION_AUTO_HIDE_REPORTS": 0}])
def test_a_case_page_runs_a_constant_number_of_queries(client, login, count_queries):
    viewer = moderator()
    login(viewer)
    counts = []
    for reports_wanted in (1, 12):
        post = reply_post()
        for _number in range(reports_wanted):
            report(ContentKind.POST, post.id, reason="other")
        case = open_case(ContentKind.POST, post.id)
        client.get(f"/moderation/cases/{case.id}")
        with count_queries() as queries:
            assert client.get(f"/moderation/cases/{case.id}").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


# The case page and its decisions


def test_a_moderator_decides_on_the_case_page_with_a_reason_and_a_prepared_reply(client, login, outbox):
    reply = CannedReply(name="Thanks", body_es="Gracias.", body_pt="Obrigado.", body_en="Thank you for reporting.")
    db.session.add(reply)
    db.session.commit()
    post = reply_post()
    reporter = member()
    report(ContentKind.POST, post.id, reporter)
    case = open_case(ContentKind.POST, post.id)
    login(moderator())
    page = main_part(client.get(f"/moderation/cases/{case.id}"))
    assert 'value="hide"' in page and 'value="dismiss"' in page and "Thanks" in page

    decision = {"action": "hide", "reason": "Advertising", "reply_to_reporters": str(reply.id), "reply_to_author": "0"}
    response = client.post(f"/moderation/cases/{case.id}/decide", data=decision)

    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation/")
    assert fresh(Post, post.id).is_hidden
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE, AuditAction.REPLY]
    assert "Thank you for reporting." in outbox.to(reporter.email)[0].text_body
    closed = main_part(client.get(f"/moderation/cases/{case.id}"))
    assert "This case was closed" in closed and 'value="hide"' not in closed


def test_a_double_submit_on_the_case_page_answers_409_and_changes_nothing_more(client, login):
    post = reply_post()
    report(ContentKind.POST, post.id)
    case = open_case(ContentKind.POST, post.id)
    login(moderator())
    assert client.post(f"/moderation/cases/{case.id}/decide", data={"action": "hide"}).status_code == 302
    again = client.post(f"/moderation/cases/{case.id}/decide", data={"action": "dismiss"})
    assert again.status_code == 409
    assert "This case has already been handled." in main_part(again)
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE]


def test_a_stale_button_on_a_content_page_answers_409(client, login):
    post = reply_post()
    login(moderator())
    assert client.post(f"/moderation/posts/{post.id}/hide").status_code == 302
    response = client.post(f"/moderation/posts/{post.id}/hide")
    assert response.status_code == 409 and "This is already hidden." in main_part(response)
    assert len(audit_entries()) == 1


def test_missing_items_and_cases_are_404(client, login):
    post = reply_post()
    report(ContentKind.POST, post.id)
    case = open_case(ContentKind.POST, post.id)
    other = reply_post()
    login(moderator())
    assert client.get("/moderation/cases/999").status_code == 404
    assert client.post("/moderation/cases/999/decide", data={"action": "dismiss"}).status_code == 404
    assert client.post("/moderation/posts/999/hide").status_code == 404
    assert client.post("/moderation/threads/999/lock").status_code == 404
    assert client.get("/moderation/posts/999/edit").status_code == 404
    assert client.post(f"/moderation/posts/{other.id}/hide", data={"case_id": case.id}).status_code == 404
    assert client.post(f"/moderation/cases/{case.id}/decide", data={"action": "explode"}).status_code == 400
    assert audit_entries() == []


def test_a_choice_of_reply_that_does_not_exist_is_a_form_error(client, login):
    post = reply_post()
    report(ContentKind.POST, post.id)
    case = open_case(ContentKind.POST, post.id)
    login(moderator())
    response = client.post(f"/moderation/cases/{case.id}/decide", data={"action": "hide", "reply_to_reporters": "77"})
    assert response.status_code == 422
    assert not fresh(Post, post.id).is_hidden and audit_entries() == []


def test_the_thread_page_buttons_hide_and_restore_and_the_edit_page_edits(client, login):
    thread = make_thread(author=member())
    post = reply_post(thread)
    login(moderator())
    page = page_text(client.get(f"/forum/t/{thread.id}"))
    assert f'action="/moderation/threads/{thread.id}/hide"' in page
    assert f'href="/moderation/posts/{post.id}/edit"' in page

    response = client.post(f"/moderation/posts/{post.id}/hide", data={"next": f"/forum/t/{thread.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/forum/t/{thread.id}")
    assert f'action="/moderation/posts/{post.id}/restore"' in page_text(client.get(f"/forum/t/{thread.id}"))
    client.post(f"/moderation/posts/{post.id}/restore")
    assert not fresh(Post, post.id).is_hidden

    edit = client.get(f"/moderation/posts/{post.id}/edit")
    assert edit.status_code == 200 and post.body in page_text(edit)
    empty = client.post(f"/moderation/posts/{post.id}/edit", data={"body": ""})
    assert empty.status_code == 422
    saved = client.post(f"/moderation/posts/{post.id}/edit", data={"body": "Cleaned up."})
    assert saved.status_code == 302
    assert fresh(Post, post.id).body == "Cleaned up."
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE, AuditAction.RESTORE, AuditAction.EDIT]


def test_the_move_page_moves_a_thread(client, login):
    source, target = make_category(name_en="General"), make_category(name_en="Licensing")
    thread = make_thread(category=source, author=member())
    login(moderator())
    form = client.get(f"/moderation/threads/{thread.id}/move")
    assert form.status_code == 200 and "Licensing" in page_text(form)
    assert client.post(f"/moderation/threads/{thread.id}/move", data={"category": str(source.id)}).status_code == 422
    assert client.post(f"/moderation/threads/{thread.id}/move", data={"category": "9999"}).status_code == 422
    response = client.post(f"/moderation/threads/{thread.id}/move", data={"category": str(target.id)})
    assert response.status_code == 302
    assert fresh(Thread, thread.id).category_id == target.id
    assert [entry.action for entry in audit_entries()] == [AuditAction.MOVE]


def test_the_event_page_offers_moderators_hide_and_restore(client, login):
    event = make_event(organizer=member())
    login(moderator())
    assert f'action="/moderation/events/{event.id}/hide"' in page_text(client.get(f"/events/{event.id}"))
    assert client.post(f"/moderation/events/{event.id}/hide").status_code == 302
    assert f'action="/moderation/events/{event.id}/restore"' in page_text(client.get(f"/events/{event.id}"))
    assert client.post(f"/moderation/events/{event.id}/lock").status_code == 404  # events have no lock
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE]


def test_buttons_are_posted_with_a_csrf_token(app, client, login):
    post = reply_post()
    login(moderator())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/moderation/posts/{post.id}/hide").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not fresh(Post, post.id).is_hidden


def test_a_prepared_reply_is_read_on_the_site_in_the_recipients_language(client, login):
    reply = CannedReply(name="Spam removed", body_es="Retiramos el spam.", body_pt="Removemos o spam.",
                        body_en="We removed the spam.\nThank you.")  # fmt: skip
    db.session.add(reply)
    db.session.commit()
    post = reply_post()
    reporter = member(locale="pt")
    report(ContentKind.POST, post.id, reporter)
    case = open_case(ContentKind.POST, post.id)
    login(moderator())
    client.post(f"/moderation/cases/{case.id}/decide", data={"action": "hide", "reply_to_reporters": str(reply.id)})

    login(reporter)
    notifications = page_text(client.get("/notifications"))
    assert post.thread.title in notifications
    (entry,) = audit_entries(AuditAction.REPLY)
    notification_id = db.session.scalar(select(Notification.id).where(Notification.user_id == reporter.id))
    opened = client.post(f"/notifications/{notification_id}/open")
    assert opened.headers["Location"].endswith(f"/account/moderation-replies/{entry.id}")
    page = main_part(client.get(f"/account/moderation-replies/{entry.id}"))
    assert "Removemos o spam." in page and f"/forum/posts/{post.id}" in page

    login(member())
    assert client.get(f"/account/moderation-replies/{entry.id}").status_code == 404
    # Moderators read every prepared reply, as they see them in the cases' history.
    login(moderator())
    assert client.get(f"/account/moderation-replies/{entry.id}").status_code == 200
