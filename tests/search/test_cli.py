"""`flask search reindex`: rebuild the index from the content, after an upgrade or a restore."""

from sqlalchemy import delete, func, insert, select, update

from community.extensions import db
from community.forum.models import Post
from community.profiles.models import Visibility
from community.search import services
from community.search.models import DocumentKind, SearchDocument
from community.types import utcnow
from tests.factories import make_event, make_profile, make_thread, make_user
from tests.search.helpers import titles


def documents() -> set[tuple[str, int]]:
    db.session.expire_all()
    return {(kind.value, object_id) for kind, object_id in db.session.execute(
        select(SearchDocument.kind, SearchDocument.object_id))}  # fmt: skip


def test_reindex_rebuilds_a_lost_index_with_a_progress_bar(runner, visitor):
    thread = make_thread(title="Regalías mínimas", body="Cuerpo", language="es", replies=2)
    make_event(title="Foro de regalías", language="es")
    make_profile(make_user(display_name="Regalías Expert"), visibility=Visibility.PUBLIC)
    before = documents()
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert titles("regalias", visitor) == []

    result = runner.invoke(args=["search", "reindex", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output
    assert f"{len(before)} documents indexed." in result.output
    assert documents() == before
    assert sorted(titles("regalias", visitor)) == ["Foro de regalías", "Regalías Expert", "Regalías mínimas"]
    assert len(services.search("reply", visitor).page.items) == 2
    assert ("thread", thread.id) in documents()


def test_reindex_picks_up_content_written_behind_the_services_back(app, visitor):
    thread = make_thread(title="Inicio", body="Cuerpo", language="es")
    # Bulk inserts (imports, restores) skip the ORM and its index upkeep.
    db.session.execute(insert(Post).values(thread_id=thread.id, number=2, author_id=thread.author_id,
                                           body="importado", body_html="<p>Texto importado</p>", created_at=utcnow()))
    db.session.execute(update(Post).where(Post.number == 1).values(body_html="<p>Cuerpo corregido</p>"))
    db.session.commit()
    assert titles("importado", visitor) == [] and titles("corregido", visitor) == []
    services.reindex()
    assert len(titles("importado", visitor)) == 1 and titles("corregido", visitor) == ["Inicio"]


def test_reindex_removes_documents_whose_source_is_gone_and_keeps_hidden_ones_hidden(app, visitor):
    thread = make_thread(title="Oculto", body="Cuerpo", language="es")
    thread.is_hidden = True  # hidden by a moderator: the document follows its source
    db.session.execute(insert(SearchDocument).values(kind=DocumentKind.POST, object_id=999, language="es",
                                                     title="", body="fantasma", indexed_at=utcnow()))
    db.session.commit()
    services.reindex()
    assert ("post", 999) not in documents()
    assert db.session.scalar(select(SearchDocument.is_hidden).where(SearchDocument.object_id == thread.id,
                                                                    SearchDocument.kind == DocumentKind.THREAD))
    assert titles("oculto", visitor) == []


def test_reindex_of_an_empty_site(runner):
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "0 documents indexed." in result.output
    assert db.session.scalar(select(func.count(SearchDocument.id))) == 0
