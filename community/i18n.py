"""Languages, locale and timezone selection, and locale-aware names of countries and languages."""

import unicodedata
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from flask import has_request_context, request, session
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

# Flask-Babel's lazy strings tell Jinja they are already safe HTML (`__html__` returns the text as is),
# so `_l("Changed: %(title)s", title=<a member's text>)` shown in a template would not be escaped.
# None of our lazy strings holds markup: have Jinja escape them like any other text.
LazyString.__html__ = lambda self: str(escape(str(self)))

LANGUAGES = ("es", "pt", "en")
DEFAULT_LANGUAGE = "es"
SESSION_LOCALE_KEY = "locale"

# The network's home countries come first in country pickers.
NETWORK_COUNTRIES = ("MX", "AR", "BR", "CL", "CO", "CR", "CU", "PE")

# CLDR lists a country's zones alphabetically; for countries with several zones this names the one
# where most people live, so a new member's clock is right before they pick a zone themselves.
PRIMARY_ZONES = {
    "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo",
    "AR": "America/Argentina/Buenos_Aires",
    "CL": "America/Santiago",
    "EC": "America/Guayaquil",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "AU": "Australia/Sydney",
    "RU": "Europe/Moscow",
}

# Territory codes in CLDR that are not countries a person lives in.
_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AQ"}


def select_locale() -> str:
    """The member's saved language, else the visitor's pick, else Accept-Language, else Spanish."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # CLI and cron: mail is rendered with force_locale for its recipient
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.timezone
    return None


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def country_choices(language: str) -> list[tuple[str, str]]:
    """(ISO code, name in `language`) for every country, the network's countries first."""
    names = Locale.parse(language).territories
    countries = {
        code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }
    first = [(code, countries[code]) for code in sorted(NETWORK_COUNTRIES, key=lambda c: _sort_key(countries[c]))]
    rest = sorted(
        ((code, name) for code, name in countries.items() if code not in NETWORK_COUNTRIES),
        key=lambda item: _sort_key(item[1]),
    )
    return first + rest


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str | None, language: str | None = None) -> str:
    if not code:
        return ""
    # Lists show a country on every row: the names are looked up once per language.
    return _territories(language or current_language()).get(code, code)


@cache
def language_name(code: str) -> str:
    """A language's name in that language itself, as language switchers show it."""
    return Locale.parse(code).get_display_name(code).capitalize()


def is_country(code: str) -> bool:
    return code in dict(country_choices(DEFAULT_LANGUAGE))


def default_timezone_for(country: str | None) -> str:
    if not country:
        return "UTC"
    if country in PRIMARY_ZONES:
        return PRIMARY_ZONES[country]
    zones = get_global("territory_zones").get(country)
    return zones[0] if zones else "UTC"


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone a member may choose, in a stable order."""
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return name in timezone_names() or name == "UTC"
