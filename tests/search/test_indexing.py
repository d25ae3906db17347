"""The index follows the content: what is written, edited, moved, hidden or deleted is searchable (or not) at once."""

import pytest
from sqlalchemy import func, select

from community.accounts import services as accounts
from community.events import services as events
from community.events.models import EventStatus
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Thread
from community.profiles import services as profiles
from community.profiles.models import ExpertiseArea, Visibility
from community.search import services
from community.search.models import DocumentKind, SearchDocument
from tests.factories import (
    PASSWORD,
    make_admin,
    make_category,
    make_event,
    make_institution,
    make_profile,
    make_thread,
    make_user,
)
from tests.search.helpers import titles


def document_count() -> int:
    return db.session.scalar(select(func.count(SearchDocument.id)))


def test_a_new_thread_and_its_replies_are_searchable_once_committed(visitor):
    thread = make_thread(title="Spin-offs universitarias", body="¿Cómo valoran la participación?", language="es")
    assert titles("participacion", visitor) == ["Spin-offs universitarias"]
    forum.reply_to_thread(make_user(), thread, "Usamos un **término de referencia** estándar")
    [reply] = services.search("referencia", visitor).page.items
    assert reply.kind is DocumentKind.POST and reply.target.thread_id == thread.id


def test_the_document_holds_plain_text_not_markdown_or_html(app):
    make_thread(title="Formato", body="**Negrita** y [un enlace](https://example.org)\n\n- uno\n- dos", language="es")
    document = db.session.scalar(select(SearchDocument).where(SearchDocument.kind == DocumentKind.THREAD))
    assert document.body == "Negrita y un enlace\nuno\ndos"


def test_an_edited_post_is_found_by_its_new_words_only(visitor):
    thread = make_thread(title="Pregunta", body="Texto inicial", language="es")
    author = make_user()
    post = forum.reply_to_thread(author, thread, "Hablamos de regalías")
    forum.edit_post(author, post, "Hablamos de hitos de pago")
    assert titles("regalias", visitor) == []
    assert len(titles("hitos", visitor)) == 1


def test_editing_the_opening_post_changes_the_threads_document(visitor):
    thread = make_thread(title="Consulta", body="Sobre marcas colectivas", language="es")
    forum.edit_post(thread.author, thread.first_post, "Sobre indicaciones geográficas")
    assert titles("colectivas", visitor) == []
    assert titles("geograficas", visitor) == ["Consulta"]


def test_a_deleted_reply_disappears_and_a_deleted_opening_post_leaves_the_title(visitor):
    thread = make_thread(title="Convenios marco", body="Cuerpo secreto", language="es")
    author = make_user()
    post = forum.reply_to_thread(author, thread, "Respuesta secreta")
    forum.delete_post(author, post)
    forum.delete_post(thread.author, thread.first_post)
    assert titles("secreta", visitor) == [] and titles("secreto", visitor) == []
    assert titles("convenios", visitor) == ["Convenios marco"]


def test_a_thread_moved_to_another_category_takes_its_replies_along(visitor):
    first, second = make_category(), make_category()
    thread = make_thread(category=first, title="Mudanza", body="Cuerpo", language="es", replies=2)
    db.session.get(Thread, thread.id).category = second
    db.session.commit()
    ids = set(db.session.scalars(select(SearchDocument.category_id).where(SearchDocument.thread_id == thread.id)))
    assert ids == {second.id}


def test_a_deleted_thread_takes_every_document_of_it_along(app):
    thread = make_thread(replies=3)
    assert document_count() > 4
    db.session.delete(db.session.get(Thread, thread.id))
    db.session.commit()
    kinds = set(db.session.scalars(select(SearchDocument.kind)))
    assert kinds == {DocumentKind.MEMBER}


def test_events_follow_their_edits_and_stay_findable_when_cancelled(visitor):
    organizer = make_user()
    event = make_event(organizer=organizer, title="Taller de valoración", language="es")
    data = events.follow_up_template(event)
    data.title, data.starts_local, data.ends_local = "Taller de negociación", data.starts_local, data.ends_local
    data.follow_up_of_id = None
    events.update_event(organizer, event, data)
    assert titles("valoracion", visitor) == []
    assert titles("negociacion", visitor) == ["Taller de negociación"]
    events.cancel_event(organizer, event)
    [result] = services.search("negociacion", visitor).page.items
    assert result.target.status is EventStatus.CANCELLED


def test_minutes_make_an_event_findable_by_what_was_decided(visitor):
    organizer = make_user()
    from datetime import timedelta

    event = make_event(organizer=organizer, title="Reunión de cierre", starts_in=timedelta(days=-3), language="es")
    events.post_minutes(organizer, event, "Acordamos un **fondo semilla** regional")
    assert titles('"fondo semilla"', visitor) == ["Reunión de cierre"]


def test_a_profile_is_found_by_what_it_says_and_as_its_owner_chose(visitor):
    member = make_user(display_name="Camila Rojas", country="CO")
    profiles.update_profile(
        member, display_name="Camila Rojas", country="CO", headline="Valoración de tecnologías",
        organization="Universidad de Antioquia", bio="Trabajo en **spin-offs**.", visibility="public",
    )  # fmt: skip
    assert titles("antioquia valoracion", visitor) == ["Camila Rojas"]
    profiles.update_profile(member, display_name="Camila Rojas", country="CO", visibility="members")
    assert titles("camila", visitor) == []
    assert titles("camila", make_user()) == ["Camila Rojas"]
    assert titles("antioquia", make_user()) == []  # the organization was removed


def test_a_member_is_found_by_handle(visitor):
    member = make_user(display_name="Lucía Hernández Gómez")
    make_profile(member, visibility=Visibility.PUBLIC)
    assert titles(f"@{member.handle}", visitor) == ["Lucía Hernández Gómez"]


def test_expertise_areas_find_members_in_every_language(visitor):
    member = make_user(display_name="Diego Paz")
    make_profile(member, expertise=["licensing"], visibility=Visibility.PUBLIC)
    area = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == "licensing"))
    for name in (area.name_es, area.name_pt, area.name_en):
        assert titles(name, visitor) == ["Diego Paz"], name
    profiles.update_expertise_area(make_admin(), area, "Tech licensing", area.name_es, area.name_pt, area.position)
    assert titles('"tech licensing"', visitor) == ["Diego Paz"]


def test_a_verified_institution_is_part_of_the_members_document(visitor):
    institution = make_institution("Instituto Butantan", "BR")
    member = make_user(display_name="Bruna Lima", country="BR")
    make_profile(member, visibility=Visibility.PUBLIC)
    profiles.verify_member(make_admin(), member, institution)
    assert titles("butantan", visitor) == ["Bruna Lima"]
    profiles.update_institution(make_admin(), institution, "Instituto Butantan de Vacinas", "BR")
    assert titles("vacinas", visitor) == ["Bruna Lima"]


def test_a_member_appears_once_approved_and_disappears_when_the_account_is_deleted(app):
    member = make_user(display_name="Tomás Vidal", is_approved=False)
    reader = make_user()
    assert titles("vidal", reader) == []
    accounts.approve_member(make_admin(), member)
    assert titles("vidal", reader) == ["Tomás Vidal"]
    accounts.delete_account(member, PASSWORD)
    assert titles("vidal", reader) == []
    assert db.session.scalar(select(SearchDocument).where(SearchDocument.object_id == member.id,
                                                          SearchDocument.kind == DocumentKind.MEMBER)) is None


def test_a_rolled_back_change_leaves_the_index_alone(visitor):
    thread = make_thread(title="Original", body="Cuerpo", language="es")
    db.session.get(Thread, thread.id).title = "Cambiado"
    db.session.flush()
    db.session.rollback()
    assert titles("original", visitor) == ["Original"] and titles("cambiado", visitor) == []


def test_activity_that_search_does_not_show_writes_no_document(app, count_queries):
    member = make_user()
    thread = make_thread()
    with count_queries() as queries:
        forum.set_thread_pinned(thread, True)
        member.last_seen_at = None
        db.session.commit()
    assert not [statement for statement in queries.statements if "search_documents" in statement]


def test_hidden_documents_stay_hidden_when_their_source_is_edited(app):
    thread = make_thread(title="Oculto", body="Cuerpo", language="es")
    forum.set_thread_hidden(thread, True)
    db.session.commit()
    forum.edit_post(thread.author, thread.first_post, "Cuerpo nuevo")
    assert titles("oculto", make_user()) == []


@pytest.mark.parametrize("replies", [1, 40])
def test_indexing_a_reply_costs_the_same_whatever_the_size_of_the_thread(app, count_queries, replies):
    thread = make_thread(replies=replies)
    author = make_user()
    forum.reply_to_thread(author, thread, "warm-up")
    with count_queries() as queries:
        forum.reply_to_thread(author, thread, "Una respuesta más")
    search_statements = [s for s in queries.statements if "search_documents" in s]
    # One read of the reply with its thread, one write of its document, whatever the thread's size.
    assert len(search_statements) == 1, search_statements
    assert len(queries.statements) <= 12
