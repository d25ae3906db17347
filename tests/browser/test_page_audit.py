"""Every page valid, accessible and self-contained, for every role in every language.

The audit crawls the site from the home page and from every route of the URL map; a route that takes
arguments is visited once through the sample in `url_samples`, which each area extends with its own.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from community.accounts.models import User
from community.accounts.tokens import fingerprint, make_token
from community.extensions import db
from tests.browser.audit import (
    BROWSER_LOCALES,
    PHONE_VIEWPORT,
    Auditor,
    AuditResult,
    Catalogs,
    HtmlChecker,
    audited_languages,
    summary_file,
)
from tests.factories import PASSWORD, make_admin, make_moderator, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_tools")]

# Routes that are not pages: files and machine-readable answers.
NOT_PAGES = {
    "static", "bootstrap.static", "main.healthz", "forum.latest_feed", "forum.category_feed", "profiles.show_avatar",
    "events.atom_feed", "events.download_ics", "events.export_attendees", "events.calendar_feed",
    "moderation.export_audit_log", "opportunities.atom_feed",
}


@pytest.fixture
def app_config():
    # Approval mode shows the moderators' pending-members page and its link.
    return {"REQUIRE_APPROVAL": True}


def url_samples(members: dict[str, User]) -> dict[str, dict]:
    """One set of arguments for every page route that takes some; a new such route must be added here."""
    member = members["member"]
    reset_token = make_token("reset", uid=member.id, pw=fingerprint(member.password_hash))
    return {
        "accounts.confirm_email": {"token": "not-a-valid-token"},
        "accounts.confirm_email_change": {"token": "not-a-valid-token"},
        "accounts.reset_password": {"token": reset_token},
        **forum_samples(),
        **profiles_samples(members),
        **events_samples(),
        **messages_samples(),
        **moderation_members_samples(members),
        **moderation_queue_samples(members),
        **opportunities_samples(),
    }


def moderation_members_samples(members) -> dict[str, dict]:
    """A member's moderation page, and the warning the `moderation_members_content` fixture sends them."""
    from community.audit.models import AuditAction, AuditEntry

    warning = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == AuditAction.WARN))
    return {
        "moderation.show_member": {"user_id": members["member"].id},
        "moderation.show_notice": {"entry_id": warning},
    }


@pytest.fixture(autouse=True)
def moderation_members_content(app, members):
    """A moderator's warning to the member: their notifications and the notice page show it."""
    from community.moderation import members as moderation

    moderation.warn_member(members["moderator"], members["member"], "Por favor, mantenha o foco no tema do fórum.")


def moderation_queue_samples(members) -> dict[str, dict]:
    """The queue's pages, the admin pages and the unsubscribe page, from `moderation_queue_content`."""
    from community.audit.models import AuditAction, AuditEntry
    from community.forum.models import Post, Thread
    from community.mail.unsubscribe import make_unsubscribe_token
    from community.moderation.models import CannedReply, ModerationCase

    thread = db.session.scalar(select(Thread).order_by(Thread.id))
    reply = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    reply_entry = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == AuditAction.REPLY))
    return {
        "moderation.show_case": {"case_id": db.session.scalar(select(ModerationCase.id).order_by(ModerationCase.id))},
        "moderation.report_content": {"kind": "post", "target_id": reply.id},
        "moderation.edit_post": {"post_id": reply.id},
        "moderation.move_thread": {"thread_id": thread.id},
        "moderation.show_reply": {"entry_id": reply_entry},
        "moderation.show_member_role": {"user_id": members["moderator"].id},
        "moderation.edit_canned_reply": {"reply_id": db.session.scalar(select(CannedReply.id))},
        "digests.unsubscribe": {"token": make_unsubscribe_token(members["member"], "digest")},
    }


@pytest.fixture(autouse=True)
def moderation_queue_content(app, members, forum_content):
    """A canned reply, the member's report dismissed and answered with it, an open report in the queue."""
    from community.forum.models import Post
    from community.moderation import actions, admin, reports
    from community.moderation.models import ContentKind, ReportReason

    canned = admin.create_canned_reply(
        members["admin"], "Gracias por avisar",
        {"es": "Gracias por su aviso: lo revisamos.", "pt": "Obrigado pelo aviso: nós o revisamos.",
         "en": "Thank you for letting us know: we looked into it."},
    )  # fmt: skip
    posts = db.session.scalars(select(Post).order_by(Post.id)).all()
    dismissed = reports.report_content(
        members["member"], ContentKind.POST, posts[1].id, ReportReason.SPAM, "Parece publicidad de un despacho."
    )
    actions.dismiss_case(
        members["admin"], dismissed.case, actions.Decision(case_id=dismissed.case_id, reply_to_reporters=canned)
    )
    reports.report_content(members["admin"], ContentKind.POST, posts[0].id, ReportReason.OFF_TOPIC)


def forum_samples() -> dict[str, dict]:
    """Arguments for the forum's pages, from the thread the `forum_content` fixture starts."""
    from community.forum.models import Thread

    thread = db.session.scalar(select(Thread).order_by(Thread.id))
    return {
        "forum.show_category": {"slug": thread.category.slug},
        "forum.new_thread": {"slug": thread.category.slug},
        "forum.show_thread": {"thread_id": thread.id},
        "forum.first_unread": {"thread_id": thread.id},
        "forum.reply": {"thread_id": thread.id},
        "forum.show_post": {"post_id": thread.first_post.id},
        "forum.edit_post": {"post_id": thread.first_post.id},
        "forum.post_history": {"post_id": thread.first_post.id},
        "forum.edit_category": {"category_id": thread.category_id},
    }


@pytest.fixture(autouse=True)
def forum_content(app, members):
    """Categories, a thread by the member with an edited first post, a reply that notifies them."""
    from community.forum import services

    services.ensure_default_categories()
    category = services.get_category("patentes-busquedas")
    thread = services.start_thread(
        members["member"], category, "Busca de anterioridade no INPI", "Alguém já usou **o PCT**?", "pt", "pct, inpi"
    )
    services.edit_post(members["member"], thread.first_post, "Alguém já usou **o PCT** no Brasil?")
    services.reply_to_thread(members["moderator"], thread, "> Alguém já usou\n\nSí, [el IMPI](https://www.gob.mx/impi).")


def profiles_samples(members) -> dict[str, dict]:
    """Arguments for the profiles' pages, from the data the `profiles_content` fixture makes."""
    from community.profiles.models import ExpertiseArea, Institution

    return {
        "profiles.show_profile": {"user_id": members["member"].id},
        "profiles.edit_expertise_area": {"area_id": db.session.scalar(select(ExpertiseArea.id).limit(1))},
        "profiles.show_institution": {"institution_id": db.session.scalar(select(Institution.id).limit(1))},
    }


@pytest.fixture(autouse=True)
def profiles_content(app, members):
    """A full profile for the member (verified, with an avatar) and the moderator's, for counterparts."""
    import io

    from PIL import Image

    from community.profiles import services
    from tests.factories import make_institution, make_profile

    services.ensure_default_expertise()
    institution = make_institution("Universidade de São Paulo", "BR", domains=["usp.example.br"])
    make_profile(members["member"], expertise=["licensing", "biotechnology"], languages=["pt", "es"],
                 headline="Licenciamento de biotecnologia", organization="USP", city="São Paulo",
                 bio="Trabalho com **licenciamento**.", orcid="0000-0002-1825-0097", website="https://usp.example.br",
                 open_to_mentoring=True, show_email=True)
    members["member"].country = "BR"
    make_profile(members["moderator"], expertise=["licensing"], languages=["es"], headline="Licencias en la UNAM")
    services.verify_member(members["admin"], members["member"], institution)
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(photo, format="PNG")
    services.set_avatar(members["member"], photo.getvalue())


def events_samples() -> dict[str, dict]:
    """Arguments for the events' pages: the coming event and the past one of `events_content`."""
    from community.events.models import Event

    coming, past = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()[:2]
    start = coming.starts_at
    return {
        "events.show_event": {"event_id": coming.id},
        "events.edit_event": {"event_id": coming.id},
        "events.list_attendees": {"event_id": coming.id},
        "events.message_attendees": {"event_id": coming.id},
        "events.post_minutes": {"event_id": past.id},
        "events.show_month": {"year": start.year, "month": start.month},
    }


@pytest.fixture(autouse=True)
def events_content(app, members):
    """A meeting the member organized (ended, with minutes) and its coming follow-up, which others answered."""
    from datetime import timedelta

    from community.events import services
    from community.events.models import EventFormat, RSVPStatus
    from tests.factories import make_event

    past = make_event(organizer=members["member"], title="Reunião de acompanhamento em São Paulo",
                      language="pt", timezone="America/Sao_Paulo", city="São Paulo", country="BR",
                      starts_in=timedelta(days=-10))  # fmt: skip
    services.post_minutes(members["member"], past, "1. Compartilhar modelos de contrato — **Ana**")
    coming = make_event(organizer=members["member"], title="Reunión de seguimiento en Santiago", language="es",
                        timezone="America/Santiago", city="Santiago", country="CL", capacity=1,
                        format=EventFormat.HYBRID, follow_up_of=past)  # fmt: skip
    services.rsvp_to_event(members["moderator"], coming, RSVPStatus.GOING)
    services.rsvp_to_event(members["admin"], coming, RSVPStatus.GOING)  # waitlisted: the meeting is full


def messages_samples() -> dict[str, dict]:
    """Arguments for the messages' pages: the group conversation of `messages_content`, which every role is in."""
    from community.messages.models import Conversation

    conversation = db.session.scalar(select(Conversation).where(Conversation.is_group.is_(True)))
    return {
        "messages.show_conversation": {"conversation_id": conversation.id},
        "messages.show_message": {"message_id": conversation.last_message_id},
    }


@pytest.fixture(autouse=True)
def messages_content(app, members):
    """A conversation between the member and the moderator, a group with the admin, and a blocked member."""
    from community.messages import services

    one_to_one = services.start_conversation(
        members["member"], [members["moderator"]], "Contrato de cotitularidade com a UNAM",
        "Olá, Lucía! Podemos revisar a **cláusula de royalties** do contrato?",
    )  # fmt: skip
    services.reply(members["moderator"], one_to_one, "Claro, Ana. Te envío mis comentarios el lunes.")
    group = services.start_conversation(
        members["member"], [members["moderator"], members["admin"]], "Agenda de la reunión regional",
        "Propongo tres temas:\n\n1. Licencias\n2. Spin-offs\n3. Indicadores",
    )  # fmt: skip
    services.reply(members["admin"], group, "Agreed. I would add *technology valuation* as a fourth topic.")
    services.block_member(members["member"], make_user(display_name="Oferta Imperdível"))


def opportunities_samples() -> dict[str, dict]:
    """Arguments for the opportunities' pages: the member's offer of `opportunities_content`."""
    from community.opportunities.models import Opportunity

    offer = db.session.scalar(select(Opportunity).order_by(Opportunity.id))
    return {
        "opportunities.show_opportunity": {"opportunity_id": offer.id},
        "opportunities.edit_opportunity": {"opportunity_id": offer.id},
    }


@pytest.fixture(autouse=True)
def opportunities_content(app, members, profiles_content):
    """The member's technology offer (with territories, agreements and a deadline) and the moderator's interest."""
    from datetime import date, timedelta

    from community.opportunities import services
    from community.opportunities.services import OpportunityData
    from community.profiles.models import ExpertiseArea

    biotechnology = db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == "biotechnology"))
    offer = services.publish_opportunity(members["member"], OpportunityData(
        title="Bioinsumo para controle de pragas na soja", language="pt", kind="technology_offer",
        summary="Formulação de Bacillus com patente concedida, disponível para licenciamento na região.",
        description="Testado em **três safras**; eficácia comparável a defensivos químicos.",
        field_id=biotechnology, sector="agri_food", trl=7, ip_status="granted_patent",
        patent_numbers="BR 10 2019 012345-6", territories=["AR", "PY", "UY"], agreements=["licence", "co_development"],
        deadline=date.today() + timedelta(days=90),
    ))  # fmt: skip
    services.express_interest(members["moderator"], offer, "Hola, Ana: en México buscamos licenciar bioinsumos.")


@pytest.fixture(autouse=True)
def opportunity_report(app, members, opportunities_content):
    """An open report of the member's offer: the queue shows an opportunity's case."""
    from community.moderation import reports
    from community.moderation.models import ContentKind, ReportReason
    from community.opportunities.models import Opportunity

    offer = db.session.scalar(select(Opportunity).order_by(Opportunity.id))
    reports.report_content(members["admin"], ContentKind.OPPORTUNITY, offer.id, ReportReason.CONFIDENTIAL)


def search_urls() -> list[str]:
    """Searches that find the audit's content: the search page with results of every kind, and tabs."""
    return ["/search?q=S%C3%A3o+Paulo", "/search?q=anterioridade&kind=forum", "/search?q=bioinsumo&kind=opportunities"]


def start_urls(app, members) -> list[str]:
    samples = url_samples(members)
    urls = ["/"]
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in NOT_PAGES or "GET" not in rule.methods:
                continue
            if rule.arguments:
                assert rule.endpoint in samples, f"add a sample for {rule.endpoint} to url_samples()"
                urls.append(url_for(rule.endpoint, **samples[rule.endpoint]))
            else:
                urls.append(url_for(rule.endpoint))
    urls.extend(search_urls())
    return urls


@pytest.fixture
def members():
    members = {
        "member": make_user(display_name="Ana Conceição"),
        "moderator": make_moderator(display_name="Lucía Hernández"),
        "admin": make_admin(display_name="Admin Conecta"),
    }
    make_user(display_name="Raúl Echevarría", is_approved=False)  # fills the pending-members page
    return members


def log_in(page, user: User) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)


def audit(roles: tuple[str, ...], part: str, app, live_server, browser, browser_log, members) -> None:
    catalogs = Catalogs()
    html = HtmlChecker()
    result = AuditResult()
    auditor = Auditor(app, live_server.url, catalogs, html, result, not_pages=NOT_PAGES)
    urls = [live_server.url + path for path in start_urls(app, members)]
    languages = audited_languages()

    for role in roles:
        for language in languages:
            context = browser.new_context(
                base_url=live_server.url, locale=BROWSER_LOCALES[language], viewport=PHONE_VIEWPORT
            )
            browser_log.watch(context)
            page = context.new_page()
            if role != "visitor":
                user = members[role]
                user.locale = language
                db.session.commit()
                log_in(page, user)
            auditor.crawl(page, role, language, urls, browser_log)
            context.close()
    html.run()
    live_server.errors.clear()  # each 5xx is already a problem of its page

    summary = summary_file(part)
    summary.parent.mkdir(exist_ok=True)
    summary.write_text(result.summary() + "\n", encoding="utf-8")
    assert not result.problems, "\n".join(result.problems)
    assert all(result.visited[(role, language)] >= 10 for role in roles if role != "visitor" for language in languages)


# The crawl in two halves, a class each: `--dist loadscope` (the Makefile) gives each class its own worker,
# so the two halves run side by side.


class TestVisitorsAndMembers:
    def test_every_page_passes_the_audit(self, app, live_server, browser, browser_log, members):
        audit(("visitor", "member"), "visitors-members", app, live_server, browser, browser_log, members)


class TestModeratorsAndAdmins:
    def test_every_page_passes_the_audit(self, app, live_server, browser, browser_log, members):
        audit(("moderator", "admin"), "moderators-admins", app, live_server, browser, browser_log, members)
