"""Three languages everywhere: catalogs complete and valid, pages and every e-mail in es, pt and en."""

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from community.digests.content import DigestContent, OpportunityItem, ThreadItem
from community.mail import queue_email
from community.opportunities.models import OpportunityKind
from scripts.check_translations import CATALOG_LANGUAGES, problems, source_msgids
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "pt", "en")


def _catalog(language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_string_of_the_code_is_translated(language):
    assert problems(language, source_msgids()) == []


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_placeholders_match_their_source(language):
    errors = [(message.id, [str(e) for e in errs]) for message, errs in _catalog(language).check()]
    assert errors == []


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalogs_are_compiled_for_the_app(language):
    compiled = ROOT / "translations" / language / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), "run `make translations-compile`"


def _translation(language: str, msgid: str) -> str:
    if language == "en":
        return msgid
    return _catalog(language)[msgid].string


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Welcome"),
        ("/join", "Join the network"),
        ("/login", "Log in"),
        ("/password/forgot", "Forgot your password?"),
    ],
)
def test_visitor_pages_speak_the_chosen_language(client, language, path, title):
    response = client.get(path, headers={"Accept-Language": language})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert f"<title>{_translation(language, title)} · Conecta TT</title>" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_speaks_the_members_language(client, login, language):
    login(make_user(locale=language))
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert _translation(language, "Dashboard") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_speak_the_visitors_language(client, language):
    page = client.get("/no-such-page", headers={"Accept-Language": language}).get_data(as_text=True)
    assert _translation(language, "Page not found") in page


_EVENT = SimpleNamespace(
    title="Reunión de seguimiento",
    starts_at=datetime(2026, 6, 3, 16, 0, tzinfo=UTC),
    timezone="America/Mexico_City",
    venue="IMPI",
    city="Ciudad de México",
    country="MX",
    online_url="https://meet.example.org/x",
    format=SimpleNamespace(value="hybrid"),
    status=SimpleNamespace(value="scheduled"),
)
_EVENT_URL = "http://localhost/events/1"
EVENT_EMAIL_CONTEXTS = {
    "events/email/reminder": {"event": _EVENT, "event_url": _EVENT_URL, "kind": "day"},
    "events/email/changed": {"event": _EVENT, "event_url": _EVENT_URL},
    "events/email/promoted": {"event": _EVENT, "event_url": _EVENT_URL},
    "events/email/message": {"event": _EVENT, "event_url": _EVENT_URL, "sender": SimpleNamespace(name="Lucía"),
                             "body": "Nos vemos."},  # fmt: skip
    "events/email/minutes": {"event": _EVENT, "event_url": _EVENT_URL},
    "events/email/invite_minutes": {"event": _EVENT, "minutes_url": "http://localhost/events/1/minutes"},
}

_DIGEST_URL = "http://localhost/forum/t/1/unread"
_DIGEST = DigestContent(
    recipient=SimpleNamespace(since=datetime(2026, 6, 1, 11, 0, tzinfo=UTC)),
    replies=[ThreadItem(1, "Licencias", _DIGEST_URL, "Licenciamiento", "Lucía", 2, False, 3,
                        datetime(2026, 6, 2, tzinfo=UTC))],  # fmt: skip
    unread_messages=1,
    opportunities=[OpportunityItem(1, "Biofungicida", OpportunityKind.TECHNOLOGY_OFFER, "Para soja.", "Embrapa", "BR",
                                   "pt", "Agroalimentos", "http://localhost/opportunities/1",
                                   datetime(2026, 6, 2, tzinfo=UTC))],  # fmt: skip
    more_opportunities=1,
    links={"opportunities": "http://localhost/opportunities/",
           "forum": "http://localhost/forum/", "events": "http://localhost/events/",
           "members": "http://localhost/members", "messages": "http://localhost/messages/",
           "settings": "http://localhost/account/notifications"},  # fmt: skip
)

_NOTICE_URL = "http://localhost/account/notices/1"
MODERATION_MEMBER_EMAIL_CONTEXTS = {
    "moderation/email/member_warned": {"reason": "Mantenha o foco.", "notice_url": _NOTICE_URL},
    "moderation/email/member_silenced": {"reason": "Publicidade.", "until_text": "10 jun 2026, 0:00",
                                         "notice_url": _NOTICE_URL},  # fmt: skip
    "moderation/email/member_unsilenced": {"reason": "Desculpas aceitas."},
    "moderation/email/member_suspended": {"reason": "Assédio.", "until_text": "10 jun 2026, 0:00"},
    "moderation/email/member_unsuspended": {"reason": "", "login_url": "http://localhost/login"},
}

# Every e-mail template with the context its service passes; a new e-mail must be added here.
EMAIL_CONTEXTS = {
    "digests/email/digest": {"digest": _DIGEST, "summary": "2 new replies", "thread_url": _DIGEST_URL},
    "accounts/email/confirm": {"confirm_url": "http://localhost/confirm/t"},
    "accounts/email/already_registered": {"login_url": "http://localhost/login", "reset_url": "http://localhost/r"},
    "accounts/email/reset_password": {"reset_url": "http://localhost/password/reset/t", "hours": 2},
    "accounts/email/change_email": {"new_email": "new@example.org", "confirm_url": "http://localhost/c"},
    "accounts/email/email_changed": {"new_email": "new@example.org"},
    "accounts/email/approved": {"login_url": "http://localhost/login"},
    "notifications/email/activity": {
        "summary": "2 new replies", "place": "thread", "title": "Licencias", "more": 0,
        "entries": [SimpleNamespace(author="Lucía", excerpt="¿Qué regalías?", url="http://localhost/forum/posts/2",
                                    kind="new_reply")],
        "open_url": "http://localhost/forum/posts/2",
    },  # fmt: skip
    **EVENT_EMAIL_CONTEXTS,
    **MODERATION_MEMBER_EMAIL_CONTEXTS,
    "moderation/email/decision": {"role": "reporter", "title": "Licencias", "reply": "Gracias por avisar.",
                                  "link": "http://localhost/forum/posts/2"},  # fmt: skip
}


def test_every_email_template_is_listed_here():
    templates = {
        str(path.relative_to(path.parents[2]).with_suffix(""))
        for path in (ROOT / "community").glob("*/templates/*/email/*.txt")
    }
    assert templates == set(EMAIL_CONTEXTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(EMAIL_CONTEXTS))
def test_every_email_is_written_in_the_recipients_language(app, language, template):
    member = make_user(locale=language, display_name="Ana Conceição")
    message = queue_email(member, "Subject", template, **EMAIL_CONTEXTS[template])
    with force_locale(language):
        greeting = gettext("Hello %(name)s,", name="Ana Conceição")
        footer = gettext("You receive this e-mail because of your account at %(site)s.", site="Conecta TT")
    assert message.locale == language
    assert greeting in message.text_body and footer in message.text_body
    assert greeting in message.html_body and f'<html lang="{language}">' in message.html_body
    for url in (value for value in EMAIL_CONTEXTS[template].values() if str(value).startswith("http")):
        assert url in message.text_body and url in message.html_body
