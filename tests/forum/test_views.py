"""The forum through the browser's eyes: pages, permissions, refusals, feeds and query budgets.

Pages are asked for in English, so assertions read the source strings.
"""

import time

import feedparser
import pytest
from sqlalchemy import func, insert, select, text

from community.extensions import db
from community.forum import services
from community.forum.models import Post, Thread
from community.notifications.models import Notification
from tests.factories import make_admin, make_category, make_moderator, make_thread, make_user
from tests.test_markdown import XSS_PAYLOADS, active_parts


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def post_count() -> int:
    return db.session.scalar(select(func.count(Post.id)))


# Reading


def test_visitors_read_the_forum_but_are_asked_to_log_in_to_reply(client):
    thread = make_thread(title="Royalty stacking", body="**Bold** question")
    assert "Royalty stacking" in page_text(client.get("/forum/latest"))
    page = page_text(client.get(f"/forum/t/{thread.id}"))
    assert "<strong>Bold</strong>" in page and "Log in to reply." in page
    assert client.get(f"/forum/t/{thread.id}/reply").status_code == 302
    assert client.post(f"/forum/t/{thread.id}/reply", data={"body": "Hi"}).status_code == 302
    assert post_count() == 1


def test_the_forum_index_lists_categories_in_the_readers_language(client):
    make_category(slug="patents", name_es="Patentes", name_en="Patents", thread_count=3)
    make_category(slug="only-pt", name_pt="Só em português", name_en="")
    page = page_text(client.get("/forum/"))
    assert "Patents" in page and "3 threads" in page
    assert '<span lang="pt">Só em português</span>' in page


@pytest.mark.parametrize(
    "url",
    ["/forum/c/nope", "/forum/t/999", "/forum/posts/999", "/forum/c/{slug}?tag=unknown", "/forum/c/{slug}?lang=fr",
     "/forum/t/{thread}?page=2", "/forum/t/{thread}?page=0", "/forum/c/{slug}?page=5", "/forum/c/nope/feed.atom"],
)  # fmt: skip
def test_unknown_things_are_not_found(client, url):
    thread = make_thread()
    response = client.get(url.format(slug=thread.category.slug, thread=thread.id))
    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_thread_pages_are_paginated_by_post_number(client, login):
    thread = make_thread(replies=44)  # 45 posts, 20 per page
    login(make_user())
    last = page_text(client.get(f"/forum/t/{thread.id}?page=3"))
    assert 'id="post-41"' in last and 'id="post-45"' in last and 'id="post-40"' not in last
    assert f'href="/forum/t/{thread.id}?page=2"' in last


def test_the_first_unread_link_leads_to_the_first_new_post(client, login):
    thread = make_thread(replies=24)
    reader = login(make_user())
    client.get(f"/forum/t/{thread.id}")  # reads posts 1-20
    response = client.get(f"/forum/t/{thread.id}/unread")
    assert response.headers["Location"] == f"/forum/t/{thread.id}?page=2#post-21"
    page = page_text(client.get(f"/forum/t/{thread.id}?page=2"))
    assert page.count("unread-marker") == 5  # posts 21-25 are marked new, once
    assert services.last_read_number(reader, thread) == 25


def test_category_lists_show_unread_markers_for_members(client, login):
    category = make_category(slug="licensing")
    read, unread = make_thread(category=category, title="Old news"), make_thread(category=category, title="Fresh")
    reader = login(make_user(locale="en"))
    services.mark_read(reader, read, [read.first_post])
    services.mark_read(reader, unread, [unread.first_post])
    services.reply_to_thread(make_user(), unread, "Something new")
    page = page_text(client.get("/forum/c/licensing"))
    assert page.count("1 unread reply") == 1
    assert f'href="/forum/t/{unread.id}/unread"' in page


def test_reading_languages_are_chosen_in_the_account_settings(client, login):
    member = login(make_user(locale="en"))
    data = {"locale": "en", "timezone": "America/Mexico_City", "content_languages": ["pt", "en"]}
    assert client.post("/account", data=data).status_code == 302
    db.session.refresh(member)
    assert member.content_languages == "pt,en"
    category = make_category(slug="mixed")
    make_thread(category=category, title="Solo en español", language="es")
    make_thread(category=category, title="Only English", language="en")
    page = page_text(client.get("/forum/c/mixed"))
    assert "Only English" in page and "Solo en español" not in page
    assert "Showing threads in Português, English." in page
    assert "Solo en español" in page_text(client.get("/forum/c/mixed?lang=es"))
    refused = client.post("/account", data={**data, "content_languages": []})
    db.session.refresh(member)
    assert refused.status_code == 422 and member.content_languages == "pt,en"


# Writing


def test_member_starts_a_thread(client, login):
    make_category(slug="patents")
    login(make_user(locale="pt"))
    form = client.get("/forum/c/patents/new")
    assert '<option selected value="pt">' in page_text(form)
    data = {"title": "Busca de anterioridade", "language": "pt", "tags": "PCT, busca", "body": "Como fazem?"}
    response = client.post("/forum/c/patents/new", data=data)
    thread = db.session.scalar(select(Thread))
    assert response.headers["Location"] == f"/forum/t/{thread.id}"
    assert thread.language == "pt" and [t.name for t in thread.tags] == ["busca", "pct"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Body"}, "Please write a title."),
        ({"title": "Fine title", "body": ""}, "Please write something."),
        ({"title": "x" * 151, "body": "Body"}, "The title must have between 3 and 150 characters."),
        ({"title": "Fine title", "body": "x" * 20_001}, "The text can have at most 20000 characters."),
        ({"title": "Fine title", "body": "Body", "tags": "a,b,c,d,e,f"}, "A thread can have at most 5 tags."),
        ({"title": "Fine title", "body": "Body", "tags": "<b>"}, "Tags can contain only letters, digits and hyphens."),
        ({"title": "Fine title", "body": "Body", "language": "fr"}, "Not a valid choice"),
    ],
)
def test_bad_threads_are_refused_with_the_form_kept(client, login, data, message):
    make_category(slug="patents")
    login(make_user(locale="en"))
    response = client.post("/forum/c/patents/new", data={"language": "es", **data})
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_a_too_large_rendering_is_refused_at_the_body_field(client, login):
    thread = make_thread()
    login(make_user(locale="en"))
    wide = "|" + "|".join("h" for _ in range(300)) + "|\n|" + "|".join("-" for _ in range(300)) + "|\n"
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": wide + "|x|\n" * 3_000})
    assert response.status_code == 422
    assert "This text is too long or too complex to show" in page_text(response)
    assert post_count() == 1


def test_members_cannot_start_threads_in_announcements(client, login):
    make_category(slug="news", is_announcements=True)
    login(make_user())
    assert client.get("/forum/c/news/new").status_code == 403
    assert client.post("/forum/c/news/new", data={"title": "Mine", "body": "x", "language": "es"}).status_code == 403
    assert "Start a thread" not in page_text(client.get("/forum/c/news"))
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_replying_in_a_locked_thread_is_refused(client, login):
    thread = make_thread(is_locked=True)
    login(make_user(locale="en"))
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Let me in"})
    assert response.status_code == 403
    assert "This thread is locked: no new replies." in page_text(response)
    assert post_count() == 1


def test_quoting_a_post_starts_the_reply_with_it(client, login):
    thread = make_thread(author=make_user(display_name="Lucía"), body="Use a minimum annual royalty.")
    login(make_user())
    page = page_text(client.get(f"/forum/t/{thread.id}/reply?quote={thread.first_post.id}"))
    assert "&gt; **Lucía**:\n&gt;\n&gt; Use a minimum annual royalty." in page
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "> Quoted\n\nAgreed."})
    reply = db.session.scalar(select(Post).where(Post.number == 2))
    assert response.headers["Location"] == f"/forum/posts/{reply.id}"
    assert "<blockquote>" in reply.body_html
    assert client.get(f"/forum/posts/{reply.id}").headers["Location"] == f"/forum/t/{thread.id}?page=1#post-2"
    other = make_thread()
    assert client.get(f"/forum/t/{thread.id}/reply?quote={other.first_post.id}").status_code == 404


def test_authors_edit_their_post_and_everyone_sees_the_history(client, login):
    thread = make_thread(body="Version one")
    post = thread.first_post
    login(thread.author)
    assert client.post(f"/forum/posts/{post.id}/edit", data={"body": "Version two"}).status_code == 302
    page = page_text(client.get(f"/forum/t/{thread.id}"))
    assert "Version two" in page and f"/forum/posts/{post.id}/history" in page
    login(make_user())
    history = page_text(client.get(f"/forum/posts/{post.id}/history"))
    assert "Version two" in history and "Version one" in history


def test_editing_or_deleting_someone_elses_post_is_forbidden(client, login):
    thread = make_thread(body="Mine")
    login(make_user())
    post = thread.first_post
    assert client.get(f"/forum/posts/{post.id}/edit").status_code == 403
    assert client.post(f"/forum/posts/{post.id}/edit", data={"body": "Yours"}).status_code == 403
    assert client.post(f"/forum/posts/{post.id}/delete").status_code == 403
    db.session.expire_all()
    assert post.body == "Mine" and not post.is_deleted


def test_a_deleted_post_leaves_a_placeholder(client, login):
    thread = make_thread(author=make_user(locale="en"), body="Oops, wrong thread")
    login(thread.author)
    client.post(f"/forum/posts/{thread.first_post.id}/delete")
    page = page_text(client.get(f"/forum/t/{thread.id}"))
    assert "This post was deleted by its author." in page and "Oops, wrong thread" not in page


def test_members_mark_posts_helpful_once(client, login):
    thread = make_thread()
    login(make_user())
    client.post(f"/forum/posts/{thread.first_post.id}/helpful")
    page = page_text(client.get(f"/forum/t/{thread.id}"))
    assert 'aria-pressed="true"' in page
    client.post(f"/forum/posts/{thread.first_post.id}/helpful")
    db.session.expire_all()
    assert thread.first_post.helpful_count == 0


def test_watching_a_thread_brings_notifications_of_replies(client, login):
    thread = make_thread()
    watcher = login(make_user(locale="en"))
    client.post(f"/forum/t/{thread.id}/watch", data={"watch": "1"})
    services.reply_to_thread(make_user(display_name="Rosa"), thread, "News from Lima")
    page = page_text(client.get("/notifications"))
    assert "Rosa replied in “Licensing a university patent”" in page
    assert "Notifications: 1 unread" in page
    client.post(f"/forum/t/{thread.id}/watch", data={"watch": "0"})
    assert not services.is_watching_thread(watcher, thread)


def test_reading_the_thread_clears_its_notifications(client, login):
    thread = make_thread()
    login(thread.author)
    services.reply_to_thread(make_user(), thread, "A reply")
    client.get(f"/forum/t/{thread.id}")
    assert db.session.scalar(select(Notification.read_at)) is not None


def test_a_page_read_before_clears_notifications_that_arrived_since(client, login):
    thread = make_thread()
    author = login(thread.author)
    client.get(f"/forum/t/{thread.id}")
    services.reply_to_thread(make_user(), thread, "A reply")  # on the page already read: it has room for 20
    client.get(f"/forum/t/{thread.id}")
    assert db.session.scalar(select(Notification.read_at)) is not None
    assert services.last_read_number(author, thread) == 2


def test_reading_a_page_again_writes_nothing(client, login, count_queries):
    thread = make_thread(replies=3)
    login(make_user())
    client.get(f"/forum/t/{thread.id}")
    with count_queries() as queries:
        assert client.get(f"/forum/t/{thread.id}").status_code == 200
    writes = [sql for sql in queries.statements if not sql.lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_only_moderators_pin_and_lock_and_the_thread_page_offers_them_only_to_them(client, login):
    # The buttons post to moderation, which writes each action to the audit log (tests/moderation).
    thread = make_thread()
    login(make_user())
    assert 'moderation-lock' not in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert client.post(f"/moderation/threads/{thread.id}/lock").status_code == 403
    login(make_moderator())
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert f'action="/moderation/threads/{thread.id}/lock"' in page
    assert f'action="/moderation/threads/{thread.id}/pin"' in page
    client.post(f"/moderation/threads/{thread.id}/lock")
    client.post(f"/moderation/threads/{thread.id}/pin")
    db.session.expire_all()
    assert thread.is_locked and thread.is_pinned


def test_only_admins_manage_categories(client, login):
    login(make_moderator())
    assert client.get("/forum/admin/categories").status_code == 403
    assert client.post("/forum/admin/categories/new", data={"slug": "x", "name_en": "X"}).status_code == 403
    login(make_admin(locale="en"))
    response = client.post("/forum/admin/categories/new", data={"slug": "webinars", "name_en": "Webinars"})
    assert response.headers["Location"] == "/forum/admin/categories"
    refused = client.post("/forum/admin/categories/new", data={"slug": "webinars", "name_en": "Again"})
    assert refused.status_code == 422 and "Another category already uses this address." in page_text(refused)


# Sanitization


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_in_titles_tags_and_bodies_stays_inert(client, login, payload):
    category = make_category(slug="xss")
    author = login(make_user())
    thread = services.start_thread(author, category, f"Title {payload}", payload)
    services.reply_to_thread(author, thread, f"Reply {payload}")
    tag_response = client.post(
        "/forum/c/xss/new", data={"title": "Tagged", "body": "x", "language": "es", "tags": payload}
    )
    assert tag_response.status_code == 422  # a tag is letters, digits and hyphens only
    for url in (f"/forum/t/{thread.id}", "/forum/c/xss", "/forum/latest", f"/forum/t/{thread.id}/reply", "/"):
        page = page_text(client.get(url))
        body = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        # The page's own layout and forms are fine; anything else active came from the payload.
        assert [part for part in active_parts(body) if part not in ("div", "form", "input")] == [], url
    feed = feedparser.parse(client.get("/forum/c/xss/feed.atom").data)
    assert active_parts(feed.entries[0].content[0].value) == []


def test_one_click_actions_need_the_csrf_token(app, client, login):
    thread = make_thread()
    login(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/forum/posts/{thread.first_post.id}/helpful").status_code == 400
    assert client.post(f"/forum/t/{thread.id}/watch").status_code == 400


# Feeds


def test_atom_feeds_list_the_newest_threads(client):
    category = make_category(slug="patents", name_en="Patents")
    make_thread(category=category, title="Older thread", body="First *body*")
    make_thread(category=category, title="Newer thread")
    make_thread(title="Elsewhere")

    feed = feedparser.parse(client.get("/forum/c/patents/feed.atom").data)
    assert not feed.bozo
    assert feed.feed.title == "Conecta TT forum: Patents"
    assert [entry.title for entry in feed.entries] == ["Newer thread", "Older thread"]
    assert feed.entries[1].content[0].value.strip() == "<p>First <em>body</em></p>"
    assert feed.entries[0].link.startswith("http://localhost/forum/t/")

    latest = client.get("/forum/feed.atom")
    assert latest.mimetype == "application/atom+xml"
    assert [entry.title for entry in feedparser.parse(latest.data).entries][0] == "Elsewhere"
    assert 'type="application/atom+xml"' in page_text(client.get("/forum/c/patents"))


def test_an_empty_feed_is_still_a_feed(client):
    make_category(slug="empty")
    feed = feedparser.parse(client.get("/forum/c/empty/feed.atom").data)
    assert not feed.bozo and feed.entries == []


# Speed


def _fill_category(category, threads: int, reader):
    for number in range(threads):
        thread = make_thread(category=category, title=f"Thread {number}", tags="tag-a, tag-b", replies=1)
        if number % 2:
            services.mark_read(reader, thread, [thread.first_post])


@pytest.mark.parametrize("path", ["/forum/c/busy", "/forum/latest", "/", "/forum/"])
def test_thread_lists_cost_the_same_queries_whatever_their_size(client, login, count_queries, path):
    category = make_category(slug="busy")
    reader = login(make_user())
    _fill_category(category, 5, reader)
    client.get(path)  # the first request of a session records the member's activity
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _fill_category(category, 35, reader)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count, "\n".join(large.statements)


def test_a_thread_page_costs_the_same_queries_whatever_the_threads_size(client, login, count_queries):
    small_thread, large_thread = make_thread(replies=4), make_thread(replies=39)
    reader = login(make_user())
    for thread in (small_thread, large_thread):
        services.toggle_helpful(reader, thread.first_post)
        services.watch_thread(reader, thread)
    small_url, large_url = f"/forum/t/{small_thread.id}", f"/forum/t/{large_thread.id}?page=2"
    client.get(small_url)  # the first request of a session records the member's activity
    with count_queries() as first_reading:
        client.get(large_url)
    with count_queries() as small:
        assert client.get(small_url).status_code == 200
    with count_queries() as large:
        assert client.get(large_url).status_code == 200
    assert large.count == small.count, "\n".join(large.statements)
    assert first_reading.count == small.count + 2  # the read marker and the notifications of the page


def _thread_with_posts(count: int) -> Thread:
    """A thread of `count` posts, inserted in bulk (services would take minutes for thousands)."""
    thread = make_thread()
    author_id = thread.author_id
    rows = [
        {"thread_id": thread.id, "number": n, "author_id": author_id, "body": f"Post {n}", "body_html": f"<p>{n}</p>"}
        for n in range(2, count + 1)
    ]
    db.session.execute(insert(Post), rows)
    thread.post_count = count
    db.session.commit()
    return thread


def test_the_last_page_of_a_5000_post_thread_is_read_through_the_index(client):
    thread = _thread_with_posts(5_000)
    last_page = services.page_of(5_000)
    statement = services.thread_posts_query(thread, last_page)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE posts"))
        plan = db.session.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}")).scalar_one()[0]["Plan"]
        while plan.get("Plans") and "Index" not in plan["Node Type"]:
            plan = plan["Plans"][0]
        assert "Index" in plan["Node Type"], plan
        assert plan["Actual Rows"] == 20 and plan.get("Rows Removed by Filter", 0) == 0
    else:
        details = " ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        # The unique (thread_id, number) constraint's index, searched by range: no scan of the table.
        assert "SEARCH posts USING INDEX" in details and "(thread_id=? AND number>? AND number<?)" in details, details

    timings = {}
    for page in (1, last_page):
        started = time.perf_counter()
        response = client.get(f"/forum/t/{thread.id}?page={page}")
        timings[page] = time.perf_counter() - started
        assert response.status_code == 200
    assert 'id="post-5000"' in page_text(response)
    assert timings[last_page] < timings[1] * 3 + 0.05, timings
