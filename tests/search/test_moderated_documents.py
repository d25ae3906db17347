"""The index follows moderation: content hidden by moderators or awaiting their review is found by
moderators only (marked), and is found by everyone again once restored or published."""

from sqlalchemy import select, update

from community.events import services as events
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Thread
from community.moderation.models import WatchedWord, WatchedWordAction
from community.search import services
from community.search.models import DocumentKind, SearchDocument
from tests.factories import make_category, make_event, make_moderator, make_thread, make_user
from tests.search.helpers import titles


def review(word: str) -> None:
    db.session.add(WatchedWord(word=word, action=WatchedWordAction.REVIEW, language="es"))
    db.session.commit()


def is_hidden(kind: DocumentKind, object_id: int) -> bool:
    return db.session.scalar(
        select(SearchDocument.is_hidden).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id)
    )


def test_a_reply_awaiting_review_is_found_by_moderators_only_until_it_is_published(visitor):
    review("cripto")
    thread = make_thread(title="Regalías", body="Inicio", language="es")
    author = make_user()
    post = forum.reply_to_thread(author, thread, "Regalías en cripto monedas")

    assert titles("monedas", visitor) == [] and titles("monedas", make_user()) == []
    assert titles("monedas", author) == []  # the author sees it on the thread page, not in search
    [result] = services.search("monedas", make_moderator()).page.items
    assert result.is_hidden

    forum.publish_post(post)
    db.session.commit()
    assert titles("monedas", visitor) == ["Regalías en cripto monedas"]


def test_a_hidden_post_leaves_the_results_and_comes_back_when_restored(visitor):
    thread = make_thread(title="Regalías", body="Inicio", language="es")
    post = forum.reply_to_thread(make_user(), thread, "Oferta engañosa de patentes")
    forum.set_post_hidden(post, True)
    db.session.commit()
    assert titles("enganosa", visitor) == [] and is_hidden(DocumentKind.POST, post.id)

    forum.set_post_hidden(post, False)
    db.session.commit()
    assert titles("enganosa", visitor) == ["Oferta engañosa de patentes"]


def test_a_thread_carries_its_state_to_its_replies_and_its_opening_post_to_it(visitor):
    review("cripto")
    thread = forum.start_thread(make_user(), make_category(), "Pregunta sobre cripto", "Cuerpo", "es")
    assert is_hidden(DocumentKind.THREAD, thread.id)
    forum.publish_post(thread.first_post)
    db.session.commit()
    reply = forum.reply_to_thread(make_user(), thread, "Una respuesta")
    assert not is_hidden(DocumentKind.THREAD, thread.id) and not is_hidden(DocumentKind.POST, reply.id)

    forum.set_thread_hidden(thread, True)
    db.session.commit()
    assert is_hidden(DocumentKind.POST, reply.id)
    forum.set_thread_hidden(thread, False)
    forum.set_post_hidden(thread.first_post, True)
    db.session.commit()
    assert is_hidden(DocumentKind.THREAD, thread.id) and not is_hidden(DocumentKind.POST, reply.id)


def test_an_event_awaiting_review_or_hidden_is_found_by_moderators_only(visitor):
    held = make_event(title="Taller de cripto", language="es", awaiting_review=True)
    hidden = make_event(title="Taller engañoso", language="es")
    events.set_event_hidden(hidden, True)
    db.session.commit()
    moderator = make_moderator(locale="en")
    assert titles("taller", visitor) == [] and titles("taller", make_user()) == []
    assert sorted(titles("taller", moderator)) == ["Taller de cripto", "Taller engañoso"]

    events.publish_event(held)
    db.session.commit()
    assert titles("taller", visitor) == ["Taller de cripto"]


def test_a_reindex_takes_the_hidden_mark_from_the_content(visitor):
    thread = make_thread(title="Oculto por fuera", body="Cuerpo", language="es")
    # Changed behind the ORM's back (as a data fix would): the index learns it on the next re-index.
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(is_hidden=True))
    db.session.commit()
    assert titles("oculto", visitor) == ["Oculto por fuera"]
    services.reindex()
    assert titles("oculto", visitor) == []
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(is_hidden=False))
    db.session.commit()
    services.reindex()
    assert titles("oculto", visitor) == ["Oculto por fuera"]


def test_moderators_see_results_awaiting_review_marked_as_such(client, login):
    review("cripto")
    forum.start_thread(make_user(), make_category(), "Patentes y cripto", "Cuerpo", "es")
    login(make_moderator(locale="en"))
    page = client.get("/search?q=patentes").get_data(as_text=True)
    assert "y cripto" in page and "Awaiting review" in page
