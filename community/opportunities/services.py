"""Publishing opportunities, the list and its filters, one opportunity's page, and members' interest.

Views, the CLI and tests share these: every check of what an author typed happens here, so bad input
is refused the same way wherever it comes from (ActionRefused naming the form field, nothing stored).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import screening
from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.i18n import LANGUAGES, is_country
from community.markdown import render_markdown
from community.messages import services as messages
from community.opportunities.models import (
    AgreementType,
    IPStatus,
    Opportunity,
    OpportunityAgreement,
    OpportunityInterest,
    OpportunityKind,
    OpportunityStatus,
    OpportunityTerritory,
    Sector,
    opportunity_territories,
)
from community.profiles.models import ExpertiseArea
from community.screening import Verdict
from community.types import utcnow

PER_PAGE = 20
INTERESTS_PER_PAGE = 50
FEED_LIMIT = 50
TITLE_MAX = 150
SUMMARY_MAX = 300
DESCRIPTION_MAX = 20_000
PATENT_NUMBERS_MAX = 200
INSTITUTION_MAX = 160
MESSAGE_MAX = 2000  # an introduction; the conversation carries on in the messages
SCREENING_KIND = "opportunity"  # how screening and the moderation queue name opportunities

ALREADY_INTERESTED = _l("You have already expressed interest in this opportunity.")
CLOSED = _l("This opportunity is closed.")
OWN = _l("This is your own opportunity.")
NOT_PUBLISHED = _l("This opportunity is not published.")


@dataclass
class OpportunityData:
    """What the author typed. Choices may be enum members or their text values (forms and the CLI send text)."""

    title: str
    summary: str
    kind: OpportunityKind | str | None
    field_id: int | None
    sector: Sector | str | None
    trl: int | None
    ip_status: IPStatus | str | None
    language: str
    description: str = ""
    patent_numbers: str = ""
    territories: list[str] = field(default_factory=list)
    agreements: list[AgreementType | str] = field(default_factory=list)
    institution: str = ""  # empty: the organization on the author's profile
    country: str | None = None  # empty: the author's country
    deadline: date | None = None


@dataclass
class OpportunityFilters:
    """The list's filters; `status` None means every status (the list shows open ones unless asked)."""

    kind: OpportunityKind | None = None
    field_id: int | None = None
    sector: Sector | None = None
    trl: int | None = None
    ip_status: IPStatus | None = None
    country: str | None = None
    territory: str | None = None
    language: str | None = None
    status: OpportunityStatus | None = OpportunityStatus.OPEN
    q: str = ""

    def apply(self, query):
        for column, value in (
            (Opportunity.kind, self.kind),
            (Opportunity.field_id, self.field_id),
            (Opportunity.sector, self.sector),
            (Opportunity.trl, self.trl),
            (Opportunity.ip_status, self.ip_status),
            (Opportunity.country, self.country),
            (Opportunity.language, self.language),
            (Opportunity.status, self.status),
        ):
            if value is not None:
                query = query.where(column == value)
        if self.territory:
            # Through the (country, opportunity_id) index of the territories table.
            query = query.where(
                Opportunity.id.in_(
                    select(opportunity_territories.c.opportunity_id).where(
                        opportunity_territories.c.country == self.territory
                    )
                )
            )
        return query  # `q` is for the search index: see list_opportunities


class RankedPagination(Pagination):
    """A page of opportunities out of ids already ranked (best match first) and filtered: no count query."""

    def _query_items(self) -> list:
        ids = self._query_args["ids"][self._query_offset : self._query_offset + self.per_page]
        if not ids:
            return []
        query = self._query_args["select"].where(Opportunity.id.in_(ids))
        loaded = {item.id: item for item in db.session.scalars(query)}
        return [loaded[item_id] for item_id in ids if item_id in loaded]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


# --- who may do what ---------------------------------------------------------------------------


def _is_member(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _is_moderator(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_moderator


def can_publish(user) -> bool:
    """Any active member who is not read-only for now."""
    return _is_member(user) and not user.is_silenced


def can_edit_opportunity(user, opportunity: Opportunity) -> bool:
    """Its author alone, and not while moderators keep it hidden."""
    return _is_member(user) and user.id == opportunity.author_id and not opportunity.is_hidden


def can_see_opportunity(user, opportunity: Opportunity) -> bool:
    """Moderators see every opportunity; others neither a hidden one nor, unless they wrote it, one awaiting review."""
    if _is_moderator(user):
        return True
    if opportunity.is_hidden:
        return False
    return not opportunity.awaiting_review or (
        getattr(user, "is_authenticated", False) and user.id == opportunity.author_id
    )


def can_see_interests(user, opportunity: Opportunity) -> bool:
    """Who expressed interest is for the author and the moderators."""
    return _is_moderator(user) or (getattr(user, "is_authenticated", False) and user.id == opportunity.author_id)


def can_express_interest(user, opportunity: Opportunity) -> bool:
    """Members other than the author, on a published opportunity that is not closed."""
    return (
        can_publish(user) and user.id != opportunity.author_id and opportunity.is_listed
        and opportunity.status is not OpportunityStatus.CLOSED
    )  # fmt: skip


def listed_opportunities() -> tuple:
    """The conditions that leave hidden opportunities, and those awaiting review, out of lists and feeds."""
    return (Opportunity.is_hidden.is_(False), Opportunity.awaiting_review.is_(False))


def _visible_to(viewer) -> list:
    """List conditions: moderators see everything (marked); authors also their own opportunities awaiting review."""
    if _is_moderator(viewer):
        return []
    if getattr(viewer, "is_authenticated", False):
        return [
            Opportunity.is_hidden.is_(False),
            or_(Opportunity.awaiting_review.is_(False), Opportunity.author_id == viewer.id),
        ]
    return list(listed_opportunities())


# --- checking what the author typed ------------------------------------------------------------


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _choice(enum_class, value, message, field_name: str):
    """The enum member `value` names (a member or its text value), or ActionRefused at the field."""
    if isinstance(value, enum_class):
        return value
    try:
        return enum_class(value)
    except ValueError:
        raise ActionRefused(message, field=field_name) from None


def _today_of(user: User) -> date:
    """The date on the author's clocks: a deadline of "today" is never in their past."""
    try:
        return datetime.now(ZoneInfo(user.timezone or "UTC")).date()
    except (ValueError, KeyError):
        return utcnow().date()


def _clean(author: User, data: OpportunityData, *, current_deadline: date | None = None) -> dict:
    """Check `data`; return the values to store. Raises ActionRefused naming the field at fault."""
    title = _one_line(data.title)
    if not title:
        raise ActionRefused(_l("Please give the opportunity a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ActionRefused(_l("The title can have at most %(num)d characters.", num=TITLE_MAX), field="title")
    summary = _one_line(data.summary)
    if not summary:
        raise ActionRefused(_l("Please write a short summary."), field="summary")
    if len(summary) > SUMMARY_MAX:
        raise ActionRefused(_l("The summary can have at most %(num)d characters.", num=SUMMARY_MAX), field="summary")
    description = (data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ActionRefused(
            _l("The description can have at most %(num)d characters.", num=DESCRIPTION_MAX), field="description"
        )
    if data.language not in LANGUAGES:
        raise ActionRefused(_l("Please choose one of the offered languages."), field="language")
    kind = _choice(OpportunityKind, data.kind, _l("Please choose one of the offered kinds."), "kind")
    sector = _choice(Sector, data.sector, _l("Please choose one of the offered sectors."), "sector")
    ip_status = _choice(IPStatus, data.ip_status, _l("Please choose one of the offered IP statuses."), "ip_status")
    agreements = sorted(
        {_choice(AgreementType, value, _l("Please choose agreements from the list."), "agreements")
         for value in data.agreements},
        key=lambda agreement: agreement.value,
    )  # fmt: skip
    if isinstance(data.trl, bool) or not isinstance(data.trl, int) or not 1 <= data.trl <= 9:
        raise ActionRefused(_l("Please choose a development stage from 1 to 9."), field="trl")
    area = db.session.get(ExpertiseArea, data.field_id) if isinstance(data.field_id, int) else None
    if area is None:
        raise ActionRefused(_l("Please choose a field from the list."), field="field_id")
    territories = sorted(set(data.territories or []))
    if not all(isinstance(code, str) and is_country(code) for code in territories):
        raise ActionRefused(_l("Please choose countries from the list."), field="territories")
    country = data.country or author.country or None
    if country and not is_country(country):
        raise ActionRefused(_l("Please choose a country from the list."), field="country")
    # An unchanged deadline that has passed since does not stop an edit of something else.
    if data.deadline is not None and data.deadline != current_deadline and data.deadline < _today_of(author):
        raise ActionRefused(_l("The deadline cannot be in the past."), field="deadline")
    patent_numbers = _one_line(data.patent_numbers) if ip_status.has_numbers else ""
    if len(patent_numbers) > PATENT_NUMBERS_MAX:
        raise ActionRefused(
            _l("The numbers can have at most %(num)d characters.", num=PATENT_NUMBERS_MAX), field="patent_numbers"
        )
    institution = _one_line(data.institution) or _profile_organization(author)
    if len(institution) > INSTITUTION_MAX:
        raise ActionRefused(
            _l("The institution can have at most %(num)d characters.", num=INSTITUTION_MAX), field="institution"
        )
    return {
        "title": title, "summary": summary, "description": description, "language": data.language, "kind": kind,
        "field_id": area.id, "sector": sector, "trl": data.trl, "ip_status": ip_status,
        "patent_numbers": patent_numbers, "institution": institution, "country": country, "deadline": data.deadline,
        "territories": territories, "agreements": agreements,
    }  # fmt: skip


def _profile_organization(author: User) -> str:
    profile = getattr(author, "profile", None)
    return _one_line(profile.organization)[:INSTITUTION_MAX] if profile is not None and profile.organization else ""


def _apply(opportunity: Opportunity, values: dict) -> None:
    values = dict(values)
    territories = values.pop("territories")
    agreements = [agreement.value for agreement in values.pop("agreements")]
    if opportunity.id is None or values["description"] != opportunity.description:
        try:
            opportunity.description_html = str(render_markdown(values["description"]))
        except ActionRefused as refusal:  # rendered too large (wide tables): said beside the description
            raise ActionRefused(refusal.reason, field="description") from None
    for name, value in values.items():
        setattr(opportunity, name, value)
    # Rows that stay are kept (deleting and re-adding the same key in one flush would collide).
    opportunity.territory_rows = [row for row in opportunity.territory_rows if row.country in territories]
    kept = set(opportunity.territories)
    opportunity.territory_rows.extend(OpportunityTerritory(country=code) for code in territories if code not in kept)
    opportunity.agreement_rows = [row for row in opportunity.agreement_rows if row.agreement in agreements]
    kept = {row.agreement for row in opportunity.agreement_rows}
    opportunity.agreement_rows.extend(
        OpportunityAgreement(agreement=value) for value in agreements if value not in kept
    )


def _screen(author: User, values: dict) -> screening.Screening:
    """Moderation's answer about the text; ActionRefused about the description when it is not allowed."""
    text = f"{values['title']}\n{values['summary']}\n{values['description']}"
    answer = screening.screen(author, text, kind=SCREENING_KIND, language=values["language"])
    if answer.verdict is Verdict.BLOCK:
        raise ActionRefused(answer.reason, field="description")
    return answer


# --- publishing and editing --------------------------------------------------------------------


def publish_opportunity(author: User, data: OpportunityData) -> Opportunity:
    """Publish an opportunity, open; its institution and country default to the author's.

    Raises Silenced (a 403) when the author is read-only for now, PermissionDenied when they may not
    publish, ActionRefused for bad input or text moderation does not allow (nothing stored). Text that
    must wait for review is saved awaiting it: only the author and moderators see it until approved.
    """
    refuse_if_silenced(author)
    if not can_publish(author):
        raise PermissionDenied
    values = _clean(author, data)
    verdict = _screen(author, values)
    held = verdict.verdict is Verdict.REVIEW
    opportunity = Opportunity(author=author, status=OpportunityStatus.OPEN, interest_count=0, awaiting_review=held)
    _apply(opportunity, values)
    opportunity.created_at = opportunity.updated_at = utcnow()
    db.session.add(opportunity)
    if held:
        db.session.flush()
        screening.hold_for_review(SCREENING_KIND, opportunity.id, author, verdict)
    db.session.commit()
    return opportunity


def edit_opportunity(editor: User, opportunity: Opportunity, data: OpportunityData) -> Opportunity:
    """Change an opportunity (its author only: PermissionDenied for anyone else, nothing stored).

    New text is screened as in publish_opportunity: when it must wait for review, the opportunity
    leaves the lists until a moderator approves it.
    """
    refuse_if_silenced(editor)
    if not can_edit_opportunity(editor, opportunity):
        raise PermissionDenied
    values = _clean(editor, data, current_deadline=opportunity.deadline)
    new_text = any(values[name] != getattr(opportunity, name) for name in ("title", "summary", "description"))
    verdict = _screen(editor, values) if new_text else screening.PUBLISH
    _apply(opportunity, values)
    opportunity.updated_at = utcnow()
    if verdict.verdict is Verdict.REVIEW:
        opportunity.awaiting_review = True
        db.session.flush()
        screening.hold_for_review(SCREENING_KIND, opportunity.id, editor, verdict)
    db.session.commit()
    return opportunity


def set_status(editor: User, opportunity: Opportunity, status: OpportunityStatus | str) -> Opportunity:
    """Mark the opportunity open, in negotiation or closed (its author only). Closed ones take no new interest."""
    refuse_if_silenced(editor)
    if not can_edit_opportunity(editor, opportunity):
        raise PermissionDenied
    status = _choice(OpportunityStatus, status, _l("Please choose one of the offered statuses."), "status")
    if status is not opportunity.status:
        opportunity.status = status
        opportunity.updated_at = utcnow()
    db.session.commit()
    return opportunity


def set_opportunity_hidden(opportunity: Opportunity, hidden: bool) -> None:
    """Hide the opportunity from members (moderation), or show it again; nothing else changes. Only flushes."""
    opportunity.is_hidden = hidden
    db.session.flush()


def publish_held_opportunity(opportunity: Opportunity) -> None:
    """Publish an opportunity that waited for review (moderation's approval). Only flushes: the caller commits."""
    opportunity.awaiting_review = False
    db.session.flush()


# --- interest ----------------------------------------------------------------------------------


def _interest_subject(opportunity: Opportunity) -> str:
    """The conversation's subject: the opportunity's title, as its author wrote it.

    Not "Interest in: …": the two members may read different languages, and a prefix in one of them
    would stand in the other's inbox. Titles fit the messages' subjects (both at most 150 characters).
    """
    return opportunity.title[: messages.SUBJECT_MAX]


def express_interest(member: User, opportunity: Opportunity, message: str) -> OpportunityInterest:
    """Record the member's interest and open a private conversation with the author, `message` its first text.

    The author is notified as of any new message. Raises ActionRefused: an empty or long message (at the
    field "message"), the member's own opportunity, a closed or unpublished one, a second time; and
    whatever the messages refuse (a block either way, DailyLimitReached for new members, Silenced).
    """
    refuse_if_silenced(member)
    if not _is_member(member):
        raise PermissionDenied
    message = (message or "").strip()
    if not message:
        raise ActionRefused(_l("Please write a few words to the author."), field="message")
    if len(message) > MESSAGE_MAX:
        raise ActionRefused(_l("The message can have at most %(num)d characters.", num=MESSAGE_MAX), field="message")
    if member.id == opportunity.author_id:
        raise ActionRefused(OWN)
    if not opportunity.is_listed:
        raise ActionRefused(NOT_PUBLISHED)
    if opportunity.status is OpportunityStatus.CLOSED:
        raise ActionRefused(CLOSED)
    if get_interest(member, opportunity) is not None:
        raise ActionRefused(ALREADY_INTERESTED)
    # The interest and its count are written first, so that start_conversation's one commit stores them
    # with the conversation: a refused conversation leaves no interest behind (rolled back below).
    interest = OpportunityInterest(opportunity_id=opportunity.id, user_id=member.id, created_at=utcnow())
    db.session.add(interest)
    try:
        db.session.execute(
            update(Opportunity)
            .where(Opportunity.id == opportunity.id)
            .values(interest_count=Opportunity.interest_count + 1)
        )
        conversation = messages.start_conversation(
            member, [opportunity.author], _interest_subject(opportunity), message
        )
    except IntegrityError:
        db.session.rollback()  # the same member, twice at once: the unique key kept one
        raise ActionRefused(ALREADY_INTERESTED) from None
    except ActionRefused as refusal:
        db.session.rollback()
        if refusal.field == "body":
            raise ActionRefused(refusal.reason, field="message") from None
        raise
    except Exception:
        db.session.rollback()
        raise
    # A second commit for the link: the conversation's id exists only once it is written.
    interest.conversation_id = conversation.id
    db.session.commit()
    db.session.refresh(opportunity, ["interest_count"])
    return interest


def get_interest(member, opportunity: Opportunity) -> OpportunityInterest | None:
    """The member's interest in the opportunity, if they expressed it."""
    if not getattr(member, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(OpportunityInterest).where(
            OpportunityInterest.opportunity_id == opportunity.id, OpportunityInterest.user_id == member.id
        )
    )


def interests_of(opportunity: Opportunity, page: int = 1, per_page: int = INTERESTS_PER_PAGE):
    """Who expressed interest, newest first, with their members (paginated; for the author and moderators)."""
    query = (
        select(OpportunityInterest)
        .where(OpportunityInterest.opportunity_id == opportunity.id)
        .options(joinedload(OpportunityInterest.user))
        .order_by(OpportunityInterest.created_at.desc(), OpportunityInterest.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = opportunity.interest_count  # kept on the row: no count query
    return pagination


# --- reading -----------------------------------------------------------------------------------


def get_opportunity_for(viewer, opportunity_id: int) -> Opportunity | None:
    """The opportunity with everything its page shows, or None when it does not exist or `viewer` may not see it."""
    # One statement: the two small collections joined (a few territories times a few agreements).
    query = (
        select(Opportunity)
        .where(Opportunity.id == opportunity_id)
        .options(
            joinedload(Opportunity.author),
            joinedload(Opportunity.field),
            joinedload(Opportunity.territory_rows),
            joinedload(Opportunity.agreement_rows),
        )
    )
    opportunity = db.session.execute(query).unique().scalar_one_or_none()
    if opportunity is None or not can_see_opportunity(viewer, opportunity):
        return None
    return opportunity


def list_opportunities(filters: OpportunityFilters | None = None, page: int = 1, viewer=None,
                       per_page: int = PER_PAGE):  # fmt: skip
    """The opportunities `viewer` may see that pass the filters, newest first, paginated (two queries).

    With words in `filters.q`, the best matches of the search index come first instead (three queries:
    the search, the filters over its matches, the page); words with nothing to look for are ignored.
    """
    # Search reads opportunities (it indexes them): imported when needed, as events reach the forum.
    from community.search import services as search
    from community.search.query import parse_query

    filters = filters or OpportunityFilters()
    loading = select(Opportunity).options(joinedload(Opportunity.author), joinedload(Opportunity.field))
    parsed = parse_query(filters.q)
    if not parsed.is_empty:
        ranked = search.search_opportunity_ids(parsed, viewer)
        allowed = set(db.session.scalars(filters.apply(
            select(Opportunity.id).where(Opportunity.id.in_(ranked), *_visible_to(viewer))
        ))) if ranked else set()  # fmt: skip
        ids = [opportunity_id for opportunity_id in ranked if opportunity_id in allowed]
        return RankedPagination(page=page, per_page=per_page, error_out=False, ids=ids, select=loading)
    query = filters.apply(loading.where(*_visible_to(viewer))).order_by(
        Opportunity.created_at.desc(), Opportunity.id.desc()
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_for_feed(limit: int = FEED_LIMIT) -> list[Opportunity]:
    """The newest published, open opportunities, for the Atom feed."""
    query = (
        select(Opportunity)
        .where(Opportunity.status == OpportunityStatus.OPEN, *listed_opportunities())
        .options(joinedload(Opportunity.author), joinedload(Opportunity.field))
        .order_by(Opportunity.created_at.desc(), Opportunity.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def interested_ids(member, opportunities: list[Opportunity]) -> set[int]:
    """Which of `opportunities` the member expressed interest in (one query), for the list's marks."""
    if not opportunities or not getattr(member, "is_authenticated", False):
        return set()
    query = select(OpportunityInterest.opportunity_id).where(
        and_(
            OpportunityInterest.user_id == member.id,
            OpportunityInterest.opportunity_id.in_([opportunity.id for opportunity in opportunities]),
        )
    )
    return set(db.session.scalars(query))
