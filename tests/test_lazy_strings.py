"""Translated sentences built with a member's text are escaped like any other text in pages."""

from flask import render_template_string
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


def test_a_lazy_sentence_with_a_members_text_is_escaped_in_a_page(app):
    title = '<script>alert("x")</script>'
    with app.test_request_context(), force_locale("en"):
        page = render_template_string("<p>{{ reason }}</p>", reason=_l("Cancelled: %(title)s", title=title))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
