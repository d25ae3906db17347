"""The dashboard's panels are rendered once per worker for what they show (`page_cache.kept_fragment`).

Each panel's data is read afresh on every visit; only its HTML is reused, and only for the same data,
timezone and language. These tests say that a kept panel never shows a reader anything the panel would
not show them rendered afresh.
"""

import re
from datetime import timedelta

import pytest
from flask import render_template_string

from community import page_cache
from community.accounts.services import delete_account
from community.events.models import RSVPStatus
from community.events.services import rsvp_to_event
from community.extensions import db
from community.messages import services as messages
from community.page_cache import kept_piece
from community.profiles.models import OrganizationType
from community.types import utcnow
from tests.factories import (
    PASSWORD,
    make_category,
    make_event,
    make_opportunity,
    make_profile,
    make_thread,
    make_user,
    member_client,
)


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"')[1].split("</section>")[0]


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_a_kept_dashboard_is_exactly_the_dashboard_rendered_afresh(app):
    category = make_category()
    make_thread(category=category, title="Regalías en biotecnología", language="es", replies=2)
    make_event(title="Taller de valoración", country="MX", starts_in=timedelta(days=3))
    client, _member = member_client(app, locale="es", country="MX", timezone="America/Bogota")
    client.get("/")  # the first visit of the day writes when the member was last seen

    afresh = client.get("/").text
    kept = client.get("/").text  # every panel from the worker's kept pieces
    app.extensions["kept_pieces"].clear()

    assert "Regalías en biotecnología" in kept and "Taller de valoración" in kept
    assert without_tokens(kept) == without_tokens(afresh) == without_tokens(client.get("/").text)


def test_the_kept_greeting_and_account_card_show_a_new_name_and_country_at_once(app):
    client, member = member_client(app, locale="es", display_name="Ana Torres", country="MX")
    before = client.get("/").text

    member.display_name, member.country = "Ana Torres Quispe", "PE"
    db.session.commit()
    after = client.get("/").text

    assert "Ana Torres<" in before and "México" in section(before, "account-heading")
    assert "Ana Torres Quispe" in after.split("</h1>")[0]
    assert "Perú" in section(after, "account-heading") and "México" not in section(after, "account-heading")


def test_a_kept_panel_shows_a_new_thread_at_once(app):
    category = make_category()
    make_thread(category=category, title="Licencias de vacunas", language="es")
    client, _member = member_client(app, locale="es")
    before = section(client.get("/").text, "forum-heading")

    newer = make_thread(category=category, title="Búsqueda de anterioridades", language="es")
    newer.last_post_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    after = section(client.get("/").text, "forum-heading")

    assert "Búsqueda de anterioridades" not in before
    assert after.index("Búsqueda de anterioridades") < after.index("Licencias de vacunas")


def test_a_kept_panel_shows_the_members_answer_to_an_event_at_once(app):
    event = make_event(title="Reunión de seguimiento", starts_in=timedelta(days=5))
    client, member = member_client(app, locale="es")
    before = section(client.get("/").text, "my-events-heading")

    rsvp_to_event(member, event, RSVPStatus.GOING)
    after = section(client.get("/").text, "my-events-heading")

    assert "Reunión de seguimiento" not in before
    assert "Reunión de seguimiento" in after


def test_a_kept_panel_drops_a_counterpart_who_leaves_at_once(app):
    camila = make_user(display_name="Camila Muñoz", country="CL")
    make_profile(camila, expertise=["licensing"])
    make_profile(make_user(display_name="Diego Alarcón", country="PE"), expertise=["licensing"])
    client, member = member_client(app, locale="es", country="MX")
    make_profile(member, expertise=["licensing"])
    before = section(client.get("/").text, "counterparts-heading")

    delete_account(camila, PASSWORD)
    after = section(client.get("/").text, "counterparts-heading")

    assert "Camila Muñoz" in before and "Diego Alarcón" in before
    assert "Camila Muñoz" not in after and "Diego Alarcón" in after


def test_a_kept_matches_panel_shows_an_opportunity_changed_since_at_once(app):
    offer = make_opportunity(author=make_user(country="MX"), field="licensing", title="Licencia de vacuna")
    client, member = member_client(app, locale="es", country="BR")
    make_profile(member, expertise=["licensing"])
    before = section(client.get("/").text, "matches-heading")

    offer.title = "Licencia de vacuna termoestable"
    db.session.commit()
    after = section(client.get("/").text, "matches-heading")

    assert "Licencia de vacuna<" in before
    assert "Licencia de vacuna termoestable" in after


def test_a_kept_matches_panel_tells_each_member_why_the_same_opportunity_fits_them(app):
    make_opportunity(author=make_user(country="MX"), field="licensing", territories=["BR", "CL"])
    readers = {}
    for name, country, is_open, organization in (
        ("Ana", "BR", False, None), ("Bea", "CL", False, None), ("Carla", "BR", True, None),
        ("Dora", "BR", False, OrganizationType.COMPANY), ("Eva", "BR", False, OrganizationType.STARTUP),
    ):  # fmt: skip
        client, member = member_client(app, locale="es", country=country)
        make_profile(member, expertise=["licensing"], open_to_collaboration=is_open, organization_type=organization)
        readers[name] = client

    why = {name: section(client.get("/").text, "matches-heading") for name, client in readers.items()}

    assert "Brasil" in why["Ana"] and "Chile" not in why["Ana"]
    assert "Chile" in why["Bea"] and "Brasil" not in why["Bea"]  # their own country, not the kept one
    assert "Disponible para colaborar" in why["Carla"] and "Disponible para colaborar" not in why["Ana"]
    assert why["Dora"] != why["Eva"]  # each one's kind of organization


def test_a_kept_inbox_shows_a_new_message_and_its_unread_mark_at_once(app):
    client, member = member_client(app, locale="en", display_name="Ana")
    camila = make_user(display_name="Camila Muñoz")
    conversation = messages.start_conversation(member, [camila], "Licencia de vacunas", "¿Hablamos el lunes?")
    before = client.get("/messages/").text

    messages.reply(camila, conversation, "Sí, a las diez.")
    after = client.get("/messages/").text

    assert "You: ¿Hablamos el lunes?" in before and "unread" not in before
    assert "Camila Muñoz: Sí, a las diez." in after and "1 unread" in after


def test_a_kept_inbox_drops_its_page_links_when_the_second_page_empties(app):
    client, member = member_client(app, locale="en")
    conversations = [
        messages.start_conversation(make_user(), [member], f"Consulta {number}", "Hola")
        for number in range(messages.CONVERSATIONS_PER_PAGE + 1)
    ]
    before = client.get("/messages/").text

    oldest = messages.get_participation(member, conversations[0].id)
    messages.set_archived(member, oldest, archived=True)
    after = client.get("/messages/").text

    assert 'rel="next"' in before
    assert 'rel="next"' not in after and "Consulta 1<" in after  # the same first page, now the only one


def test_members_in_other_timezones_each_see_the_same_threads_in_their_own_time(app):
    thread = make_thread(category=make_category(), title="Licensing royalties", language="en")
    thread.last_post_at = utcnow().replace(hour=15, minute=0, second=0, microsecond=0)
    db.session.commit()
    in_mexico, _ = member_client(app, locale="en", timezone="America/Mexico_City")
    in_brazil, _ = member_client(app, locale="en", timezone="America/Sao_Paulo")

    mexico_panel = section(in_mexico.get("/").text, "forum-heading")
    brazil_panel = section(in_brazil.get("/").text, "forum-heading")

    # 15:00 UTC is 9:00 in Mexico City and 12:00 in São Paulo.
    assert "9:00" in mexico_panel and "12:00" not in mexico_panel
    assert "12:00" in brazil_panel and "9:00" not in brazil_panel


def test_members_who_read_in_other_languages_each_get_the_panel_in_theirs(app):
    make_thread(category=make_category(), title="Licencias de vacunas", language="es", replies=1)
    in_spanish, _ = member_client(app, locale="es")
    in_portuguese, _ = member_client(app, locale="pt")

    spanish_panel = section(in_spanish.get("/").text, "forum-heading")
    portuguese_panel = section(in_portuguese.get("/").text, "forum-heading")

    assert "1 respuesta" in spanish_panel and "Temas recientes" in spanish_panel
    assert "1 resposta" in portuguese_panel and "Tópicos recentes" in portuguese_panel


def test_a_fragment_refuses_what_could_change_under_the_same_identity(app):
    thread = make_thread(category=make_category(), title="Licencias de vacunas")

    block = '{% call kept_fragment("latest-threads", threads) %}<p>never rendered</p>{% endcall %}'
    for threads in ([thread], [(thread, 3)], ("Licencias", thread)):  # in a list, in a row, in a tuple
        with app.test_request_context("/"), pytest.raises(TypeError, match="plain values"):
            render_template_string(block, threads=threads)


def test_a_worker_keeps_the_pieces_it_uses_most_and_drops_the_least_used_first(app, monkeypatch):
    monkeypatch.setattr(page_cache, "PIECES_KEPT_CHARACTERS", 1_000)
    renders = []

    def piece(name: str, size: int = 100):
        return lambda: renders.append(name) or "x" * size

    with app.test_request_context("/"):
        kept_piece(("layout",), piece("layout"))
        for number in range(30):  # three times what the worker may keep
            kept_piece(("panel", number), piece(f"panel {number}"))
            kept_piece(("layout",), piece("layout"))  # used on every page
        kept_piece(("panel", 0), piece("panel 0"))
        huge = kept_piece(("huge",), piece("huge", size=5_000))
        kept_piece(("huge",), piece("huge", size=5_000))

    assert renders.count("layout") == 1  # never pushed out by the panels
    assert renders.count("panel 0") == 2  # the least recently used went first
    assert len(huge) == 5_000 and renders.count("huge") == 2  # larger than all a worker keeps: never kept


def test_a_form_in_a_kept_fragment_carries_each_readers_own_token(app):
    from flask import g
    from flask_wtf.csrf import generate_csrf

    block = ('{% call kept_fragment("with-a-form", "same inputs") %}'
             '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">{% endcall %}')  # fmt: skip
    tokens = []
    for _reader in range(2):  # two readers: two sessions, two tokens
        with app.test_request_context("/"):
            g.pop("csrf_token", None)  # the test's app context outlives each request; a worker's does not
            html = render_template_string(block)
            tokens.append((generate_csrf(), html))

    assert tokens[0][0] != tokens[1][0]
    assert all(f'value="{token}"' in html for token, html in tokens)
