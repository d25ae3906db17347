"""What each kind of document says: rows of search_documents built from threads, posts, events, members and
opportunities.

Read with plain column queries (no ORM objects), in batches of ids, so the same code serves the index
upkeep after a commit and the full re-index. A source that is gone, deleted or not listable simply
yields no row: the caller then deletes its document. A document is hidden (found by moderators only)
when moderators hid its source or it awaits their review; a thread's state carries to its replies.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from community.accounts.models import User
from community.events.models import Event
from community.forum.models import Post, Thread
from community.i18n import DEFAULT_LANGUAGE, LANGUAGES
from community.opportunities.models import Opportunity
from community.profiles.models import ExpertiseArea, Institution, Profile, Visibility, profile_expertise
from community.search.models import DocumentKind
from community.types import utcnow

BLOCK_TAGS = {"p", "br", "hr", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "tr", "td", "th", "div"}  # fmt: skip
# Control characters (the highlight markers among them) never reach the index.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
TITLE_MAX = 300


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """The readable text of stored, sanitized HTML: blocks on their own lines, no tags, no entities."""
    if not html:
        return ""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return clean_text("".join(extractor.parts))


def clean_text(value: str | None) -> str:
    lines = (" ".join(line.split()) for line in CONTROL.sub(" ", value or "").splitlines())
    return "\n".join(line for line in lines if line)


def _language(code: str | None) -> str:
    code = (code or "")[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _row(kind: DocumentKind, object_id: int, **values) -> dict:
    row = {
        "kind": kind,
        "object_id": object_id,
        "thread_id": None,
        "title": "",
        "body": "",
        "category_id": None,
        "country": None,
        "dated_at": None,
        "is_members_only": False,
        "is_hidden": False,
        "indexed_at": utcnow(),
    }
    row.update(values)
    row["title"] = clean_text(row["title"])[:TITLE_MAX]
    row["language"] = _language(row.get("language"))
    return row


def _withheld(*flags):
    """True when any of the flags (hidden, awaiting review; an outer-joined one may be NULL) is set."""
    return or_(*(func.coalesce(flag, False) for flag in flags)).label("withheld")


def thread_rows(session: Session, thread_ids) -> list[dict]:
    """A thread's document: its title and opening post (the title alone once that post is deleted)."""
    query = (
        select(Thread.id, Thread.title, Thread.language, Thread.category_id, Thread.created_at,
               Post.body_html, Post.deleted_at, _withheld(Thread.is_hidden, Thread.awaiting_review, Post.is_hidden,
                                                          Post.awaiting_review))
        .outerjoin(Post, and_(Post.thread_id == Thread.id, Post.number == 1))
        .where(Thread.id.in_(list(thread_ids)))
    )  # fmt: skip
    return [
        _row(
            DocumentKind.THREAD, row.id, thread_id=row.id, title=row.title, language=row.language,
            body="" if row.deleted_at else html_to_text(row.body_html), category_id=row.category_id,
            dated_at=row.created_at, is_hidden=bool(row.withheld),
        )  # fmt: skip
        for row in session.execute(query)
    ]


def reply_rows(session: Session, *, post_ids=None, thread_ids=None) -> list[dict]:
    """The documents of replies (posts numbered 2 and up) that are not deleted, by post or by thread."""
    query = (
        select(Post.id, Post.thread_id, Post.body_html, Post.created_at, Thread.language, Thread.category_id,
               _withheld(Post.is_hidden, Post.awaiting_review, Thread.is_hidden, Thread.awaiting_review))
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.number > 1, Post.deleted_at.is_(None))
    )
    if post_ids is not None:
        query = query.where(Post.id.in_(list(post_ids)))
    if thread_ids is not None:
        query = query.where(Post.thread_id.in_(list(thread_ids)))
    return [
        _row(
            DocumentKind.POST, row.id, thread_id=row.thread_id, language=row.language,
            body=html_to_text(row.body_html), category_id=row.category_id, dated_at=row.created_at,
            is_hidden=bool(row.withheld),
        )  # fmt: skip
        for row in session.execute(query)
    ]


def event_rows(session: Session, event_ids) -> list[dict]:
    """An event's document: title, description, place and minutes; dated by its start."""
    query = select(
        Event.id, Event.title, Event.description_html, Event.minutes_html, Event.venue, Event.city, Event.country,
        Event.language, Event.starts_at, _withheld(Event.is_hidden, Event.awaiting_review),
    ).where(Event.id.in_(list(event_ids)))
    rows = []
    for row in session.execute(query):
        body = "\n".join(
            part for part in (html_to_text(row.description_html), row.venue, row.city, html_to_text(row.minutes_html))
            if part
        )  # fmt: skip
        rows.append(
            _row(
                DocumentKind.EVENT, row.id, title=row.title, body=body, language=row.language, country=row.country,
                dated_at=row.starts_at, is_hidden=bool(row.withheld),
            )  # fmt: skip
        )
    return rows


def opportunity_rows(session: Session, opportunity_ids) -> list[dict]:
    """An opportunity's document: title, then summary, institution, its field (in every language) and description.

    Dated by its publication; its country is where it comes from. Kept whatever its status (closed ones
    are still worth finding: the result says they are closed).
    """
    query = (
        select(
            Opportunity.id, Opportunity.title, Opportunity.summary, Opportunity.description_html,
            Opportunity.institution, Opportunity.country, Opportunity.language, Opportunity.created_at,
            ExpertiseArea.name_es, ExpertiseArea.name_pt, ExpertiseArea.name_en,
            _withheld(Opportunity.is_hidden, Opportunity.awaiting_review),
        )
        .outerjoin(ExpertiseArea, ExpertiseArea.id == Opportunity.field_id)
        .where(Opportunity.id.in_(list(opportunity_ids)))
    )  # fmt: skip
    rows = []
    for row in session.execute(query):
        field = " · ".join(name for name in dict.fromkeys((row.name_es, row.name_pt, row.name_en)) if name)
        body = "\n".join(
            part for part in (row.summary, row.institution, field, html_to_text(row.description_html)) if part
        )
        rows.append(
            _row(
                DocumentKind.OPPORTUNITY, row.id, title=row.title, body=body, language=row.language,
                country=row.country, dated_at=row.created_at, is_hidden=bool(row.withheld),
            )  # fmt: skip
        )
    return rows


def opportunities_in_fields(session: Session, area_ids) -> list[int]:
    """The opportunities of these fields of the expertise taxonomy (their documents name the field)."""
    return list(session.scalars(select(Opportunity.id).where(Opportunity.field_id.in_(list(area_ids)))))


def member_rows(session: Session, user_ids) -> list[dict]:
    """A listed member's document: name, then @handle and what the profile says (expertise in every language).

    Members who are not listed (unconfirmed, waiting for approval, deleted) have none. Members-only
    profiles (the default) are marked so that visitors never find them.
    """
    query = (
        select(
            User.id, User.display_name, User.handle, User.country, User.locale, User.created_at,
            Profile.id.label("profile_id"),
            Profile.headline, Profile.job_title, Profile.organization, Profile.city, Profile.bio_html,
            Profile.visibility, Institution.name.label("institution"),
        )
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Institution, and_(Institution.id == Profile.institution_id, Profile.verified_at.is_not(None)))
        .where(
            User.id.in_(list(user_ids)),
            User.email_confirmed_at.is_not(None),
            User.is_approved.is_(True),
            User.deleted_at.is_(None),
        )
    )
    members = session.execute(query).all()
    areas: dict[int, list[str]] = defaultdict(list)
    profile_ids = [row.profile_id for row in members if row.profile_id is not None]
    if profile_ids:
        names = session.execute(
            select(profile_expertise.c.profile_id, ExpertiseArea.name_es, ExpertiseArea.name_pt, ExpertiseArea.name_en)
            .join(ExpertiseArea, ExpertiseArea.id == profile_expertise.c.expertise_id)
            .where(profile_expertise.c.profile_id.in_(profile_ids))
            .order_by(ExpertiseArea.position, ExpertiseArea.id)
        )
        for profile_id, *translations in names:
            areas[profile_id].extend(dict.fromkeys(translations))
    rows = []
    for row in members:
        body = "\n".join(
            part
            for part in (
                f"@{row.handle}" if row.handle else "", row.headline, row.job_title, row.organization, row.institution,
                row.city,
                " · ".join(areas.get(row.profile_id, [])), html_to_text(row.bio_html),
            )  # fmt: skip
            if part
        )
        rows.append(
            _row(
                DocumentKind.MEMBER, row.id, title=row.display_name, body=body, language=row.locale,
                country=row.country, dated_at=row.created_at, is_members_only=row.visibility is not Visibility.PUBLIC,
            )  # fmt: skip
        )
    return rows


def members_with_expertise(session: Session, area_ids) -> list[int]:
    return list(
        session.scalars(
            select(Profile.user_id)
            .join(profile_expertise, profile_expertise.c.profile_id == Profile.id)
            .where(profile_expertise.c.expertise_id.in_(list(area_ids)))
        )
    )


def members_of_institution(session: Session, institution_ids) -> list[int]:
    return list(session.scalars(select(Profile.user_id).where(Profile.institution_id.in_(list(institution_ids)))))
