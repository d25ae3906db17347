"""`flask seed demo` adds offers, requests, collaboration calls and expertise from institutions in the eight
countries, in three languages, with members' interest that opened conversations with the authors."""

from sqlalchemy import func, select

from community.accounts.models import User
from community.extensions import db
from community.i18n import is_country
from community.messages.models import ConversationParticipant, Message
from community.opportunities.demo import load_opportunities_demo
from community.opportunities.models import TRL_LEVELS, Opportunity, OpportunityInterest, OpportunityKind
from community.profiles.demo import load_profiles_demo
from community.seed.demo import DEMO_MEMBERS
from community.types import utcnow
from tests.factories import make_user

EIGHT_COUNTRIES = {"MX", "AR", "BR", "CL", "CO", "CR", "CU", "PE"}


def demo_members() -> None:
    for name, email, country, locale, role in DEMO_MEMBERS:
        make_user(display_name=name, email=email, country=country, locale=locale, role=role, commit=False)
    db.session.commit()
    load_profiles_demo()


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Opportunity, OpportunityInterest, Message)
    )


def test_demo_opportunities_come_from_the_eight_countries_in_three_languages_and_every_kind(app):
    demo_members()

    added = load_opportunities_demo()

    opportunities = list(db.session.scalars(select(Opportunity)))
    assert added == len(opportunities) >= 12
    assert {opportunity.country for opportunity in opportunities} == EIGHT_COUNTRIES
    assert {opportunity.language for opportunity in opportunities} == {"es", "pt", "en"}
    assert {opportunity.kind for opportunity in opportunities} == set(OpportunityKind)
    demo_emails = {email for _name, email, *_rest in DEMO_MEMBERS}
    today = utcnow().date()
    for opportunity in opportunities:
        assert opportunity.author.email in demo_emails and opportunity.institution
        assert opportunity.trl in TRL_LEVELS and opportunity.field is not None
        assert opportunity.territories and all(is_country(code) for code in opportunity.territories)
        assert opportunity.country not in opportunity.territories
        assert opportunity.deadline is None or opportunity.deadline > today
        assert opportunity.is_listed and opportunity.status.value in ("open", "in_negotiation")
        assert opportunity.description_html.startswith("<") and opportunity.created_at < utcnow()
    # Spread over the last weeks, so the list and the digests look lived in.
    assert len({opportunity.created_at.date() for opportunity in opportunities}) >= 10


def test_demo_interests_opened_conversations_with_the_authors(app):
    demo_members()
    load_opportunities_demo()

    interests = list(db.session.scalars(select(OpportunityInterest)))
    assert len(interests) >= 3
    for interest in interests:
        opportunity = interest.opportunity
        assert interest.user_id != opportunity.author_id and interest.user.country != opportunity.country
        assert opportunity.interest_count == 1
        people = set(db.session.scalars(select(ConversationParticipant.user_id).where(
            ConversationParticipant.conversation_id == interest.conversation_id)))  # fmt: skip
        assert people == {interest.user_id, opportunity.author_id}
    assert db.session.scalar(select(func.count(Message.id)).where(Message.number > 1)) >= 1  # authors replied


def test_loading_twice_adds_nothing(app):
    demo_members()
    load_opportunities_demo()
    before = counts()

    assert load_opportunities_demo() == 0
    assert counts() == before


def test_the_demo_command_loads_opportunities_once_and_if_empty_keeps_it_so(runner):
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    first = counts()
    assert first[0] >= 12 and first[1] >= 3
    lucia = db.session.scalar(select(User).where(User.email == "lucia.hernandez@unam.example.mx"))
    assert db.session.scalar(select(func.count(Opportunity.id)).where(Opportunity.author_id == lucia.id)) >= 1

    again = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert "already has members" in again.output
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert counts() == first
