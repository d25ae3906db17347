"""The forum's rules: who may post where, what is stored, counted, remembered and notified."""

import time

import pytest
from sqlalchemy import func, select

from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forum import services
from community.forum.models import Category, Post, PostRevision, Reaction, Tag, Thread, ThreadRead
from community.notifications.models import Notification, NotificationKind
from tests.factories import make_category, make_moderator, make_thread, make_user

pytestmark = pytest.mark.usefixtures("app")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


# Starting threads and replying


def test_a_thread_starts_with_its_first_post_in_the_authors_language():
    author = make_user(locale="pt")
    category = make_category()
    thread = services.start_thread(author, category, "  Fase   nacional do PCT ", "Alguém já usou?", tags="PCT, Inpi")
    assert thread.title == "Fase nacional do PCT"
    assert thread.language == "pt"
    assert [tag.name for tag in thread.tags] == ["inpi", "pct"]
    assert thread.post_count == 1 and thread.reply_count == 0
    assert thread.first_post.number == 1 and thread.first_post.body_html == "<p>Alguém já usou?</p>\n"
    assert thread.last_post_id == thread.first_post.id and thread.last_poster_id == author.id
    assert category.thread_count == 1 and category.post_count == 1
    assert services.is_watching_thread(author, thread)  # authors watch their threads


def test_replies_are_numbered_in_order_and_counted_on_the_thread():
    thread = make_thread()
    first, second = make_user(), make_user()
    reply = services.reply_to_thread(first, thread, "Uno")
    last = services.reply_to_thread(second, thread, "Dos")
    assert (reply.number, last.number) == (2, 3)
    assert thread.post_count == 3 and thread.reply_count == 2
    assert thread.last_post_id == last.id and thread.last_poster_id == second.id
    assert thread.category.post_count == 3


def test_reply_to_locked_thread_is_refused_and_nothing_is_stored():
    thread = make_thread(is_locked=True)
    with pytest.raises(ActionRefused):
        services.reply_to_thread(make_user(), thread, "Still here?")
    assert count(Post) == 1 and thread.post_count == 1


def test_moderators_may_still_reply_in_a_locked_thread():
    thread = make_thread(is_locked=True)
    assert services.reply_to_thread(make_moderator(), thread, "Closing note").number == 2


def test_only_moderators_start_threads_in_announcements():
    announcements = make_category(is_announcements=True)
    with pytest.raises(PermissionDenied):
        services.start_thread(make_user(), announcements, "My news", "Hello")
    assert count(Thread) == 0
    thread = services.start_thread(make_moderator(), announcements, "Network news", "Hello")
    assert services.reply_to_thread(make_user(), thread, "Thanks!").number == 2  # members may reply


@pytest.mark.parametrize(
    ("title", "body", "tags", "field"),
    [
        ("", "Body", "", "title"),
        ("  ", "Body", "", "title"),
        ("x" * 151, "Body", "", "title"),
        ("A fine title", "", "", "body"),
        ("A fine title", "   \n ", "", "body"),
        ("A fine title", "x" * 20_001, "", "body"),
        ("A fine title", "Body", "a, b, c, d, e, f", "tags"),
        ("A fine title", "Body", "x" * 31, "tags"),
        ("A fine title", "Body", "<script>", "tags"),
        ("A fine title", "Body", "tag_with_underscore!", "tags"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(title, body, tags, field):
    category = make_category()
    with pytest.raises(ActionRefused) as refused:
        services.start_thread(make_user(), category, title, body, tags=tags)
    assert refused.value.field == field
    assert count(Thread) == count(Post) == count(Tag) == 0


def test_tags_are_lowercase_hyphenated_and_shared_between_threads():
    first = make_thread(tags="Transferencia Tecnológica, patentes, PATENTES")
    second = make_thread(tags="patentes")
    assert [tag.name for tag in first.tags] == ["patentes", "transferencia-tecnológica"]
    assert second.tags[0].id == first.tags[0].id
    assert count(Tag) == 2


def test_an_unknown_language_is_refused():
    with pytest.raises(ActionRefused) as refused:
        services.start_thread(make_user(), make_category(), "Title here", "Body", language="fr")
    assert refused.value.field == "language"


# Rendering limits


def test_a_wide_table_that_would_explode_into_html_is_refused():
    header = "|" + "|".join(f"c{i}" for i in range(400)) + "|\n|" + "|".join("-" for _ in range(400)) + "|\n"
    source = header + "|x|\n" * 4_000  # ~20 KB of text, megabytes of cells once rendered
    assert len(source) <= services.BODY_MAX + 2_000
    with pytest.raises(ActionRefused) as refused:
        services.render_body(source[: services.BODY_MAX])
    assert refused.value.field == "body"


def test_100_kb_of_nested_markdown_renders_within_a_fixed_budget_or_is_refused():
    source = (">" * 50 + " - " * 50 + "[a](http://x) **b** _c_\n") * 500
    assert len(source) > 100_000
    started = time.perf_counter()
    try:
        services.render_body(source)
    except ActionRefused as refused:
        assert refused.field == "body"
    assert time.perf_counter() - started < 2.0


# Editing and deleting


def test_editing_keeps_the_earlier_version_in_the_history():
    thread = make_thread(body="First version")
    post = thread.first_post
    services.edit_post(thread.author, post, "Second **version**")
    services.edit_post(thread.author, post, "Third version")
    assert post.body == "Third version" and post.edited_at is not None
    revisions = services.list_revisions(post)
    assert [revision.body for revision in revisions] == ["Second **version**", "First version"]
    assert revisions[0].body_html == "<p>Second <strong>version</strong></p>\n"


def test_saving_an_unchanged_post_adds_no_revision():
    thread = make_thread(body="Same")
    services.edit_post(thread.author, thread.first_post, "Same")
    assert count(PostRevision) == 0 and thread.first_post.edited_at is None


def test_editing_someone_elses_post_is_refused_and_changes_nothing():
    thread = make_thread(body="Mine")
    with pytest.raises(PermissionDenied):
        services.edit_post(make_user(), thread.first_post, "Not yours")
    with pytest.raises(PermissionDenied):
        services.delete_post(make_user(), thread.first_post)
    assert thread.first_post.body == "Mine" and not thread.first_post.is_deleted
    assert count(PostRevision) == 0


def test_deleting_a_post_keeps_its_place_in_the_thread():
    thread = make_thread(replies=1)
    post = db.session.scalar(select(Post).where(Post.number == 2))
    services.delete_post(post.author, post)
    assert post.is_deleted and post.body  # kept for moderation, shown as a placeholder
    assert thread.post_count == 2
    assert not services.can_edit_post(post.author, post)


# Reactions


def test_helpful_is_one_per_member_and_counted_on_the_post():
    thread = make_thread()
    post = thread.first_post
    reader, other = make_user(), make_user()
    assert services.toggle_helpful(reader, post) is True
    assert services.toggle_helpful(other, post) is True
    assert post.helpful_count == 2
    assert services.toggle_helpful(reader, post) is False  # a second click takes it back
    assert post.helpful_count == 1 and count(Reaction) == 1
    assert services.marks_on_page(other, thread, 1).helpful == {post.id}
    assert services.marks_on_page(reader, thread, 1).helpful == set()


def test_a_members_marks_on_a_page_say_whether_they_wrote_one_of_its_posts():
    thread = make_thread()
    reader = make_user()
    for _ in range(services.POSTS_PER_PAGE - 1):  # the first page: the opening post and these replies
        services.reply_to_thread(reader, thread, "Uma resposta.")
    last = services.reply_to_thread(thread.author, thread, "Respuesta en la segunda página.")
    services.toggle_helpful(reader, last)

    assert services.marks_on_page(reader, thread, 1).wrote_any
    assert not services.marks_on_page(reader, thread, 2).wrote_any
    assert services.marks_on_page(thread.author, thread, 2).wrote_any
    assert services.marks_on_page(reader, thread, 2).helpful == {last.id}
    assert services.marks_on_page(reader, thread, 1).helpful == set()


def test_nobody_marks_their_own_post_helpful():
    thread = make_thread()
    with pytest.raises(PermissionDenied):
        services.toggle_helpful(thread.author, thread.first_post)


# Watching and notifications


def test_a_reply_notifies_the_threads_and_the_categorys_watchers_but_not_its_author():
    thread = make_thread()
    thread_watcher, category_watcher, both, replier = make_user(), make_user(), make_user(), make_user()
    services.watch_thread(thread_watcher, thread)
    services.watch_category(category_watcher, thread.category)
    services.watch_thread(both, thread)
    services.watch_category(both, thread.category)
    services.watch_thread(replier, thread)

    reply = services.reply_to_thread(replier, thread, "News")

    for member in (thread.author, thread_watcher, category_watcher, both):
        [notification] = notifications_of(member)
        assert notification.kind is NotificationKind.NEW_REPLY
        assert (notification.target_type, notification.target_id) == ("forum_post", reply.id)
        assert notification.actor_id == replier.id and notification.text == thread.title
    assert notifications_of(replier) == []


def test_unwatching_stops_the_notifications():
    thread = make_thread()
    services.unwatch_thread(thread.author, thread)
    services.reply_to_thread(make_user(), thread, "Anyone?")
    assert notifications_of(thread.author) == []


def test_a_new_thread_notifies_the_categorys_watchers():
    category = make_category()
    watcher = make_user()
    services.watch_category(watcher, category)
    make_thread(category=category)
    [notification] = notifications_of(watcher)
    assert notification.kind is NotificationKind.NEW_THREAD


def test_deleted_members_are_not_notified():
    thread = make_thread()
    gone = make_user()
    services.watch_thread(gone, thread)
    gone.deleted_at = gone.created_at
    db.session.commit()
    services.reply_to_thread(make_user(), thread, "Hello")
    assert notifications_of(gone) == []


# Reading


def test_reading_a_page_moves_the_marker_forward_never_back():
    thread = make_thread(replies=29)  # 30 posts: pages of 20
    reader = make_user()
    assert services.first_unread_number(reader, thread) == 1
    services.mark_read(reader, thread, services.get_thread_page(thread, 2).items)
    assert services.last_read_number(reader, thread) == 30
    services.mark_read(reader, thread, services.get_thread_page(thread, 1).items)
    assert services.last_read_number(reader, thread) == 30
    services.reply_to_thread(make_user(), thread, "One more")
    assert services.first_unread_number(reader, thread) == 31
    assert services.page_of(31) == 2


def test_posting_marks_the_thread_read_for_its_author():
    thread = make_thread()
    replier = make_user()
    services.reply_to_thread(replier, thread, "Hi")
    assert db.session.get(ThreadRead, (replier.id, thread.id)).last_read_number == 2


def test_thread_lists_carry_unread_markers_and_keep_to_the_readers_languages():
    category = make_category()
    spanish = make_thread(category=category, title="Licencias", language="es")
    english = make_thread(category=category, title="Licensing", language="en")
    portuguese = make_thread(category=category, title="Licenciamento", language="pt")
    reader = make_user(content_languages="pt,en")
    services.mark_read(reader, english, [english.first_post])

    rows = services.list_threads(reader, category=category).items
    assert [(thread.title, last_read) for thread, last_read in rows] == [("Licenciamento", None), ("Licensing", 1)]
    assert [t for t, _ in services.list_threads(reader, category=category, language="es").items] == [spanish]
    assert portuguese in [t for t, _ in services.list_threads(make_user(), category=category).items]


def test_pinned_threads_come_first_in_their_category():
    category = make_category()
    pinned = make_thread(category=category, is_pinned=True)
    newer = make_thread(category=category)
    assert [t for t, _ in services.list_threads(make_user(), category=category).items] == [pinned, newer]


def test_threads_can_be_listed_by_tag():
    category = make_category()
    tagged = make_thread(category=category, tags="nagoya")
    make_thread(category=category, tags="pct")
    tag = services.get_tag("Nagoya")
    assert [t for t, _ in services.list_threads(make_user(), category=category, tag=tag).items] == [tagged]


def test_a_quote_names_its_author_and_quotes_every_line():
    thread = make_thread(body="Line one\n\nLine two")
    assert services.quote(thread.first_post, "Ana") == "> **Ana**:\n>\n> Line one\n>\n> Line two\n\n"


# Categories


def test_category_names_fall_back_to_another_language():
    category = make_category(name_es="Patentes", name_pt="", name_en="", description_pt="Buscas")
    assert category.name_in("pt") == ("Patentes", "es")
    assert category.name_in("es") == ("Patentes", "es")
    assert category.description_in("en") == ("Buscas", "pt")


def test_default_categories_are_created_once():
    assert services.ensure_default_categories() == 10
    assert services.ensure_default_categories() == 0
    announcements = services.get_category("anuncios")
    assert announcements.is_announcements and announcements.name_in("pt")[0] == "Avisos da rede"
    assert [c.position for c in services.list_categories()] == list(range(1, 11))


def test_only_admins_manage_categories():
    with pytest.raises(PermissionDenied):
        services.create_category(make_moderator(), "news", {"name_en": "News"})
    assert count(Category) == 0


def test_admins_create_and_reorder_categories():
    from tests.factories import make_admin

    admin = make_admin()
    first = services.create_category(admin, "first", {"name_en": "First"})
    second = services.create_category(admin, "second", {"name_es": "Segunda"})
    services.move_category(admin, second, -1)
    assert services.list_categories() == [second, first]
    with pytest.raises(ActionRefused) as refused:
        services.create_category(admin, "second", {"name_en": "Again"})
    assert refused.value.field == "slug"
    with pytest.raises(ActionRefused) as refused:
        services.create_category(admin, "Bad Slug!", {"name_en": "Bad"})
    assert refused.value.field == "slug"
    with pytest.raises(ActionRefused) as refused:
        services.create_category(admin, "nameless", {})
    assert refused.value.field == "name_es"
