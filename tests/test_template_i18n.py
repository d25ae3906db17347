"""Templates' `_()`, `ngettext()` and dates read exactly as Flask-Babel's own, in every language and zone."""

from contextlib import contextmanager
from datetime import UTC, date, datetime

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale
from flask_login import login_user
from markupsafe import Markup

from community.i18n import LANGUAGES
from tests.factories import make_user

MOMENTS = [datetime(2026, 3, 8, 4, 30, tzinfo=UTC), datetime(2026, 11, 1, 23, 59, tzinfo=UTC)]


@contextmanager
def reading_as(app, language: str, zone: str = "UTC"):
    """A request of a member who reads `language` in time zone `zone`."""
    with app.test_request_context(), force_locale(language):
        login_user(make_user(locale=language, timezone=zone))
        yield


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_match_flask_babel(app, language):
    with app.test_request_context(), force_locale(language):
        expected = [
            flask_babel.gettext("Members"),
            flask_babel.gettext("Welcome back, %(name)s!", name="Lucía"),
            flask_babel.ngettext("%(num)d reply", "%(num)d replies", 1),
            flask_babel.ngettext("%(num)d reply", "%(num)d replies", 7),
        ]
        shown = render_template_string(
            "{{ _('Members') }}|{{ _('Welcome back, %(name)s!', name='Lucía') }}|"
            "{{ ngettext('%(num)d reply', '%(num)d replies', 1) }}|"
            "{{ ngettext('%(num)d reply', '%(num)d replies', 7) }}"
        )
    assert shown.split("|") == expected


def test_a_template_may_give_its_own_num_and_trans_blocks_fill_placeholders(app):
    with app.test_request_context(), force_locale("es"):
        shown = render_template_string(
            "{{ ngettext('More than %(num)s result', 'More than %(num)s results', 1000, num='1.000') }}|"
            "{% trans name='Ana' %}by {{ name }}{% endtrans %}"
        )
    assert shown == "Más de 1.000 resultados|por Ana"


def test_html_escapes_the_variables_and_text_templates_do_not(app):
    source = "{{ _('Welcome back, %(name)s!', name='<b>Ana</b>') }}"
    with app.test_request_context(), force_locale("en"):
        text = app.jinja_env.overlay(autoescape=False).from_string(source).render()  # as e-mails' .txt files
        html = render_template_string(source)  # escaped, as .html files are
    assert text == "Welcome back, <b>Ana</b>!"
    assert html == "Welcome back, &lt;b&gt;Ana&lt;/b&gt;!"


def test_force_locale_inside_a_request_switches_the_catalog_and_back(app):
    source = "{{ _('Members') }}"
    with app.test_request_context(), force_locale("es"):
        before = render_template_string(source)
        with force_locale("pt"):
            inside = render_template_string(source)
        after = render_template_string(source)
    assert (before, inside, after) == ("Miembros", "Membros", "Miembros")


def test_a_page_and_an_e_mail_rendered_during_it_each_speak_their_own_language(app):
    # A reply sends its notification in the recipient's language while the page is in the writer's.
    page = "{{ _('Members') }} {{ format_datetime(moment, 'd MMMM') }} {{ mail() }}"
    mail = "{{ _('Members') }} {{ format_datetime(moment, 'd MMMM') }}"

    def render_mail():
        with force_locale("pt"):
            return Markup(render_template_string(mail, moment=MOMENTS[0]))  # noqa: S704 - our own test text

    with reading_as(app, "es"):
        shown = render_template_string(page, moment=MOMENTS[0], mail=render_mail)
    assert shown == "Miembros 8 marzo Membros 8 março"


def test_a_macro_imported_without_context_still_speaks_the_readers_language(app):
    macros = app.jinja_env.from_string("{% macro label() %}{{ _('Members') }}{% endmacro %}")
    with reading_as(app, "pt"):
        shown = render_template_string("{{ macros.label() }}", macros=macros.module)
    assert shown == "Membros"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ["UTC", "America/Mexico_City", "America/Havana"])
@pytest.mark.parametrize(("format", "day_format"), [(None, None), ("short", "short"), ("medium", "full"),
                                                    ("d MMM y, HH:mm", "MMMM y")])  # fmt: skip
def test_dates_match_flask_babel_in_every_language_and_zone(app, language, zone, format, day_format):
    source = (
        "{{ format_datetime(moment, format) }}|{{ format_date(moment, day_format) }}|{{ format_date(day, day_format) }}"
    )
    with reading_as(app, language, zone):
        for moment in MOMENTS:
            expected = [flask_babel.format_datetime(moment, format), flask_babel.format_date(moment, day_format),
                        flask_babel.format_date(moment.date(), day_format)]  # fmt: skip
            context = {"moment": moment, "day": moment.date(), "format": format, "day_format": day_format}
            assert render_template_string(source, **context).split("|") == expected
            # Again: this time the dates come from memory, and must read the same.
            assert render_template_string(source, **context).split("|") == expected


def test_a_day_is_not_moved_by_the_zone(app):
    with reading_as(app, "en", "Pacific/Kiritimati"):
        assert render_template_string("{{ format_date(day, 'medium') }}", day=date(2026, 1, 31)) == "Jan 31, 2026"
