"""Keeping the index in step with the content, inside the transaction that changes it.

The forum, events, opportunities, profiles and accounts know nothing of search (search sits above them).
Instead, a session listener notes after each flush which threads, posts, events, opportunities and members
changed in a way search cares about, and just before the commit rewrites their documents in the same
transaction: a reply, an edit, a deletion or a profile change is searchable (or gone) the moment it is
committed, and a rolled-back change leaves the index alone. The cost is bounded: a couple of queries per kind of
source touched, whatever the size of the site.

Rewriting a document reads its source afresh, so noting a key twice, or for a change that is later
undone, is harmless.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from community.accounts.models import User
from community.events.models import Event
from community.forum.models import Post, Thread
from community.opportunities.models import Opportunity
from community.profiles.models import ExpertiseArea, Institution, Profile
from community.search import sources
from community.search.backends import backend_for, delete_documents, documents
from community.search.models import DocumentKind

PENDING = "search_pending_keys"

# Source keys: ("thread" | "post" | "event" | "member" | "opportunity", id), and keys that stand for several
# documents: a thread's replies (moved or deleted thread), the members and opportunities with an expertise
# area, the members of an institution.
THREAD, POST, EVENT, MEMBER, OPPORTUNITY = "thread", "post", "event", "member", "opportunity"
THREAD_REPLIES, EXPERTISE, INSTITUTION = "thread_replies", "expertise", "institution"

# The attributes whose change changes a document.
WATCHED = {
    Post: ("body_html", "deleted_at", "number", "thread_id", "created_at", "is_hidden", "awaiting_review"),
    Thread: ("title", "language", "category_id", "created_at", "is_hidden", "awaiting_review"),
    Event: ("title", "description_html", "minutes_html", "venue", "city", "country", "language", "starts_at",
            "is_hidden", "awaiting_review"),
    Profile: ("headline", "job_title", "organization", "city", "bio_html", "visibility", "institution_id",
              "verified_at", "expertise"),
    User: ("display_name", "handle", "country", "locale", "email_confirmed_at", "is_approved", "deleted_at",
           "created_at"),
    Opportunity: ("title", "summary", "description_html", "institution", "country", "language", "field_id", "field",
                  "created_at", "is_hidden", "awaiting_review"),
    ExpertiseArea: ("name_es", "name_pt", "name_en"),
    Institution: ("name",),
}  # fmt: skip


THREAD_FIELDS_OF_REPLIES = ("language", "category_id", "is_hidden", "awaiting_review")


def _keys_for(obj, *, is_new: bool = False, is_deleted: bool = False) -> list[tuple[str, int]]:
    if isinstance(obj, Post):
        thread_id = obj.thread_id if obj.thread_id is not None else obj.thread.id
        return [(THREAD, thread_id)] if obj.number == 1 else [(POST, obj.id)]
    if isinstance(obj, Thread):
        keys = [(THREAD, obj.id)]
        if is_deleted or (not is_new and _changed(obj, THREAD_FIELDS_OF_REPLIES)):
            keys.append((THREAD_REPLIES, obj.id))  # replies carry the thread's language, category and visibility
        return keys
    if isinstance(obj, Event):
        return [(EVENT, obj.id)]
    if isinstance(obj, Opportunity):
        return [(OPPORTUNITY, obj.id)]
    if isinstance(obj, Profile):
        return [(MEMBER, obj.user_id)]
    if isinstance(obj, User):
        return [(MEMBER, obj.id)]
    if isinstance(obj, ExpertiseArea):
        return [] if is_new else [(EXPERTISE, obj.id)]
    if isinstance(obj, Institution):
        return [] if is_new else [(INSTITUTION, obj.id)]
    return []


def _changed(obj, attributes: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    """Note the sources whose documents must be rewritten (attribute history is still there after a flush)."""
    keys = session.info.setdefault(PENDING, set())
    for obj in session.new:
        if type(obj) in WATCHED:
            keys.update(_keys_for(obj, is_new=True))
    for obj in session.dirty:
        watched = WATCHED.get(type(obj))
        if watched and _changed(obj, watched):
            keys.update(_keys_for(obj))
    for obj in session.deleted:
        if type(obj) in WATCHED:
            keys.update(_keys_for(obj, is_deleted=True))
    if not keys:
        session.info.pop(PENDING, None)


@event.listens_for(Session, "before_commit")
def _write_documents(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: note its changes now
    keys = session.info.pop(PENDING, None)
    if keys:
        index_keys(session, keys)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(PENDING, None)


def index_keys(session: Session, keys: Iterable[tuple[str, int]]) -> None:
    """Rewrite (or delete) the documents of these sources from what the database holds now. Only executes."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in keys:
        if object_id is not None:
            by_kind[kind].add(object_id)
    if by_kind.get(EXPERTISE):
        area_ids = by_kind.pop(EXPERTISE)
        by_kind[MEMBER].update(sources.members_with_expertise(session, area_ids))
        by_kind[OPPORTUNITY].update(sources.opportunities_in_fields(session, area_ids))
    if by_kind.get(INSTITUTION):
        by_kind[MEMBER].update(sources.members_of_institution(session, by_kind.pop(INSTITUTION)))
    backend = backend_for(session)
    builders = {
        THREAD: (DocumentKind.THREAD, sources.thread_rows),
        POST: (DocumentKind.POST, lambda s, ids: sources.reply_rows(s, post_ids=ids)),
        EVENT: (DocumentKind.EVENT, sources.event_rows),
        MEMBER: (DocumentKind.MEMBER, sources.member_rows),
        OPPORTUNITY: (DocumentKind.OPPORTUNITY, sources.opportunity_rows),
    }
    for name, (kind, build) in builders.items():
        ids = by_kind.get(name)
        if ids:
            rows = build(session, ids)
            if rows:
                backend.write(session, rows)
            gone = ids - {row["object_id"] for row in rows}
            if gone:
                delete_documents(session, documents.c.kind == kind, documents.c.object_id.in_(gone))
    thread_ids = by_kind.get(THREAD_REPLIES)
    if thread_ids:
        rows = sources.reply_rows(session, thread_ids=thread_ids)
        if rows:
            backend.write(session, rows)
        delete_documents(
            session,
            documents.c.kind == DocumentKind.POST,
            documents.c.thread_id.in_(thread_ids),
            documents.c.object_id.not_in([row["object_id"] for row in rows]),
        )
