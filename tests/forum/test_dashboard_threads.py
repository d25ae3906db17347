"""The dashboard's "Latest threads" panel: what each member sees there, and what it costs."""

from datetime import timedelta

from community.extensions import db
from community.forum import services
from community.types import utcnow
from tests.factories import make_category, make_moderator, make_thread, make_user


def panel(page: str) -> str:
    return page.split('id="forum-heading"')[1].split("</section>")[0]


def row(panel_html: str, title: str) -> str:
    return panel_html.split(title)[1].split("</li>")[0]


def test_the_panel_lists_the_latest_threads_in_the_members_languages_with_what_they_have_not_read(client, login):
    category = make_category()
    read = make_thread(category=category, title="Regalías en biotecnología", language="es", replies=1)
    unread = make_thread(category=category, title="Busca de anterioridade", language="pt")
    make_thread(category=category, title="Licensing in English", language="en")
    member = login(make_user(locale="en", content_languages="es,pt"))
    services.mark_read(member, read, services.get_thread_page(read, 1).items)
    unread.last_post_at = utcnow() + timedelta(minutes=1)  # the latest activity
    db.session.commit()

    latest = panel(client.get("/").text)

    assert "Licensing in English" not in latest  # not a language the member reads
    assert latest.index("Busca de anterioridade") < latest.index("Regalías en biotecnología")
    assert "New" in row(latest, "Busca de anterioridade")
    read_row = row(latest, "Regalías en biotecnología")
    assert "New" not in read_row and "1 reply" in read_row


def test_hidden_threads_and_others_threads_awaiting_review_stay_out_but_for_moderators(client, login):
    category = make_category()
    author = make_user(locale="en")
    hidden = make_thread(category=category, title="Spam about patents")
    waiting = make_thread(category=category, author=author, title="Held for review")
    hidden.is_hidden, waiting.awaiting_review = True, True
    db.session.commit()

    login(make_user(locale="en"))
    member_panel = panel(client.get("/").text)
    login(author)
    author_panel = panel(client.get("/").text)
    login(make_moderator(locale="en"))
    moderator_panel = panel(client.get("/").text)

    assert "Spam about patents" not in member_panel and "Held for review" not in member_panel
    assert "Spam about patents" not in author_panel and "Awaiting review" in row(author_panel, "Held for review")
    assert "Hidden" in row(moderator_panel, "Spam about patents") and "Held for review" in moderator_panel


def test_the_panel_costs_the_same_statements_however_many_threads(client, login, count_queries):
    category = make_category()
    make_thread(category=category, title="Primera pregunta")
    login(make_user(locale="en"))
    client.get("/")  # the member's first page of the day writes when they were last seen
    with count_queries() as few:
        client.get("/")
    for number in range(8):
        make_thread(category=category, title=f"Pregunta {number}")
    with count_queries() as many:
        page = client.get("/").text

    assert len(panel(page).split("<li")) - 1 == 5  # the five latest
    assert many.count == few.count
