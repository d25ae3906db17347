"""A member publishes a technology request in Portuguese, finds a matching offer from Mexico and expresses
interest; the offer's author answers in Spanish in the conversation it opened."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.extensions import db
from community.messages.models import Message
from community.opportunities.models import Opportunity, OpportunityInterest, OpportunityKind, Sector
from tests.factories import PASSWORD, make_opportunity, make_profile, make_user

pytestmark = pytest.mark.browser


def log_in(page, user) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)


def test_publish_a_request_in_portuguese_express_interest_in_an_offer_and_the_author_replies_in_spanish(
    new_page, live_server
):
    author = make_user(display_name="Lucía Hernández", locale="es", country="MX")
    make_profile(author, organization="UNAM", expertise=["health-technologies"])
    offer = make_opportunity(author=author, title="Prueba rápida de dengue en papel", language="es",
                             field="health-technologies", sector=Sector.HEALTH, trl=6,
                             summary="Prueba de bajo costo, patente concedida, disponible para licencia.")  # fmt: skip
    requester = make_user(display_name="João Araújo", locale="pt", country="BR")
    make_profile(requester, organization="Fiocruz")

    # João publishes a technology request in Portuguese.
    page = new_page(locale="pt-BR")
    log_in(page, requester)
    page.goto("/opportunities/new")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.locator("#institution")).to_have_value("Fiocruz")
    page.select_option("#kind", "technology_request")
    page.fill("#title", "Procuramos diagnóstico rápido de dengue")
    page.fill("#summary", "Laboratório público procura teste rápido para licenciar e produzir no Brasil.")
    page.fill("#description", "Volume estimado: **200 mil** testes por ano.")
    page.select_option("#language", "pt")
    page.select_option("#field_id", label="Tecnologias em saúde")
    page.select_option("#sector", "health")
    page.locator("input[name=trl][value='4']").check()
    page.select_option("#ip_status", "none")
    page.locator("input[name=agreements][value=licence]").check()
    page.select_option("#territories", ["MX", "AR"])
    page.click("#submit")

    expect(page.locator("h1")).to_have_text("Procuramos diagnóstico rápido de dengue")
    expect(page.locator(".opportunity-territories")).to_contain_text("México")
    db.session.rollback()
    request = db.session.scalar(select(Opportunity).where(Opportunity.author_id == requester.id))
    assert request.kind is OpportunityKind.TECHNOLOGY_REQUEST and request.language == "pt"

    # The matching offer from Mexico is on the request's page; João expresses interest in it.
    page.locator(f"main a[href='/opportunities/{offer.id}']").first.click()
    expect(page.locator("h1")).to_have_text("Prueba rápida de dengue en papel")
    page.fill("#message", "Olá, Lucía! A Fiocruz tem interesse em licenciar o teste para o Brasil.")
    page.click("#submit_interest")
    expect(page.locator(".message .post-body")).to_contain_text("A Fiocruz tem interesse")
    db.session.rollback()
    interest = db.session.scalar(select(OpportunityInterest).where(OpportunityInterest.user_id == requester.id))
    assert interest.opportunity_id == offer.id and interest.conversation_id is not None

    # Lucía sees who is interested on her offer's page and answers in Spanish in the conversation.
    page = new_page(locale="es-MX")
    log_in(page, author)
    page.goto(f"/opportunities/{offer.id}")
    interests = page.locator(".opportunity-interests")
    expect(interests).to_contain_text("João Araújo")
    interests.locator(f"a[href='/messages/{interest.conversation_id}']").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.fill("#body", "¡Hola, João! Con gusto: te envío el modelo de acuerdo de confidencialidad.")
    page.click("#submit")
    expect(page.locator(".message .post-body").last).to_contain_text("acuerdo de confidencialidad")
    db.session.rollback()
    last = db.session.scalar(
        select(Message).where(Message.conversation_id == interest.conversation_id).order_by(Message.number.desc())
    )
    assert last.author_id == author.id and last.number == 2
