"""Opportunities are moderated like other content: members report them into a case, enough reports hide them,
moderators hide, restore, approve and reject them (each action in the audit log), and watched words and
newcomers' links hold or block them. Hidden and held ones are gone for members, still there for moderators.
"""

import pytest
from sqlalchemy import inspect, select

from community.audit.models import AuditAction
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.moderation import actions, reports
from community.moderation.actions import Decision
from community.moderation.models import CaseStatus, ContentKind, ModeratorScope, ReportReason, Signal
from community.notifications.models import NotificationKind
from community.opportunities import services as opportunities
from community.opportunities.models import Opportunity, OpportunityKind, Sector
from community.opportunities.services import OpportunityData
from community.search import services as search
from tests.factories import make_admin, make_moderator, make_opportunity
from tests.moderation.content_support import BLOCK, REVIEW, newcomer, notified, watch
from tests.moderation.queue_support import audit_entries, count, main_part, member, open_case, page_text, report

pytestmark = pytest.mark.usefixtures("app")
OPPORTUNITY = ContentKind.OPPORTUNITY


@pytest.fixture
def offer(app):
    """A Brazilian member's published technology offer."""
    return make_opportunity(author=member(country="BR"), title="Biofungicide from Trichoderma", language="en",
                            summary="A patented biofungicide for soy, available for licensing.")  # fmt: skip


def fresh(opportunity: Opportunity) -> Opportunity:
    db.session.expire_all()
    return db.session.get(Opportunity, opportunity.id)


def item(opportunity: Opportunity):
    db.session.expire_all()
    return reports.find_item(OPPORTUNITY, opportunity.id)


def held(opportunity: Opportunity) -> Opportunity:
    """Mark an opportunity as waiting for review, with its case in the queue (as screening does)."""
    opportunity.awaiting_review = True
    db.session.flush()
    case = reports.open_case_for(reports.find_item(OPPORTUNITY, opportunity.id))
    case.awaiting_review = True
    db.session.commit()
    return opportunity


def data(**overrides) -> OpportunityData:
    from community.profiles.models import ExpertiseArea
    from community.profiles.services import ensure_default_expertise

    ensure_default_expertise()
    field_id = db.session.scalar(select(ExpertiseArea.id).where(ExpertiseArea.slug == "agri-food"))
    values = {
        "title": "Cassava starch film", "summary": "A compostable packaging film.", "description": "Pilot scale.",
        "kind": OpportunityKind.TECHNOLOGY_OFFER, "field_id": field_id, "sector": Sector.AGRI_FOOD, "trl": 5,
        "ip_status": "patent_application", "language": "en",
    }  # fmt: skip
    values.update(overrides)
    return OpportunityData(**values)


def seen_by(client, login, viewer, opportunity) -> int:
    with client.session_transaction() as session:
        session.clear()
    if viewer is not None:
        login(viewer)
    return client.get(f"/opportunities/{opportunity.id}", headers={"Accept-Language": "en"}).status_code


def listed(client, opportunity) -> bool:
    page = client.get("/opportunities/?status=", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return f'href="/opportunities/{opportunity.id}"' in page


# Reports


def test_a_report_opens_a_case_that_knows_the_author_and_the_opportunitys_country(offer):
    reporter = member()
    reports.report_content(reporter, OPPORTUNITY, offer.id, ReportReason.CONFIDENTIAL, "Discloses a formula.")

    case = open_case(OPPORTUNITY, offer.id)
    assert (case.author_id, case.country, case.category_id, case.report_count) == (offer.author_id, "BR", None, 1)
    [filed] = case.reports
    assert (filed.reporter_id, filed.reason, filed.note) == (reporter.id, ReportReason.CONFIDENTIAL,
                                                             "Discloses a formula.")  # fmt: skip


def test_an_opportunity_without_a_country_falls_in_its_authors_scope(app):
    opportunity = make_opportunity(author=member(country="PE"), country=None)
    report(OPPORTUNITY, opportunity.id)
    assert open_case(OPPORTUNITY, opportunity.id).country == "PE"


def test_members_cannot_report_their_own_nor_hidden_or_held_opportunities(offer):
    with pytest.raises(PermissionDenied):
        report(OPPORTUNITY, offer.id, reporter=offer.author)
    for state in ({"is_hidden": True}, {"awaiting_review": True}):
        other = make_opportunity(author=member(), **state)
        with pytest.raises(PermissionDenied):
            report(OPPORTUNITY, other.id)
    assert count(reports.ModerationCase) == 0


def test_a_member_reports_an_opportunity_once_while_its_case_is_open(offer):
    reporter = member()
    report(OPPORTUNITY, offer.id, reporter)
    with pytest.raises(ActionRefused):
        report(OPPORTUNITY, offer.id, reporter)
    assert open_case(OPPORTUNITY, offer.id).report_count == 1


def test_the_third_distinct_member_to_report_hides_the_opportunity_until_a_moderator_decides(offer):
    report(OPPORTUNITY, offer.id)
    report(OPPORTUNITY, offer.id)
    assert not fresh(offer).is_hidden and audit_entries(AuditAction.AUTO_HIDE) == []

    report(OPPORTUNITY, offer.id)

    assert fresh(offer).is_hidden
    case = open_case(OPPORTUNITY, offer.id)
    assert case.is_auto_hidden and case.signal is Signal.REPORT_THRESHOLD
    [entry] = audit_entries(AuditAction.AUTO_HIDE)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id) == (
        None, "opportunity", offer.id, offer.author_id
    )  # fmt: skip


def test_the_report_page_files_a_report_and_leads_back_to_the_opportunity(client, login, offer):
    login(member())
    form = client.get(f"/report/opportunity/{offer.id}", headers={"Accept-Language": "en"})
    assert form.status_code == 200
    assert "Opportunity: Biofungicide from Trichoderma" in main_part(form)

    response = client.post(f"/report/opportunity/{offer.id}", data={"reason": "spam", "note": "Advert"})

    assert response.status_code == 302 and response.headers["Location"] == f"/opportunities/{offer.id}"
    assert open_case(OPPORTUNITY, offer.id).report_count == 1


def test_the_report_page_refuses_the_author_and_hides_what_members_cannot_see(client, login, offer):
    login(offer.author)
    assert client.post(f"/report/opportunity/{offer.id}", data={"reason": "spam"}).status_code == 403
    login(member())
    hidden = make_opportunity(author=member(), is_hidden=True)
    assert client.get(f"/report/opportunity/{hidden.id}").status_code == 404
    assert client.get("/report/opportunity/999999").status_code == 404
    assert count(reports.Report) == 0


def test_the_opportunity_page_offers_report_to_other_members_but_not_to_its_author(client, login, offer):
    link = f'href="/report/opportunity/{offer.id}"'
    login(member())
    assert link in page_text(client.get(f"/opportunities/{offer.id}"))
    login(offer.author)
    assert link not in page_text(client.get(f"/opportunities/{offer.id}"))


# Hide and restore


def test_hiding_takes_the_opportunity_from_members_and_settles_its_case(client, login, offer):
    report(OPPORTUNITY, offer.id)
    moderator = make_moderator(locale="en")
    reader = member()

    actions.hide(moderator, item(offer), Decision(reason="Advertising"))

    assert fresh(offer).is_hidden and open_case(OPPORTUNITY, offer.id) is None
    [entry] = audit_entries(AuditAction.HIDE)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id, entry.reason) == (
        moderator.id, "opportunity", offer.id, offer.author_id, "Advertising"
    )  # fmt: skip
    assert seen_by(client, login, reader, offer) == 404 and seen_by(client, login, None, offer) == 404
    assert not listed(client, offer)
    assert search.search_opportunity_ids("biofungicide", reader) == []
    # Moderators still see it, marked, with the button to restore it.
    login(moderator)
    page = page_text(client.get(f"/opportunities/{offer.id}"))
    assert "hidden-marker" in page and "moderation-restore" in page


def test_a_restore_brings_the_opportunity_back_exactly_as_it_was(client, login, offer):
    columns = [attribute.key for attribute in inspect(Opportunity).column_attrs]
    before = {name: getattr(offer, name) for name in columns}
    moderator = make_moderator()
    actions.hide(moderator, item(offer))

    actions.restore(moderator, item(offer), Decision(reason="A genuine offer"))

    after = fresh(offer)
    assert {name: getattr(after, name) for name in columns} == before
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE, AuditAction.RESTORE]
    assert audit_entries(AuditAction.RESTORE)[0].target_kind == "opportunity"
    assert seen_by(client, login, member(), offer) == 200 and listed(client, offer)
    assert search.search_opportunity_ids("biofungicide", member()) == [offer.id]


def test_reporters_are_told_with_a_link_to_the_opportunity(client, login, offer):
    reporter = member()
    report(OPPORTUNITY, offer.id, reporter)
    actions.dismiss_case(make_moderator(), open_case(OPPORTUNITY, offer.id))

    [told] = notified(reporter, NotificationKind.MODERATION_DECISION)
    assert (told.target_type, told.target_id, told.text) == ("opportunity", offer.id, offer.title)
    login(reporter)
    response = client.post(f"/notifications/{told.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == f"/opportunities/{offer.id}"


def test_hiding_twice_or_restoring_a_visible_opportunity_is_refused_and_changes_nothing(offer):
    moderator = make_moderator()
    with pytest.raises(ActionRefused):
        actions.restore(moderator, item(offer))
    actions.hide(moderator, item(offer))
    with pytest.raises(ActionRefused):
        actions.hide(moderator, item(offer))
    assert [entry.action for entry in audit_entries()] == [AuditAction.HIDE]


def test_opportunities_cannot_be_locked_pinned_or_edited_as_posts(offer):
    moderator = make_moderator()
    with pytest.raises(actions.WrongKind):
        actions.lock(moderator, item(offer))
    with pytest.raises(actions.WrongKind):
        actions.edit_post(moderator, item(offer), "New text")


def test_members_may_not_act_and_coordinators_only_in_their_countries(offer):
    with pytest.raises(PermissionDenied):
        actions.hide(member(), item(offer))
    elsewhere = make_moderator()
    db.session.add(ModeratorScope(user_id=elsewhere.id, country="MX"))
    db.session.commit()
    with pytest.raises(PermissionDenied):
        actions.hide(elsewhere, item(offer))
    coordinator = make_moderator()
    db.session.add(ModeratorScope(user_id=coordinator.id, country="BR"))
    db.session.commit()
    actions.hide(coordinator, item(offer))
    assert fresh(offer).is_hidden


def test_the_page_buttons_hide_and_restore_with_a_csrf_token(app, client, login, offer):
    login(make_moderator(locale="en"))
    response = client.post(f"/moderation/opportunities/{offer.id}/hide", data={"next": f"/opportunities/{offer.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/opportunities/{offer.id}"
    assert fresh(offer).is_hidden
    assert client.post(f"/moderation/opportunities/{offer.id}/hide").status_code == 409
    assert client.post(f"/moderation/opportunities/{offer.id}/lock").status_code == 404
    assert client.post("/moderation/opportunities/999999/restore").status_code == 404

    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/moderation/opportunities/{offer.id}/restore").status_code == 400
    assert fresh(offer).is_hidden


# Held opportunities


def test_a_held_opportunity_approved_is_listed_and_audited(client, login, offer):
    held(offer)
    assert not listed(client, offer) and seen_by(client, login, member(), offer) == 404
    moderator = make_moderator()

    actions.approve(moderator, item(offer))

    assert not fresh(offer).awaiting_review
    assert listed(client, offer) and seen_by(client, login, member(), offer) == 200
    [entry] = audit_entries(AuditAction.APPROVE_CONTENT)
    assert (entry.target_kind, entry.target_id) == ("opportunity", offer.id)
    assert open_case(OPPORTUNITY, offer.id) is None
    with pytest.raises(ActionRefused):
        actions.approve(moderator, item(offer))


def test_a_rejected_opportunity_stays_unpublished_and_hidden(client, offer):
    held(offer)
    actions.reject(make_moderator(), item(offer))
    rejected = fresh(offer)
    assert rejected.is_hidden and rejected.awaiting_review and not listed(client, offer)
    [entry] = audit_entries(AuditAction.HIDE)
    assert entry.details["rejected"] is True and entry.target_kind == "opportunity"


# Screening


def test_a_watched_word_sent_to_review_holds_a_new_opportunity_in_the_queue(client, login):
    watch("crypto", REVIEW)
    author = member()
    opportunity = opportunities.publish_opportunity(author, data(summary="Royalties paid in crypto tokens."))

    assert opportunity.awaiting_review
    case = open_case(OPPORTUNITY, opportunity.id)
    assert case.awaiting_review and case.signal is Signal.WATCHED_WORD and case.signal_detail == "crypto"
    assert not listed(client, opportunity)
    assert seen_by(client, login, member(), opportunity) == 404 and seen_by(client, login, author, opportunity) == 200


def test_a_blocked_word_refuses_the_opportunity_and_stores_nothing():
    watch("casino", BLOCK)
    with pytest.raises(ActionRefused) as refused:
        opportunities.publish_opportunity(member(), data(description="Licensed to an online casino."))
    assert "casino" in str(refused.value.reason)
    assert count(Opportunity) == 0 and count(reports.ModerationCase) == 0


def test_a_newcomers_opportunity_full_of_links_waits_for_review_but_not_its_first_text():
    links = " ".join(f"https://shop{number}.example.com" for number in range(5))
    first = opportunities.publish_opportunity(newcomer(), data(title="Plain offer"))
    linked = opportunities.publish_opportunity(newcomer(), data(title="Linked offer", description=links))
    assert not first.awaiting_review  # the first-posts rule is the forum's
    assert linked.awaiting_review and open_case(OPPORTUNITY, linked.id).signal is Signal.LINKS


# The queue and the audit log


def test_the_queue_shows_an_opportunity_case_with_its_content_and_the_case_page_decides(client, login, offer):
    report(OPPORTUNITY, offer.id, reason=ReportReason.SPAM, note="Same advert everywhere")
    login(make_moderator(locale="en"))

    queue = main_part(client.get("/moderation/?kind=opportunity", headers={"Accept-Language": "en"}))
    assert "Biofungicide from Trichoderma" in queue and "A patented biofungicide for soy" in queue
    assert 'case-kind">Opportunity</span>' in queue
    assert f'href="/opportunities/{offer.id}"' in queue and "See the opportunity" in queue

    case = open_case(OPPORTUNITY, offer.id)
    page = main_part(client.get(f"/moderation/cases/{case.id}", headers={"Accept-Language": "en"}))
    assert 'value="hide"' in page and 'value="dismiss"' in page and 'value="lock"' not in page
    response = client.post(f"/moderation/cases/{case.id}/decide", data={"action": "hide", "case_id": case.id,
                                                                         "reason": "Advert"})  # fmt: skip
    assert response.status_code == 302 and fresh(offer).is_hidden
    assert db.session.get(type(case), case.id).status is CaseStatus.CLOSED


def test_a_held_opportunity_offers_approve_and_reject_on_its_case_page(client, login, offer):
    held(offer)
    login(make_moderator(locale="en"))
    case = open_case(OPPORTUNITY, offer.id)
    page = main_part(client.get(f"/moderation/cases/{case.id}", headers={"Accept-Language": "en"}))
    assert 'value="approve"' in page and 'value="reject"' in page and 'value="hide"' not in page
    client.post(f"/moderation/cases/{case.id}/decide", data={"action": "approve", "case_id": case.id})
    assert not fresh(offer).awaiting_review


def test_the_audit_log_names_and_links_the_opportunity(client, login, offer):
    actions.hide(make_moderator(), item(offer))
    login(make_admin(locale="en"))
    page = main_part(client.get("/admin/audit", headers={"Accept-Language": "en"}))
    assert "Opportunity" in page and f'href="/opportunities/{offer.id}"' in page
