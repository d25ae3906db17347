"""Translations and dates in templates, for a fraction of what Flask-Babel's own helpers cost per call.

A list page makes a few hundred `_()` calls and a few dozen dates. Flask-Babel finds the catalog, the
locale and the time zone through several application-context lookups on every call, and Jinja's i18n
extension wraps each `_()` in two more layers; together that was about a third of rendering a thread
list (the benchmark's profiles). These helpers give exactly the same text: the catalog is looked up once
per language, and a date formatted for a language and a time zone is remembered, since the same
moments (a thread's last post, an event's start) appear on page after page. Even finding the reader's
language costs a few microseconds, so each rendering finds it and the time zone once, when it starts (a
context variable), and the calls read them from there.
"""

from datetime import date, datetime, tzinfo
from functools import lru_cache

import flask_babel
from babel import dates
from flask import Flask
from flask_babel import get_locale, get_timezone, get_translations
from jinja2 import pass_context
from markupsafe import Markup

# Flask-Babel's defaults for `format=None` (its `date_formats`, which this app does not change).
DEFAULT_FORMAT = "medium"
# The context variable holding the rendering's language, catalog and time zone. Macros imported without context
# do not see it and look them up on each call.
READER = "_reader_language"


@lru_cache(maxsize=16_384)
def _format_datetime(value: datetime, format: str, language: str, zone) -> str:
    return dates.format_datetime(value, format, tzinfo=zone, locale=language)


@lru_cache(maxsize=4_096)
def _format_date(value: date, format: str, language: str) -> str:
    return dates.format_date(value, format, locale=language)


def format_datetime(
    value: datetime | None = None, format: str | None = None, language: str | None = None, zone: tzinfo | None = None
) -> str:
    """`flask_babel.format_datetime`: the moment in the reader's language and time zone."""
    if value is None:
        return flask_babel.format_datetime(value, format)
    return _format_datetime(value, format or DEFAULT_FORMAT, language or str(get_locale()), zone or get_timezone())


def format_date(value: date | None = None, format: str | None = None) -> str:
    """`flask_babel.format_date`: the day in the reader's language (a moment's day in their time zone)."""
    if value is None:
        return flask_babel.format_date(value, format)
    if isinstance(value, datetime):
        value = flask_babel.to_user_timezone(value).date()
    return _format_date(value, format or DEFAULT_FORMAT, str(get_locale()))


def install(app: Flask) -> None:
    """Put the faster `_`, `gettext`, `ngettext`, `format_date` and `format_datetime` in the app's templates.

    Call it after Flask-Babel's `init_app`, whose Jinja callables these replace.
    """
    catalogs: dict[str, object] = {}  # language -> Flask-Babel's catalog of this app

    def reader_language() -> tuple[str, object]:
        # `force_locale` (e-mails in the recipient's language) changes get_locale(), so the key follows it.
        language = str(get_locale())
        found = catalogs.get(language)
        if found is None:
            found = catalogs[language] = get_translations()
        return language, found

    @app.context_processor
    def reader_of_this_rendering():
        # Run as each rendering starts, inside any `force_locale` or `force_timezone` around it.
        return {READER: (*reader_language(), get_timezone())}

    def catalog(context):
        return (context.get(READER) or reader_language())[1]

    # The same as Jinja's "new style" gettext: escaped in HTML templates, placeholders always filled.
    @pass_context
    def gettext(context, string: str, /, **variables) -> str:
        text = catalog(context).ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - our catalog's text; `%` escapes the variables
        return text % variables

    @pass_context
    def ngettext(context, singular: str, plural: str, count: int, /, **variables) -> str:
        variables.setdefault("num", count)  # a template may pass its own `num` (a formatted number)
        text = catalog(context).ungettext(singular, plural, count)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - our catalog's text; `%` escapes the variables
        return text % variables

    @pass_context
    def format_datetime_for_reader(context, value: datetime | None = None, format: str | None = None) -> str:
        language, _catalog, zone = context.get(READER) or (None, None, None)
        return format_datetime(value, format, language, zone)

    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, format_date=format_date,
        format_datetime=format_datetime_for_reader,
    )  # fmt: skip
