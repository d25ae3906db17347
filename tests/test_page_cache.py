"""Pages are kept rendered for a few seconds: visitors' pages, and the directory and search for members."""

import re
from datetime import timedelta

import pytest

from community.accounts.models import Role
from community.extensions import cache, db
from community.forum import services as forum
from community.types import utcnow
from tests.factories import make_category, make_event, make_profile, make_thread, make_user, member_client


@pytest.fixture
def app_config():
    return {"VISITOR_PAGE_CACHE_SECONDS": 30, "MEMBER_PAGE_CACHE_SECONDS": 30, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def thread(app):
    return make_thread(title="Licencias de vacunas", language="es")


def csrf_token_in(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_visitor_gets_the_kept_page_without_any_sql(app, thread, count_queries):
    first = app.test_client().get(f"/forum/t/{thread.id}")
    forum.reply_to_thread(make_user(), thread, "Una respuesta nueva")

    with count_queries() as queries:
        again = app.test_client().get(f"/forum/t/{thread.id}")

    assert first.status_code == again.status_code == 200
    assert queries.count == 0
    assert "Una respuesta nueva" not in again.text  # for up to VISITOR_PAGE_CACHE_SECONDS


def test_members_always_see_the_fresh_thread(app, client, login, thread):
    app.test_client().get(f"/forum/t/{thread.id}")  # a visitor's copy is kept
    forum.reply_to_thread(make_user(), thread, "Una respuesta nueva")
    login(make_user())

    assert "Una respuesta nueva" in client.get(f"/forum/t/{thread.id}").text


def test_each_visitor_gets_their_own_csrf_token_and_can_change_the_language(app, thread):
    first, second = app.test_client(), app.test_client()
    first_token = csrf_token_in(first.get(f"/forum/t/{thread.id}").text)
    second_page = second.get(f"/forum/t/{thread.id}").text  # served from the kept copy
    second_token = csrf_token_in(second_page)

    assert first_token != second_token
    assert "csrf-slot-" not in second_page
    response = second.post("/language", data={"csrf_token": second_token, "locale": "pt", "next": "/forum/"})
    assert response.status_code == 302
    assert '<html lang="pt"' in second.get("/forum/").text


def test_each_language_has_its_own_copy(app, thread):
    spanish = app.test_client().get("/forum/", headers={"Accept-Language": "es"})
    portuguese = app.test_client().get("/forum/", headers={"Accept-Language": "pt-BR"})

    assert '<html lang="es"' in spanish.text
    assert '<html lang="pt"' in portuguese.text


def test_a_page_with_a_message_for_one_visitor_is_not_kept(app, client, login, thread):
    login(make_user())
    client.post("/logout", data={"csrf_token": csrf_token_in(client.get("/forum/").text)})
    with_message = client.get("/forum/")  # "You have been logged out", for this visitor only

    other = app.test_client().get("/forum/")

    assert 'class="flash-messages"' in with_message.text
    assert 'class="flash-messages"' not in other.text


def test_errors_are_not_kept(app):
    next_id = make_thread(title="Primero").id + 1
    assert app.test_client().get(f"/forum/t/{next_id}").status_code == 404

    assert make_thread(title="Segundo").id == next_id
    assert app.test_client().get(f"/forum/t/{next_id}").status_code == 200


def test_every_page_visitors_read_most_is_kept(app, thread, count_queries):
    from tests.factories import make_opportunity

    event = make_event(title="Reunión de seguimiento")
    opportunity = make_opportunity(title="Vacuna termoestable")
    make_profile(make_user(display_name="Rosa Quispe"), visibility="public")
    paths = ["/", "/forum/", "/forum/latest", f"/forum/c/{thread.category.slug}", f"/forum/t/{thread.id}",
             "/events/", f"/events/{event.id}", "/members", "/search?q=vacuna", "/opportunities/",
             f"/opportunities/{opportunity.id}"]  # fmt: skip
    for path in paths:
        assert app.test_client().get(path).status_code == 200, path

    for path in paths:
        with count_queries() as queries:
            assert app.test_client().get(path).status_code == 200, path
        assert queries.count == 0, path


# Members: the directory and search are the same for every plain member


def menu_profile_link(member) -> str:
    return f'<a class="nav-link" href="/members/{member.id}">'


def test_members_share_the_directory_and_each_gets_their_own_menu_and_token(app):
    first, first_member = member_client(app)
    second, second_member = member_client(app)
    first_page = first.get("/members").text
    make_profile(make_user(display_name="Rosa Quispe"))

    second_page = second.get("/members").text  # the copy kept from the first member's visit

    assert "Rosa Quispe" not in second_page  # for up to MEMBER_PAGE_CACHE_SECONDS
    assert menu_profile_link(first_member) in first_page
    assert menu_profile_link(second_member) in second_page
    assert menu_profile_link(first_member) not in second_page
    assert "slot-" not in second_page
    token = csrf_token_in(second_page)
    assert token != csrf_token_in(first_page)
    assert second.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_member_sees_their_own_unread_counts_on_a_kept_page(app):
    from community.notifications.models import NotificationKind
    from community.notifications.services import notify

    first, _ = member_client(app, locale="en")
    second, second_member = member_client(app, locale="en")
    first.get("/search?q=vacuna")
    assert "Notifications: 1 unread" not in second.get("/search?q=vacuna").text  # their menu, as it was
    thread = make_thread(author=make_user())
    notify([second_member], NotificationKind.NEW_THREAD, target_type="thread", target_id=thread.id)
    db.session.commit()

    assert "Notifications: 1 unread" in second.get("/search?q=vacuna").text
    assert "Notifications: 1 unread" not in first.get("/search?q=vacuna").text


def test_a_member_who_just_sent_a_form_sees_their_own_change_at_once(app):
    make_category(slug="patentes")
    writer, _ = member_client(app)
    reader, _ = member_client(app)
    reader.get("/search?q=termoestable")
    writer.get("/search?q=termoestable")

    form = writer.get("/forum/c/patentes/new").text
    data = {"title": "Vacuna termoestable", "language": "es", "body": "Buscamos licenciatarios.",
            "csrf_token": csrf_token_in(form)}  # fmt: skip
    assert writer.post("/forum/c/patentes/new", data=data).status_code == 302

    assert "Vacuna <mark>termoestable</mark>" in writer.get("/search?q=termoestable").text
    assert "Vacuna <mark>termoestable</mark>" not in reader.get("/search?q=termoestable").text


def test_each_timezone_has_its_own_copy(app):
    make_event(title="Taller de licenciamiento", timezone="America/Mexico_City", starts_in=timedelta(days=30))
    in_mexico, _ = member_client(app, locale="en", timezone="America/Mexico_City")
    in_brazil, _ = member_client(app, locale="en", timezone="America/Sao_Paulo")

    mexico_page = in_mexico.get("/search?q=taller").text
    brazil_page = in_brazil.get("/search?q=taller").text

    assert "de licenciamiento" in mexico_page
    assert "your time" not in mexico_page  # the event's own timezone
    assert "your time" in brazil_page


@pytest.mark.parametrize("who", ["moderator", "silenced"])
def test_moderators_and_silenced_members_always_get_fresh_pages(app, who):
    values = {"role": Role.MODERATOR} if who == "moderator" else {"silenced_until": utcnow() + timedelta(days=3)}
    plain, _ = member_client(app)
    plain.get("/members")
    client, member = member_client(app, **values)
    make_profile(make_user(display_name="Rosa Quispe"))

    page = client.get("/members").text

    assert "Rosa Quispe" in page
    assert menu_profile_link(member) in page


@pytest.mark.parametrize(("path", "status"), [("/members?country=ZZ", 422), ("/search?q=vacuna&kind=nada", 404)])
def test_a_page_not_kept_still_has_the_members_own_menu(app, path, status):
    client, member = member_client(app)

    response = client.get(path)

    assert response.status_code == status
    assert menu_profile_link(member) in response.text
    assert "slot-" not in response.text


def language_switcher_return_address(page: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', page).group(1)


def test_the_bar_and_footer_kept_for_members_carry_each_members_own_menu_token_and_address(app):
    first, first_member = member_client(app)
    second, second_member = member_client(app)
    first_page = first.get("/").text  # the dashboard: rendered for each member, around a kept frame

    second_page = second.get("/messages/?page=1").text

    assert menu_profile_link(first_member) in first_page
    assert menu_profile_link(second_member) in second_page
    assert menu_profile_link(first_member) not in second_page
    assert "slot-" not in second_page
    assert language_switcher_return_address(first_page) == "/"
    assert language_switcher_return_address(second_page) == "/messages/?page=1"
    token = csrf_token_in(second_page)
    assert token != csrf_token_in(first_page)
    data = {"csrf_token": token, "locale": "pt", "next": language_switcher_return_address(second_page)}
    answer = second.post("/language", data=data)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/messages/?page=1"


def test_the_return_address_of_the_language_switcher_is_escaped(app):
    client, _ = member_client(app)

    page = client.get('/messages/?page=1&x="><script>').text

    assert '"><script>' not in page
    assert language_switcher_return_address(page).startswith("/messages/?page=1&amp;x=")


def test_the_kept_bar_shows_each_reader_their_own_links(app):
    plain, _ = member_client(app, locale="en")
    moderator, _ = member_client(app, locale="en", role=Role.MODERATOR)
    plain.get("/")

    moderator_page = moderator.get("/").text
    plain_page = plain.get("/").text
    visitor_page = app.test_client().get("/login", headers={"Accept-Language": "en"}).text

    assert "moderation-link" in moderator_page
    assert "moderation-link" not in plain_page
    assert 'class="nav-link messages-link"' in plain_page
    assert 'class="nav-link messages-link"' not in visitor_page
    assert ">Log in</a>" in visitor_page
    assert ">Log in</a>" not in plain_page


def test_members_share_the_event_list_each_with_their_own_answers(app, count_queries):
    from community.events.models import RSVPStatus
    from community.events.services import rsvp_to_event

    make_event(title="Taller de licenciamiento", starts_in=timedelta(days=3))
    event = make_event(title="Seminario de patentes", starts_in=timedelta(days=5))
    attending, attendee = member_client(app, locale="en")
    other, _ = member_client(app, locale="en")
    rsvp_to_event(attendee, event, RSVPStatus.GOING)
    other_page = other.get("/events/").text
    make_event(title="Reunión de seguimiento", starts_in=timedelta(days=4))
    attending.get("/notifications")  # the member's first page of the day writes when they were last seen

    with count_queries() as queries:
        attendee_page = attending.get("/events/").text

    assert "Reunión de seguimiento" not in attendee_page  # the copy kept from the other member's visit
    assert '<span class="badge text-bg-primary">Going</span>' in attendee_page
    assert '<span class="badge text-bg-primary">Going</span>' not in other_page
    assert attendee_page.index("Taller de licenciamiento") < attendee_page.index(">Going<")
    assert attendee_page.index("Seminario de patentes") < attendee_page.index(">Going<")
    assert "slot-" not in attendee_page
    assert queries.count == 2  # the member with the menu's counts, their answers


def test_members_share_an_events_page_each_with_their_own_answer(app, count_queries):
    from community.events.models import RSVPStatus
    from community.events.services import rsvp_to_event

    event = make_event(title="Taller de regalías", starts_in=timedelta(days=3))
    interested_client, interested = member_client(app, locale="en")
    going_client, going = member_client(app, locale="en")
    other_going_client, other_going = member_client(app, locale="en")
    other, _ = member_client(app, locale="en")
    rsvp_to_event(interested, event, RSVPStatus.INTERESTED)
    rsvp_to_event(going, event, RSVPStatus.GOING)
    rsvp_to_event(other_going, event, RSVPStatus.GOING)
    path = f"/events/{event.id}"
    other_page = other.get(path).text
    going_client.get(path)
    event.venue = "Sala nueva"
    db.session.commit()
    interested_client.get("/notifications")  # the member's first page of the day writes when they were last seen

    with count_queries() as queries:
        interested_page = interested_client.get(path).text
    other_going_page = other_going_client.get(path).text

    assert "Sala nueva" not in interested_page  # the copy kept from the other member's visit
    assert "Your answer: Interested" in interested_page and "Your answer:" not in other_page
    assert re.search(r'<input checked[^>]*value="interested"', interested_page)  # their answer, chosen in the form
    assert "Sala nueva" not in other_going_page and "Your answer: Going" in other_going_page
    # Those going share a copy of their own: it has the online link and their reminders.
    assert event.online_url in other_going_page and "Reminders" in other_going_page
    assert event.online_url not in interested_page and "Reminders" not in interested_page
    assert "slot-" not in interested_page and "slot-" not in other_going_page
    assert queries.count == 2  # the member with the menu's counts, the event with their answer


def test_members_with_the_same_answer_share_its_panel_each_with_their_own_reminders_and_token(app):
    from community.events.models import RSVPStatus
    from community.events.services import get_rsvp, rsvp_to_event

    event = make_event(title="Taller de regalías", starts_in=timedelta(days=3))
    clients = {}
    for name in ("first", "second", "no reminders"):
        clients[name], member = member_client(app, locale="en")
        rsvp_to_event(member, event, RSVPStatus.GOING)
    get_rsvp(member, event).remind_day_before = False
    db.session.commit()
    path = f"/events/{event.id}"
    clients["first"].get(path)  # keeps the page, and the panel of those going with both reminders

    pages = {name: clients[name].get(path).text for name in ("second", "no reminders")}

    day_before_checked = r'<input checked[^>]*name="remind_day_before"'
    assert re.search(day_before_checked, pages["second"])
    assert not re.search(day_before_checked, pages["no reminders"])
    assert 'name="remind_day_before"' in pages["no reminders"]
    for page in pages.values():  # the answer and reminders forms carry the reader's own token
        assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {csrf_token_in(page)}
    assert csrf_token_in(pages["second"]) != csrf_token_in(pages["no reminders"])


def test_an_events_organizer_gets_its_page_afresh_with_their_tools(app):
    event = make_event(title="Taller de regalías", organizer=make_user(locale="en"))
    reader, _ = member_client(app, locale="en")
    organizer = app.test_client()
    with organizer.session_transaction() as session:
        session["_user_id"] = event.organizer.get_id()
    reader.get(f"/events/{event.id}")

    page = organizer.get(f"/events/{event.id}").text

    assert "For the organizers" in page and event.online_url in page


def test_members_share_a_category_each_with_their_own_unread_marks_and_watch_button(app, count_queries):
    category = make_category(slug="patentes")
    read = make_thread(category=category, title="Búsqueda de anterioridad", language="es")
    unread = make_thread(category=category, title="Regalías en biotecnología", language="es")
    reader, reader_member = member_client(app, locale="en")
    other, _ = member_client(app, locale="en")
    forum.watch_category(reader_member, category)
    reader.get(f"/forum/t/{read.id}")  # both read to the end
    reader.get(f"/forum/t/{unread.id}")
    other_page = other.get("/forum/c/patentes").text
    make_thread(category=category, title="Licencias cruzadas", language="es")
    forum.reply_to_thread(make_user(), unread, "Una respuesta nueva")

    with count_queries() as queries:
        reader_page = reader.get("/forum/c/patentes").text

    assert "Licencias cruzadas" not in reader_page  # the copy kept from the other member's visit
    reader_row = reader_page.split(f'href="/forum/t/{unread.id}"')[1].split("</li>")[0]
    assert "1 unread reply" in reader_row  # the reply came after the copy was made: the marks are fresh
    assert "unread-marker" not in reader_page.split(f'href="/forum/t/{read.id}"')[1].split("</li>")[0]
    assert other_page.count(">New<") == 2
    assert "Stop watching" in reader_page and "Watch this category" in other_page
    assert "slot-" not in reader_page
    # The member with the menu's counts, whether a thread of theirs awaits review, their marks, their watch.
    assert queries.count == 4


def test_members_who_read_other_languages_get_their_own_list(app):
    category = make_category(slug="patentes")
    make_thread(category=category, title="Busca de anterioridade", language="pt")
    everything, _ = member_client(app)
    spanish_only, _ = member_client(app, content_languages="es")

    assert "Busca de anterioridade" in everything.get("/forum/c/patentes").text
    assert "Busca de anterioridade" not in spanish_only.get("/forum/c/patentes").text


def test_a_member_whose_thread_awaits_review_sees_it_in_the_list(app):
    category = make_category(slug="patentes")
    make_thread(category=category, title="Búsqueda de anterioridad")
    author, author_member = member_client(app)
    other, _ = member_client(app)
    other.get("/forum/c/patentes")
    held = make_thread(category=category, author=author_member, title="Mi primera pregunta")
    held.awaiting_review = True
    db.session.commit()

    assert "Mi primera pregunta" in author.get("/forum/c/patentes").text
    assert "Mi primera pregunta" not in other.get("/forum/c/patentes").text


def posts_of(thread):
    from sqlalchemy import select

    from community.forum.models import Post

    return list(db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.number)))


def post_card(page: str, number: int) -> str:
    return page.split(f'id="post-{number}"')[1].split("</article>")[0]


def test_members_share_a_thread_page_each_with_their_own_marks(app, count_queries):
    thread = make_thread(title="Regalías en biotecnología", replies=3)
    posts = posts_of(thread)
    reading, reader = member_client(app, locale="en")
    other, _ = member_client(app, locale="en")
    forum.watch_thread(reader, thread)
    forum.toggle_helpful(reader, posts[1])
    forum.mark_read(reader, thread, posts[:2])
    other_page = other.get(f"/forum/t/{thread.id}").text  # kept for both
    posts[3].body_html = "<p>Texto corregido</p>"
    db.session.commit()

    reader_page = reading.get(f"/forum/t/{thread.id}").text

    assert "Texto corregido" not in reader_page  # the kept copy, for up to MEMBER_PAGE_CACHE_SECONDS
    assert "Stop watching" in reader_page and "Watch this thread" in other_page
    assert 'aria-pressed="true"' in post_card(reader_page, 2)
    assert 'aria-pressed="true"' not in other_page
    assert [("unread-marker" in post_card(reader_page, n)) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert all("unread-marker" in post_card(other_page, n) for n in (1, 2, 3, 4))
    assert "slot-" not in reader_page
    assert forum.last_read_number(reader, thread) == 4  # reading the kept copy moved the read marker

    with count_queries() as queries:
        again = reading.get(f"/forum/t/{thread.id}").text
    assert "unread-marker" not in again and 'id="first-unread"' not in again
    # The member with the menu's counts, the thread with their read marker, and their marks on the page
    # (whether they wrote one of its posts, which they found helpful): nothing is written on a page read before.
    assert queries.count == 3


def test_a_new_reply_shows_at_once_on_a_shared_thread_page(app):
    thread = make_thread(title="Regalías en biotecnología")
    first, _ = member_client(app)
    second, _ = member_client(app)
    first.get(f"/forum/t/{thread.id}")
    forum.reply_to_thread(make_user(), thread, "Una respuesta nueva")

    assert "Una respuesta nueva" in second.get(f"/forum/t/{thread.id}").text


def test_a_member_who_wrote_a_post_of_the_page_gets_it_with_their_buttons(app):
    thread = make_thread(title="Regalías en biotecnología")
    author, author_member = member_client(app, locale="en")
    forum.reply_to_thread(author_member, thread, "Mi respuesta")
    other, _ = member_client(app, locale="en")
    other_page = other.get(f"/forum/t/{thread.id}").text

    author_page = author.get(f"/forum/t/{thread.id}").text

    edit_link = f'href="/forum/posts/{posts_of(thread)[1].id}/edit"'
    assert edit_link in author_page
    assert edit_link not in other_page


def test_a_kept_page_is_exactly_the_page_the_member_would_get_afresh(app):
    """Every member's own mark filled into a kept copy reads as it does on the page rendered for them."""
    from community.events.models import RSVPStatus
    from community.events.services import rsvp_to_event

    category = make_category(slug="patentes")
    thread = make_thread(category=category, title="Regalías en biotecnología", replies=3, language="es")
    make_thread(category=category, title="Búsqueda de anterioridad", language="es")
    event = make_event(title="Taller de regalías", starts_in=timedelta(days=3))
    make_profile(make_user(display_name="Rosa Quispe"))
    first, _ = member_client(app, locale="en", timezone="America/Mexico_City")
    second, member = member_client(app, locale="en", timezone="America/Mexico_City")
    forum.watch_category(member, category)
    forum.watch_thread(member, thread)
    forum.toggle_helpful(member, posts_of(thread)[2])
    forum.mark_read(member, thread, posts_of(thread)[:2])
    forum.mark_read(member, thread, posts_of(thread))  # the thread page, read before, is not written to
    rsvp_to_event(member, event, RSVPStatus.INTERESTED)
    paths = ["/members", "/search?q=regal%C3%ADas", "/events/", f"/events/{event.id}", "/forum/c/patentes",
             f"/forum/t/{thread.id}"]  # fmt: skip

    def without_token(page: str) -> str:
        return page.replace(csrf_token_in(page), "TOKEN")

    app.config["MEMBER_PAGE_CACHE_SECONDS"] = 0
    fresh = {path: without_token(second.get(path).text) for path in paths}
    app.config["MEMBER_PAGE_CACHE_SECONDS"] = 30
    for path in paths:
        first.get(path)  # kept, with a slot for each of the member's marks
        assert without_token(second.get(path).text) == fresh[path], path


def test_a_kept_page_costs_a_member_the_same_queries_however_long_its_list(app, count_queries):
    """Each kind of mark is read for the whole page at once: a longer list adds no query."""
    from community.events.models import RSVPStatus
    from community.events.services import rsvp_to_event

    category = make_category(slug="patentes")
    thread = make_thread(category=category, title="Regalías en biotecnología")
    make_event(title="Taller de licenciamiento")
    first, _ = member_client(app)
    reader, member = member_client(app)
    paths = ["/events/", "/forum/c/patentes", f"/forum/t/{thread.id}"]
    reader.get("/notifications")  # the member's first page of the day writes when they were last seen

    def statements_per_page() -> list[int]:
        counts = []
        for path in paths:
            first.get(path)  # a fresh copy for this size
            reader.get(path)  # the thread page moves the member's read marker once
            with count_queries() as queries:
                reader.get(path)
            counts.append(queries.count)
        return counts

    app.config["MEMBER_PAGE_CACHE_SECONDS"] = 30
    few = statements_per_page()
    for number in range(12):
        event = make_event(title=f"Taller {number}", starts_in=timedelta(days=number + 1))
        rsvp_to_event(member, event, RSVPStatus.GOING)
        make_thread(category=category, title=f"Pregunta {number}")
        forum.toggle_helpful(member, forum.reply_to_thread(make_user(), thread, f"Respuesta {number}"))
    cache.clear()  # copies of the longer lists
    many = statements_per_page()

    assert few == many == [2, 4, 3]
