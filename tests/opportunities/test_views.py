"""Opportunity pages: publishing through the form, the page, interest, who sees and does what, bad input."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.messages.models import Conversation
from community.opportunities import matching
from community.opportunities.models import Opportunity, OpportunityInterest, OpportunityStatus
from community.profiles.models import ExpertiseArea
from community.profiles.services import ensure_default_expertise
from community.types import utcnow
from tests.factories import make_moderator, make_opportunity, make_profile, make_user


def area_id(slug: str = "health-technologies") -> int:
    if not db.session.scalar(select(ExpertiseArea.id).limit(1)):
        ensure_default_expertise()
    return db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == slug))


def form_values(**overrides) -> dict:
    values = {
        "kind": "technology_request",
        "title": "Buscamos tecnología de diagnóstico rápido de dengue",
        "summary": "Un hospital público busca una prueba rápida para licenciar o codesarrollar.",
        "description": "Volumen estimado: **50 000** pruebas al año.",
        "language": "es",
        "field_id": str(area_id()),
        "sector": "health",
        "trl": "5",
        "ip_status": "none",
        "patent_numbers": "",
        "agreements": ["licence", "co_development"],
        "territories": ["BR", "CO"],
        "institution": "",
        "country": "PE",
        "deadline": (date.today() + timedelta(days=60)).isoformat(),
    }
    values.update(overrides)
    return values


def count_opportunities() -> int:
    return db.session.scalar(select(func.count(Opportunity.id)))


# Publishing


def test_a_member_publishes_through_the_form(client, login):
    author = login(make_user(country="PE"))
    make_profile(author, organization="Hospital Nacional Cayetano Heredia")

    response = client.post("/opportunities/new", data=form_values())

    opportunity = db.session.scalar(select(Opportunity))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/opportunities/{opportunity.id}"
    assert opportunity.institution == "Hospital Nacional Cayetano Heredia"
    assert opportunity.territories == ["BR", "CO"] and opportunity.trl == 5


def test_the_new_form_warns_about_confidentiality_and_explains_each_stage(client, login):
    author = login(make_user(locale="en", country="CL"))
    make_profile(author, organization="Universidad de Chile")

    page = client.get("/opportunities/new").get_data(as_text=True)

    assert "Do not disclose anything that is not yet protected." in page
    assert "A prototype or pilot is demonstrated in a relevant setting." in page  # TRL 6's help
    assert 'value="Universidad de Chile"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"trl": "12"}, "Please choose a development stage from 1 to 9."),
        ({"trl": "abc"}, "Please choose a development stage from 1 to 9."),
        ({"field_id": "99999"}, "Please choose a field from the list."),
        ({"kind": "patent_for_sale"}, "Please choose one of the offered kinds."),
        ({"sector": "mining"}, "Please choose one of the offered sectors."),
        ({"ip_status": "copyright"}, "Please choose one of the offered IP statuses."),
        ({"agreements": ["franchise"]}, "Please choose agreements from the list."),
        ({"deadline": "2020-01-31"}, "The deadline cannot be in the past."),
        ({"deadline": "next week"}, "Please enter a date as year-month-day, e.g. 2026-03-31."),
        ({"territories": ["BR", "XX"]}, "Please choose countries from the list."),
        ({"title": ""}, "Please give the opportunity a title."),
    ],
)
def test_bad_input_answers_422_with_the_reason_and_stores_nothing(client, login, overrides, message):
    login(make_user(locale="en"))

    response = client.post("/opportunities/new", data=form_values(**overrides))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_opportunities() == 0


def test_visitors_are_sent_to_log_in_to_publish_edit_or_express_interest(client):
    opportunity = make_opportunity()

    for method, path in [("get", "/opportunities/new"), ("post", "/opportunities/new"),
                         ("get", f"/opportunities/{opportunity.id}/edit"),
                         ("post", f"/opportunities/{opportunity.id}/status"),
                         ("post", f"/opportunities/{opportunity.id}/interest")]:  # fmt: skip
        response = getattr(client, method)(path, data={"message": "Hi", "status": "closed"})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert count_opportunities() == 1 and db.session.scalar(select(func.count(OpportunityInterest.id))) == 0


def test_a_silenced_member_cannot_open_the_form(client, login):
    login(make_user(silenced_until=utcnow() + timedelta(days=2)))

    assert client.get("/opportunities/new").status_code == 403
    assert client.post("/opportunities/new", data=form_values()).status_code == 403
    assert count_opportunities() == 0


def test_forms_need_their_csrf_token(app, client, login):
    opportunity = make_opportunity()
    login(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/opportunities/new", data=form_values()).status_code == 400
        assert client.post(f"/opportunities/{opportunity.id}/interest", data={"message": "Hi"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count_opportunities() == 1 and opportunity.interest_count == 0


# Editing and the status


def test_editing_someone_elses_opportunity_is_forbidden_and_changes_nothing(client, login):
    opportunity = make_opportunity(title="Original title")
    login(make_user())

    assert client.get(f"/opportunities/{opportunity.id}/edit").status_code == 403
    assert client.post(f"/opportunities/{opportunity.id}/edit", data=form_values(title="Mine now")).status_code == 403
    assert client.post(f"/opportunities/{opportunity.id}/status", data={"status": "closed"}).status_code == 403

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.title == "Original title" and stored.status is OpportunityStatus.OPEN


def test_the_author_edits_and_closes(client, login):
    opportunity = make_opportunity(language="es")
    login(opportunity.author)

    form = client.get(f"/opportunities/{opportunity.id}/edit").get_data(as_text=True)
    assert 'value="Biodegradable packaging film from cassava starch"' in form
    response = client.post(f"/opportunities/{opportunity.id}/edit", data=form_values(title="Película de almidón"))
    assert response.status_code == 302
    assert client.post(f"/opportunities/{opportunity.id}/status", data={"status": "closed"}).status_code == 302

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.title == "Película de almidón" and stored.status is OpportunityStatus.CLOSED


def test_a_bad_edit_or_status_answers_422_and_keeps_the_opportunity(client, login):
    opportunity = make_opportunity(title="Original title")
    opportunity.author.locale = "en"
    db.session.commit()
    login(opportunity.author)

    response = client.post(f"/opportunities/{opportunity.id}/edit", data=form_values(trl="0", title="Changed"))
    assert response.status_code == 422
    assert "Please choose a development stage from 1 to 9." in response.get_data(as_text=True)
    response = client.post(f"/opportunities/{opportunity.id}/status", data={"status": "sold"})
    assert response.status_code == 422
    assert "Please choose one of the offered statuses." in response.get_data(as_text=True)

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.title == "Original title" and stored.status is OpportunityStatus.OPEN


# The page


def test_the_page_shows_every_field_in_the_readers_language(client, login):
    opportunity = make_opportunity(trl=4, territories=["MX", "BR"], agreements=["licence", "material_transfer"],
                                   patent_numbers="BR 10 2024 000123-4", country="AR",
                                   deadline=date.today() + timedelta(days=30))  # fmt: skip
    login(make_user(locale="en"))

    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)

    for text in ["Technology offer", "Agri-food", "Licensing", "TRL 4: Technology validated in the lab",
                 "Basic components are integrated and tested in the laboratory.", "Patent application",
                 "BR 10 2024 000123-4", "Licence · Material transfer", "Brazil, Mexico",
                 "Universidad Nacional, Argentina", "<strong>public university</strong>", "Open"]:  # fmt: skip
        assert text in page, text


def test_country_names_follow_the_page_language(client, login):
    opportunity = make_opportunity(territories=["MX", "BR"])
    login(make_user(locale="es"))

    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)

    assert "Brasil, México" in page


def test_members_get_a_404_for_hidden_or_held_opportunities_of_others(client, login):
    hidden = make_opportunity(is_hidden=True)
    held = make_opportunity(awaiting_review=True)
    login(make_user())

    assert client.get(f"/opportunities/{hidden.id}").status_code == 404
    assert client.get(f"/opportunities/{held.id}").status_code == 404
    assert client.get("/opportunities/999").status_code == 404


def test_the_author_sees_their_held_opportunity_marked_and_moderators_the_hidden_one(client, login):
    author = make_user(locale="en")
    held = make_opportunity(author=author, awaiting_review=True)
    hidden = make_opportunity(is_hidden=True)

    login(author)
    assert "Awaiting review" in client.get(f"/opportunities/{held.id}").get_data(as_text=True)
    login(make_moderator(locale="en"))
    assert "Hidden" in client.get(f"/opportunities/{hidden.id}").get_data(as_text=True)


def test_visitors_read_the_page_and_are_invited_to_log_in(client):
    opportunity = make_opportunity()

    response = client.get(f"/opportunities/{opportunity.id}", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert "Log in to express interest" in response.get_data(as_text=True)


def test_members_can_report_an_opportunity_but_not_their_own(client, login):
    opportunity = make_opportunity()
    report_link = f"/report/opportunity/{opportunity.id}"

    login(make_user())
    assert report_link in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    login(opportunity.author)
    assert report_link not in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)


def test_the_page_shows_matches_members_to_the_author_only(client, login, monkeypatch):
    opportunity = make_opportunity()
    other = make_opportunity(title="Planta piloto de bioplásticos")
    counterpart = make_user(display_name="Beatriz Quispe", country="PE")
    member_match = matching.MemberMatch(user=counterpart, score=5, reasons=["Licensing"])
    opportunity_match = matching.OpportunityMatch(opportunity=other, score=3, reasons=["Licensing"])
    monkeypatch.setattr(matching, "suggest_members", lambda opp, limit=8: [member_match])
    monkeypatch.setattr(matching, "matching_opportunities", lambda opp, limit=5: [opportunity_match])

    login(opportunity.author)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Beatriz Quispe" in page and "Planta piloto de bioplásticos" in page
    login(make_user())
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Beatriz Quispe" not in page and "Planta piloto de bioplásticos" in page


# Expressing interest


def test_expressing_interest_opens_the_conversation_and_the_author_sees_who(client, login):
    opportunity = make_opportunity(language="en")
    member = login(make_user(display_name="Tomás Villalobos", locale="en"))

    response = client.post(f"/opportunities/{opportunity.id}/interest", data={"message": "We would license it."})

    conversation = db.session.scalar(select(Conversation))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/messages/{conversation.id}"
    assert conversation.subject == opportunity.title
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "You expressed interest on" in page and "Members who expressed interest" not in page

    login(opportunity.author)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Tomás Villalobos" in page and f"/messages/{conversation.id}" in page
    login(make_user())
    assert "Tomás Villalobos" not in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    login(make_moderator())
    assert "Tomás Villalobos" in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert member.id == db.session.scalar(select(OpportunityInterest.user_id))


def test_a_second_interest_answers_409_and_an_empty_message_422(client, login):
    opportunity = make_opportunity()
    login(make_user(locale="en"))
    client.post(f"/opportunities/{opportunity.id}/interest", data={"message": "First."})

    second = client.post(f"/opportunities/{opportunity.id}/interest", data={"message": "Again."})
    empty = client.post(f"/opportunities/{make_opportunity().id}/interest", data={"message": "  "})

    assert second.status_code == 409
    assert "You have already expressed interest in this opportunity." in second.get_data(as_text=True)
    assert empty.status_code == 422
    assert "Please write a few words to the author." in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OpportunityInterest.id))) == 1


def test_no_interest_form_on_ones_own_or_a_closed_opportunity(client, login):
    closed = make_opportunity(status=OpportunityStatus.CLOSED)
    login(make_user(locale="en"))

    page = client.get(f"/opportunities/{closed.id}").get_data(as_text=True)
    response = client.post(f"/opportunities/{closed.id}/interest", data={"message": "Hi"})

    assert "This opportunity is closed." in page and 'name="message"' not in page
    assert response.status_code == 409
    login(closed.author)
    assert 'name="message"' not in client.get(f"/opportunities/{closed.id}").get_data(as_text=True)


def test_interest_in_a_hidden_opportunity_is_a_404(client, login):
    hidden = make_opportunity(is_hidden=True)
    login(make_user())

    assert client.post(f"/opportunities/{hidden.id}/interest", data={"message": "Hi"}).status_code == 404


def test_a_new_member_over_the_days_conversations_gets_a_429(app, client, login):
    app.config["MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY"] = 1
    login(make_user())
    first, second = make_opportunity(), make_opportunity()

    assert client.post(f"/opportunities/{first.id}/interest", data={"message": "One"}).status_code == 302
    assert client.post(f"/opportunities/{second.id}/interest", data={"message": "Two"}).status_code == 429
    assert db.session.scalar(select(func.count(OpportunityInterest.id))) == 1
