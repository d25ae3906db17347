"""Publishing, editing and closing opportunities, and expressing interest: what is stored, what is refused."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from community import screening
from community.errors import ActionRefused, PermissionDenied, Silenced
from community.extensions import db
from community.messages import services as messages
from community.messages.models import Conversation, ConversationParticipant, Message
from community.notifications.models import Notification
from community.opportunities import services
from community.opportunities.models import (
    AgreementType,
    IPStatus,
    Opportunity,
    OpportunityInterest,
    OpportunityKind,
    OpportunityStatus,
    Sector,
    opportunity_territories,
)
from community.opportunities.services import OpportunityData
from community.profiles.models import ExpertiseArea
from community.profiles.services import ensure_default_expertise
from community.screening import Screening, Verdict
from community.types import utcnow
from tests.factories import make_moderator, make_opportunity, make_profile, make_user

pytestmark = pytest.mark.usefixtures("app")


def area_id(slug: str = "biotechnology") -> int:
    if not db.session.scalar(select(ExpertiseArea.id).limit(1)):
        ensure_default_expertise()
    return db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == slug))


def data(**overrides) -> OpportunityData:
    values = {
        "title": "Vacuna oral contra la brucelosis bovina",
        "summary": "Buscamos licenciatarios para una vacuna oral en fase piloto.",
        "description": "Desarrollada en el **CENSA**.",
        "kind": "technology_offer",
        "field_id": area_id(),
        "sector": "biotechnology",
        "trl": 6,
        "ip_status": "granted_patent",
        "patent_numbers": "CU 23456",
        "language": "es",
        "territories": ["MX", "BR"],
        "agreements": ["licence", "co_development"],
    }
    values.update(overrides)
    return OpportunityData(**values)


def english(refusal) -> str:
    with force_locale("en"):
        return str(refusal.value.reason)


def count(model_or_table) -> int:
    column = model_or_table.c.opportunity_id if hasattr(model_or_table, "c") else model_or_table.id
    return db.session.scalar(select(func.count(column)))


# Publishing


def test_publishing_stores_every_field_with_the_authors_institution_and_country():
    author = make_user(country="CU")
    make_profile(author, organization="Centro Nacional de Sanidad Agropecuaria")

    opportunity = services.publish_opportunity(author, data())

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.kind is OpportunityKind.TECHNOLOGY_OFFER and stored.sector is Sector.BIOTECHNOLOGY
    assert stored.field.slug == "biotechnology" and stored.trl == 6
    assert stored.ip_status is IPStatus.GRANTED_PATENT and stored.patent_numbers == "CU 23456"
    assert stored.territories == ["BR", "MX"]
    assert stored.agreements == [AgreementType.CO_DEVELOPMENT, AgreementType.LICENCE]
    assert stored.institution == "Centro Nacional de Sanidad Agropecuaria" and stored.country == "CU"
    assert stored.description_html.strip() == "<p>Desarrollada en el <strong>CENSA</strong>.</p>"
    assert stored.status is OpportunityStatus.OPEN and stored.is_listed and stored.interest_count == 0


def test_the_author_may_name_another_institution_and_country():
    author = make_user(country="CU")
    make_profile(author, organization="CENSA")

    opportunity = services.publish_opportunity(author, data(institution="  BioCubaFarma ", country="PE"))

    assert (opportunity.institution, opportunity.country) == ("BioCubaFarma", "PE")


def test_the_description_is_sanitized():
    opportunity = services.publish_opportunity(make_user(), data(description='<script>alert(1)</script> *ok*'))

    assert "<script>" not in opportunity.description_html
    assert "<em>ok</em>" in opportunity.description_html


def test_a_description_that_would_render_too_large_is_refused_at_its_field():
    wide_table = "|" + "c|" * 200 + "\n|" + "-|" * 200 + "\n" + "|x|\n" * 2000

    with pytest.raises(ActionRefused) as refusal:
        services.publish_opportunity(make_user(), data(description=wide_table))

    assert refusal.value.field == "description"
    assert count(Opportunity) == 0


def test_numbers_are_kept_only_for_a_protection_that_has_them():
    opportunity = services.publish_opportunity(make_user(), data(ip_status="know_how", patent_numbers="MX 1234"))

    assert opportunity.patent_numbers == ""


def test_a_deadline_of_today_on_the_authors_clocks_is_accepted():
    author = make_user(country="MX", timezone="America/Mexico_City")
    today_there = datetime.now(UTC).astimezone(ZoneInfo("America/Mexico_City")).date()

    opportunity = services.publish_opportunity(author, data(deadline=today_there))

    assert opportunity.deadline == today_there


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"trl": 0}, "trl", "Please choose a development stage from 1 to 9."),
        ({"trl": 10}, "trl", "Please choose a development stage from 1 to 9."),
        ({"trl": None}, "trl", "Please choose a development stage from 1 to 9."),
        ({"field_id": 99_999}, "field_id", "Please choose a field from the list."),
        ({"field_id": None}, "field_id", "Please choose a field from the list."),
        ({"kind": "patent_for_sale"}, "kind", "Please choose one of the offered kinds."),
        ({"sector": "mining"}, "sector", "Please choose one of the offered sectors."),
        ({"ip_status": "copyright"}, "ip_status", "Please choose one of the offered IP statuses."),
        ({"agreements": ["licence", "franchise"]}, "agreements", "Please choose agreements from the list."),
        ({"deadline": date.today() - timedelta(days=2)}, "deadline", "The deadline cannot be in the past."),
        ({"territories": ["MX", "XX"]}, "territories", "Please choose countries from the list."),
        ({"territories": ["EU"]}, "territories", "Please choose countries from the list."),
        ({"country": "ZZ"}, "country", "Please choose a country from the list."),
        ({"language": "fr"}, "language", "Please choose one of the offered languages."),
        ({"title": "   "}, "title", "Please give the opportunity a title."),
        ({"title": "x" * 151}, "title", "The title can have at most 150 characters."),
        ({"summary": ""}, "summary", "Please write a short summary."),
        ({"summary": "x" * 301}, "summary", "The summary can have at most 300 characters."),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(overrides, field, message):
    with pytest.raises(ActionRefused) as refusal:
        services.publish_opportunity(make_user(), data(**overrides))

    assert refusal.value.field == field
    assert english(refusal) == message
    db.session.rollback()
    assert count(Opportunity) == 0
    assert count(opportunity_territories) == 0


def test_a_silenced_member_cannot_publish():
    author = make_user(silenced_until=utcnow() + timedelta(days=1))

    with pytest.raises(Silenced):
        services.publish_opportunity(author, data())

    assert count(Opportunity) == 0


class Screener:
    """Stands in for moderation: answers `verdict` for opportunities, records what it holds."""

    def __init__(self, app, verdict: Verdict):
        self.answer = Screening(verdict=verdict, reason="Blocked words.", signal="watched_word", detail="cura")
        self.held = []
        screening.register_screener(self.screen)
        screening.register_hold(lambda *args: self.held.append(args))

    def screen(self, author, text, *, kind, language):
        return self.answer if kind == "opportunity" and "cura milagrosa" in text else None


def test_text_moderation_holds_for_review_and_the_opportunity_waits_unlisted(app):
    screener = Screener(app, Verdict.REVIEW)
    author = make_user()

    opportunity = services.publish_opportunity(author, data(summary="Una cura milagrosa para todo."))

    assert opportunity.awaiting_review and not opportunity.is_listed
    assert [(kind, target_id, who.id) for kind, target_id, who, _answer in screener.held] == [
        ("opportunity", opportunity.id, author.id)
    ]


def test_text_moderation_blocks_and_nothing_is_stored(app):
    Screener(app, Verdict.BLOCK)

    with pytest.raises(ActionRefused) as refusal:
        services.publish_opportunity(make_user(), data(description="Una cura milagrosa."))

    assert refusal.value.field == "description"
    assert count(Opportunity) == 0


# Editing and the status


def test_the_author_edits_and_territories_and_agreements_follow():
    author = make_user()
    opportunity = services.publish_opportunity(author, data())

    services.edit_opportunity(author, opportunity, data(title="Vacuna oral (nueva versión)", territories=["MX", "AR"],
                                                        agreements=["licence"], trl=7))  # fmt: skip

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.title == "Vacuna oral (nueva versión)" and stored.trl == 7
    assert stored.territories == ["AR", "MX"]
    assert stored.agreements == [AgreementType.LICENCE]


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_editing_someone_elses_opportunity_is_forbidden_and_stores_nothing(who):
    opportunity = make_opportunity(title="Original title")
    editor = make_moderator() if who == "moderator" else make_user()

    with pytest.raises(PermissionDenied):
        services.edit_opportunity(editor, opportunity, data(title="Taken over"))
    with pytest.raises(PermissionDenied):
        services.set_status(editor, opportunity, "closed")

    db.session.expire_all()
    stored = db.session.get(Opportunity, opportunity.id)
    assert stored.title == "Original title" and stored.status is OpportunityStatus.OPEN


def test_a_deadline_that_passed_since_does_not_stop_an_edit_but_a_new_past_one_is_refused():
    passed = date.today() - timedelta(days=10)
    opportunity = make_opportunity(deadline=passed)
    values = data(field_id=opportunity.field_id, deadline=passed)

    services.edit_opportunity(opportunity.author, opportunity, values)
    with pytest.raises(ActionRefused) as refusal:
        services.edit_opportunity(opportunity.author, opportunity, data(deadline=passed - timedelta(days=1)))

    assert refusal.value.field == "deadline"


def test_an_edit_held_by_moderation_takes_the_opportunity_out_of_the_lists(app):
    screener = Screener(app, Verdict.REVIEW)
    opportunity = make_opportunity()

    services.edit_opportunity(opportunity.author, opportunity, data(description="Ahora con una cura milagrosa."))

    assert opportunity.awaiting_review
    assert screener.held[0][:2] == ("opportunity", opportunity.id)


def test_the_author_changes_the_status():
    opportunity = make_opportunity()

    services.set_status(opportunity.author, opportunity, "in_negotiation")
    assert opportunity.status is OpportunityStatus.IN_NEGOTIATION
    services.set_status(opportunity.author, opportunity, OpportunityStatus.CLOSED)
    assert opportunity.status is OpportunityStatus.CLOSED
    with pytest.raises(ActionRefused) as refusal:
        services.set_status(opportunity.author, opportunity, "sold")
    assert refusal.value.field == "status"


# Expressing interest


def conversations_between(member, author) -> list[Conversation]:
    mine = select(ConversationParticipant.conversation_id).where(ConversationParticipant.user_id == member.id)
    theirs = select(ConversationParticipant.conversation_id).where(ConversationParticipant.user_id == author.id)
    return list(db.session.scalars(select(Conversation).where(Conversation.id.in_(mine), Conversation.id.in_(theirs))))


def test_expressing_interest_opens_a_conversation_with_the_author_and_counts():
    author = make_user(country="MX")
    opportunity = make_opportunity(author=author, language="en", title="Cassava starch packaging film")
    member = make_user(country="BR")

    interest = services.express_interest(member, opportunity, "  We package açaí and would like a licence.  ")

    [conversation] = conversations_between(member, author)
    assert conversation.subject == "Cassava starch packaging film"
    first = db.session.scalar(select(Message).where(Message.conversation_id == conversation.id))
    assert first.author_id == member.id and first.body == "We package açaí and would like a licence."
    assert interest.conversation_id == conversation.id and interest.user_id == member.id
    assert opportunity.interest_count == 1
    # The author hears of it as of any new message.
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == author.id)) == 1
    assert [item.user_id for item in services.interests_of(opportunity).items] == [member.id]


def test_the_subject_is_the_title_as_written_whatever_the_members_languages():
    opportunity = make_opportunity(language="pt", title="Bioinsumo para controle de pragas na soja",
                                   author=make_user(locale="pt"))  # fmt: skip

    interest = services.express_interest(make_user(locale="es"), opportunity, "Nos interesa.")

    assert db.session.get(Conversation, interest.conversation_id).subject == "Bioinsumo para controle de pragas na soja"


def test_a_second_interest_is_refused_and_changes_nothing():
    opportunity = make_opportunity(language="en")
    member = make_user()
    services.express_interest(member, opportunity, "First time.")

    with pytest.raises(ActionRefused) as refusal:
        services.express_interest(member, opportunity, "Second time.")

    assert english(refusal) == "You have already expressed interest in this opportunity."
    assert opportunity.interest_count == 1
    assert count(OpportunityInterest) == 1
    assert len(conversations_between(member, opportunity.author)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": OpportunityStatus.CLOSED}, "This opportunity is closed."),
        ({"is_hidden": True}, "This opportunity is not published."),
        ({"awaiting_review": True}, "This opportunity is not published."),
    ],
)
def test_no_interest_in_a_closed_hidden_or_held_opportunity(change, message):
    opportunity = make_opportunity(**change)
    member = make_user()

    with pytest.raises(ActionRefused) as refusal:
        services.express_interest(member, opportunity, "Hello")

    assert english(refusal) == message
    assert count(OpportunityInterest) == 0 and count(Conversation) == 0


def test_interest_in_an_opportunity_in_negotiation_is_still_possible():
    opportunity = make_opportunity(status=OpportunityStatus.IN_NEGOTIATION)

    services.express_interest(make_user(), opportunity, "Still open to a second licensee?")

    assert opportunity.interest_count == 1


def test_no_interest_in_ones_own_opportunity_and_a_message_is_required():
    opportunity = make_opportunity()

    with pytest.raises(ActionRefused) as own:
        services.express_interest(opportunity.author, opportunity, "Me")
    with pytest.raises(ActionRefused) as empty:
        services.express_interest(make_user(), opportunity, "   ")
    with pytest.raises(ActionRefused) as long:
        services.express_interest(make_user(), opportunity, "x" * 2001)

    assert english(own) == "This is your own opportunity."
    assert (empty.value.field, english(empty)) == ("message", "Please write a few words to the author.")
    assert long.value.field == "message"
    assert count(OpportunityInterest) == 0


def test_a_block_between_the_two_refuses_the_interest_and_stores_nothing():
    opportunity = make_opportunity()
    member = make_user()
    messages.block_member(opportunity.author, member)

    with pytest.raises(ActionRefused):
        services.express_interest(member, opportunity, "Hello")

    db.session.expire_all()
    assert count(OpportunityInterest) == 0 and count(Conversation) == 0
    assert db.session.get(Opportunity, opportunity.id).interest_count == 0


def test_a_new_member_over_the_days_conversations_is_refused_and_nothing_is_stored(app):
    app.config["MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY"] = 1
    member = make_user()  # joined today
    services.express_interest(member, make_opportunity(), "First one.")
    second = make_opportunity()

    with pytest.raises(messages.DailyLimitReached):
        services.express_interest(member, second, "Second one.")

    db.session.expire_all()
    assert db.session.get(Opportunity, second.id).interest_count == 0
    assert count(OpportunityInterest) == 1


def test_interests_are_listed_newest_first():
    opportunity = make_opportunity()
    first, second = make_user(), make_user()
    services.express_interest(first, opportunity, "One")
    services.express_interest(second, opportunity, "Two")
    interest = db.session.scalar(select(OpportunityInterest).where(OpportunityInterest.user_id == first.id))
    interest.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    assert [item.user_id for item in services.interests_of(opportunity).items] == [second.id, first.id]


# Who sees what


def test_who_sees_hidden_and_held_opportunities():
    author, member, moderator = make_user(), make_user(), make_moderator()
    held = make_opportunity(author=author, awaiting_review=True)
    hidden = make_opportunity(author=author, is_hidden=True)

    assert services.get_opportunity_for(author, held.id) is held
    assert services.get_opportunity_for(member, held.id) is None
    assert services.get_opportunity_for(author, hidden.id) is None
    assert services.get_opportunity_for(member, hidden.id) is None
    assert services.get_opportunity_for(moderator, hidden.id) is hidden
    assert services.get_opportunity_for(moderator, held.id) is held
    assert services.get_opportunity_for(member, 12345) is None
