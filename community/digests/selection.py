"""What goes into each member's digest, chosen for a whole batch of members at once.

A batch costs the same small number of SQL statements whatever its size (one per kind of candidate,
loaded for every member of the batch together), and the candidates are then shared out in Python.

What a member is told about, since their previous digest (or the start of the period for a first one):

- replies in threads they started, posted in or watch;
- changes to and cancellations of upcoming events they are going to;
- the number of their unread private messages (never who wrote them or what);
- new and active threads in the categories they watch, written in the languages they read;
- upcoming events announced in their country or online;
- new open opportunities in their expertise: the opportunity's field, or the area its sector names, is one
  of the member's areas (published since their previous digest, whether or not they visited since: the
  list does not single out what fits them);
- new members who share an area of expertise with them and work in another country.

Nothing hidden by moderators, held for review or deleted; nothing by a member they blocked or who blocked
them; no post they have already read (`ThreadRead`); nothing an earlier digest already told them about
(`DigestItem`: a thread is told about again only for posts after the last one counted). A member who came
to the site since their previous digest has seen its lists: events and members announced before their last
visit are left out (threads follow what they actually read).

The order is the order of relevance to the member: first what concerns them personally (answers in
their own conversations, then changes to events they are going to, then the count of their unread
messages), then what they chose to follow (their categories: the most active threads first, i.e. the
most new posts, a thread started in the window counting NEW_THREAD_WEIGHT more, then the most recent
activity; new threads are marked), then what is near them (events in their country before online ones,
the soonest first), then opportunities in their expertise (those of their field before those of their sector
only, then the newest), then people they may want to know (the most shared areas first, then the newest).
Each list is cut at a few items, with the number left over and a link to the page that has them all.
"""

import heapq
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, and_, false, func, or_, select

from community.accounts.models import User
from community.digests.content import (
    EVENT,
    EVENT_CHANGE,
    MEMBER,
    OPPORTUNITY,
    THREAD,
    DigestContent,
    EventItem,
    MemberItem,
    OpportunityItem,
    Recipient,
    ThreadItem,
)
from community.digests.models import Digest, DigestItem
from community.events.models import Event, EventFormat, EventRSVP, EventStatus, RSVPStatus
from community.extensions import db
from community.forum.models import Category, CategoryWatch, Post, Thread, ThreadRead, ThreadWatch
from community.i18n import DEFAULT_LANGUAGE, LANGUAGES
from community.mail.services import external_url
from community.messages.models import Block, ConversationParticipant
from community.opportunities.models import SECTOR_EXPERTISE, Opportunity, OpportunityStatus
from community.profiles.models import ExpertiseArea, Profile, profile_expertise

REPLIES_SHOWN = 10
THREADS_SHOWN = 10
EVENT_CHANGES_SHOWN = 10
EVENTS_SHOWN = 5
MEMBERS_SHOWN = 5
OPPORTUNITIES_SHOWN = 5
# A thread started in the window weighs as much as this many more replies: new threads are news.
NEW_THREAD_WEIGHT = 3


@dataclass(slots=True)
class _ThreadRow:
    id: int
    title: str
    category_id: int
    language: str
    author_id: int
    author_name: str
    created_at: datetime
    # The visible posts written in the window, in order: numbers, authors and dates side by side.
    numbers: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    dates: list[datetime] = field(default_factory=list)
    _standing: dict[datetime, tuple | None] = field(default_factory=dict)

    def standing(self, since: datetime) -> tuple | None:
        """(relevance, new posts, is new, index of the last post) for a member who has read none of the posts
        after `since`, wrote none and blocks nobody: most members, who share a few values of `since`."""
        if since not in self._standing:
            start = bisect_right(self.dates, since)
            self._standing[since] = self.counted(start, len(self.numbers) - start, start, len(self.numbers) - 1, since)
        return self._standing[since]

    def counted(self, start: int, new_posts: int, first: int, last: int, since: datetime,
                reader_id: int | None = None) -> tuple | None:  # fmt: skip
        """The thread's standing for a reader, counting `new_posts` from index `first` to `last`."""
        if start >= len(self.numbers) or new_posts == 0:
            return None
        is_new = self.created_at > since and self.numbers[first] == 1 and self.author_id != reader_id
        relevance = (-(new_posts + NEW_THREAD_WEIGHT * is_new), -self.dates[last].timestamp(), self.id)
        return relevance, new_posts, is_new, last


class Catalog:
    """What a run reads once for all its batches: the names of forum categories and expertise areas in each
    language, and the forum's recent activity. Kept as plain values, which no commit expires."""

    def __init__(self):
        self.categories = {
            category.id: {language: category.name_in(language)[0] for language in LANGUAGES}
            for category in db.session.scalars(select(Category))
        }
        areas = list(db.session.scalars(select(ExpertiseArea)))
        self.areas = {
            area.id: (area.position, {language: area.name(language) for language in LANGUAGES}) for area in areas
        }
        # The area each opportunity sector names (health → "health-technologies"), by id.
        slugs = {area.slug: area.id for area in areas}
        self.sector_areas = {sector: slugs[slug] for sector, slug in SECTOR_EXPERTISE.items() if slug in slugs}
        self._activity_since = None
        self._activity: tuple[dict[int, _ThreadRow], dict[tuple, list[_ThreadRow]]] = ({}, {})

    @staticmethod
    def active_threads(since: datetime):
        """A SELECT of the ids of the visible threads with posts after `since`."""
        return select(Thread.id).where(
            Thread.last_post_at > since, Thread.is_hidden == false(), Thread.awaiting_review == false()
        )

    def forum_activity(self, since: datetime) -> tuple[dict[int, _ThreadRow], dict[tuple, list[_ThreadRow]]]:
        """The visible threads with posts after `since`, with those posts (visible ones only), by id and by
        category and language: the same for every member, so read once per run (and again only for a batch
        that looks further back).
        """
        if self._activity_since is not None and self._activity_since <= since:
            return self._activity
        threads: dict[int, _ThreadRow] = {}
        rows = db.session.execute(
            select(Thread.id, Thread.title, Thread.category_id, Thread.language, Thread.author_id,
                   User.display_name, User.deleted_at, Thread.created_at)  # fmt: skip
            .join(User, User.id == Thread.author_id)
            .where(Thread.id.in_(self.active_threads(since)))
        )
        for thread_id, title, category_id, language, author_id, name, deleted_at, created_at in rows:
            threads[thread_id] = _ThreadRow(
                thread_id, title, category_id, language, author_id, "" if deleted_at else name, created_at
            )
        posts = db.session.execute(
            select(Post.thread_id, Post.number, Post.author_id, Post.created_at)
            .where(
                Post.thread_id.in_(self.active_threads(since)),
                Post.created_at > since,
                Post.is_hidden == false(),
                Post.awaiting_review == false(),
                Post.deleted_at.is_(None),
            )
            .order_by(Post.thread_id, Post.number)
        )
        for thread_id, number, author_id, created_at in posts:
            thread = threads.get(thread_id)
            if thread is not None:
                thread.numbers.append(number)
                thread.authors.append(author_id)
                thread.dates.append(created_at)
        by_category: dict[tuple[int, str], list[_ThreadRow]] = defaultdict(list)
        for thread in threads.values():
            by_category[(thread.category_id, thread.language)].append(thread)
        self._activity_since, self._activity = since, (threads, by_category)
        return self._activity

    def category_name(self, category_id: int, language: str) -> str:
        names = self.categories.get(category_id, {})
        return names.get(language) or names.get(DEFAULT_LANGUAGE, "")

    def area_name(self, area_id: int, language: str) -> str:
        names = self.areas[area_id][1]
        return names.get(language) or names.get(DEFAULT_LANGUAGE, "")

    def area_position(self, area_id: int) -> tuple[int, int]:
        return self.areas[area_id][0], area_id


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for first, second in rows:
        grouped[first].add(second)
    return grouped


def _not_suspended(now: datetime):
    return or_(User.suspended_until.is_(None), User.suspended_until <= now)


class _Batch:
    """The candidates for a batch of recipients, each kind loaded with one statement."""

    def __init__(self, recipients: list[Recipient], catalog: Catalog, now: datetime):
        self.catalog = catalog
        self.now = now
        self.ids = [recipient.user.id for recipient in recipients]
        self.since = min(recipient.since for recipient in recipients)
        self.seen_since = min(recipient.seen_since for recipient in recipients)
        self.countries = sorted({recipient.user.country for recipient in recipients if recipient.user.country})
        self.urls: dict[tuple, str] = {}
        self.links = {
            "forum": self.url("forum.index"),
            "events": self.url("events.list_events"),
            "members": self.url("profiles.list_members"),
            "messages": self.url("messages.list_conversations"),
            "settings": self.url("notifications.edit_preferences"),
        }
        self._load_sent()
        self._load_blocks()
        self._load_threads()
        self._load_events()
        self._load_members()
        self._load_opportunities()
        self._load_messages()

    def url(self, endpoint: str, **values) -> str:
        key = (endpoint, *values.values())
        if key not in self.urls:
            self.urls[key] = external_url(endpoint, **values)
        return self.urls[key]

    # -- loading -------------------------------------------------------------------------------------

    def _load_sent(self) -> None:
        # Only a digest written after the window opened can have told about what is in the window.
        rows = db.session.execute(
            select(Digest.user_id, DigestItem.kind, DigestItem.item_id, DigestItem.number)
            .join(Digest, Digest.id == DigestItem.digest_id)
            .where(Digest.user_id.in_(self.ids), Digest.created_at > self.since)
        )
        self.sent: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
        for user_id, kind, item_id, number in rows:
            previous = self.sent[user_id].get((kind, item_id), -1)
            self.sent[user_id][(kind, item_id)] = max(previous, number)

    def _load_blocks(self) -> None:
        self.blocked: dict[int, set[int]] = defaultdict(set)  # both ways: whom they blocked, who blocked them
        rows = db.session.execute(
            select(Block.blocker_id, Block.blocked_id).where(
                or_(Block.blocker_id.in_(self.ids), Block.blocked_id.in_(self.ids))
            )
        )
        for blocker, blocked in rows:
            self.blocked[blocker].add(blocked)
            self.blocked[blocked].add(blocker)

    def _load_threads(self) -> None:
        self.threads, self.threads_by_category_language = self.catalog.forum_activity(self.since)
        active = self.catalog.active_threads(self.since)
        self.watched_categories = _pairs(
            db.session.execute(
                select(CategoryWatch.user_id, CategoryWatch.category_id).where(CategoryWatch.user_id.in_(self.ids))
            )
        )
        watched_threads = select(ThreadWatch.user_id, ThreadWatch.thread_id).where(
            ThreadWatch.user_id.in_(self.ids), ThreadWatch.thread_id.in_(active)
        )
        written_in = select(Post.author_id, Post.thread_id).where(
            Post.author_id.in_(self.ids), Post.thread_id.in_(active)
        )
        self.own_threads = _pairs(db.session.execute(watched_threads.union(written_in)))
        self.reads: dict[int, dict[int, int]] = defaultdict(dict)
        rows = db.session.execute(
            select(ThreadRead.user_id, ThreadRead.thread_id, ThreadRead.last_read_number).where(
                ThreadRead.user_id.in_(self.ids), ThreadRead.thread_id.in_(active)
            )
        )
        for user_id, thread_id, number in rows:
            self.reads[user_id][thread_id] = number

    def _visible_events(self):
        return and_(
            Event.starts_at > self.now,
            Event.is_hidden == false(),
            Event.awaiting_review == false(),
        )

    def _load_events(self) -> None:
        nearby = or_(Event.format != EventFormat.IN_PERSON, Event.country.in_(self.countries))
        events = db.session.scalars(
            select(Event)
            .where(
                self._visible_events(),
                Event.status == EventStatus.SCHEDULED,
                Event.created_at > self.seen_since,
                Event.created_at <= self.now,
                nearby,
            )
            .order_by(Event.starts_at, Event.id)
        )
        # Plain values to compare for every member: the ORM's attributes cost more than the comparisons.
        self.events_by_country: dict[str | None, list[tuple]] = defaultdict(list)
        self.online_events: list[tuple] = []
        for event in events:
            # An event with a place is listed by its country; one that can be followed online is also listed
            # for everyone else.
            placed = bool(event.country) and event.format is not EventFormat.ONLINE
            row = (event, event.id, event.created_at, event.organizer_id, event.country if placed else None)
            if placed:
                self.events_by_country[event.country].append(row)
            if event.format is not EventFormat.IN_PERSON:
                self.online_events.append(row)
        self.changes: dict[int, list[Event]] = defaultdict(list)
        rows = db.session.execute(
            select(EventRSVP.user_id, Event)
            .join(Event, Event.id == EventRSVP.event_id)
            .where(
                EventRSVP.user_id.in_(self.ids),
                EventRSVP.status == RSVPStatus.GOING,
                self._visible_events(),
                Event.updated_at > self.since,
                Event.sequence > 0,
            )
            .order_by(Event.starts_at, Event.id)
        )
        for user_id, event in rows:
            self.changes[user_id].append(event)

    def _load_members(self) -> None:
        self.expertise = _pairs(
            db.session.execute(
                select(Profile.user_id, profile_expertise.c.expertise_id)
                .join(profile_expertise, profile_expertise.c.profile_id == Profile.id)
                .where(Profile.user_id.in_(self.ids))
            )
        )
        areas = sorted({area for chosen in self.expertise.values() for area in chosen})
        self.newcomers: dict[int, tuple[str, str | None, datetime]] = {}
        self.newcomers_by_area: dict[int, list[int]] = defaultdict(list)
        if not areas:
            return
        rows = db.session.execute(
            select(User.id, User.display_name, User.country, User.created_at, profile_expertise.c.expertise_id)
            .join(Profile, Profile.user_id == User.id)
            .join(profile_expertise, profile_expertise.c.profile_id == Profile.id)
            .where(
                User.created_at > self.seen_since,
                User.email_confirmed_at.is_not(None),
                User.is_approved.is_(True),
                User.deleted_at.is_(None),
                _not_suspended(self.now),
                profile_expertise.c.expertise_id.in_(areas),
            )
        )
        for user_id, name, country, created_at, area in rows:
            self.newcomers[user_id] = (name, country, created_at)
            self.newcomers_by_area[area].append(user_id)

    def _load_opportunities(self) -> None:
        """The open opportunities published in the window, in the fields (or sectors) of the batch's members."""
        areas = {area for chosen in self.expertise.values() for area in chosen}
        self.opportunities: dict[int, Row] = {}
        self.opportunities_by_area: dict[int, list[int]] = defaultdict(list)
        if not areas:
            return
        area_of_sector = self.catalog.sector_areas
        sectors = sorted((sector for sector, area in area_of_sector.items() if area in areas), key=lambda s: s.value)
        rows = db.session.execute(
            select(
                Opportunity.id, Opportunity.title, Opportunity.kind, Opportunity.summary, Opportunity.institution,
                Opportunity.country, Opportunity.language, Opportunity.field_id, Opportunity.sector,
                Opportunity.author_id, Opportunity.created_at,
            )
            .join(User, User.id == Opportunity.author_id)
            .where(
                Opportunity.status == OpportunityStatus.OPEN,
                Opportunity.is_hidden == false(),
                Opportunity.awaiting_review == false(),
                Opportunity.created_at > self.since,
                Opportunity.created_at <= self.now,
                or_(Opportunity.deadline.is_(None), Opportunity.deadline >= self.now.date()),
                or_(Opportunity.field_id.in_(sorted(areas)), Opportunity.sector.in_(sectors)),
                User.deleted_at.is_(None),
                _not_suspended(self.now),
            )
        )  # fmt: skip
        for row in rows:
            self.opportunities[row.id] = row
            self.opportunities_by_area[row.field_id].append(row.id)
            sector_area = area_of_sector.get(row.sector)
            if sector_area is not None and sector_area != row.field_id:
                self.opportunities_by_area[sector_area].append(row.id)
        if self.opportunities:
            self.links["opportunities"] = self.url("opportunities.list_opportunities")

    def _load_messages(self) -> None:
        rows = db.session.execute(
            select(
                ConversationParticipant.user_id,
                func.sum(ConversationParticipant.unread_count),
                func.max(ConversationParticipant.last_message_at),
            )
            .where(ConversationParticipant.user_id.in_(self.ids), ConversationParticipant.unread_count > 0)
            .group_by(ConversationParticipant.user_id)
        )
        self.unread = {user_id: (int(count or 0), last) for user_id, count, last in rows}

    # -- sharing out ---------------------------------------------------------------------------------

    def content_for(self, recipient: Recipient) -> DigestContent:
        user = recipient.user
        content = DigestContent(recipient)
        blocked = self.blocked.get(user.id, set())
        sent = self.sent.get(user.id, {})
        self._threads_for(content, user, blocked, sent)
        self._events_for(content, user, blocked, sent)
        self._opportunities_for(content, user, blocked, sent)
        self._members_for(content, user, blocked, sent)
        count, last_message_at = self.unread.get(user.id, (0, None))
        content.unread_messages = count
        content.has_new_messages = count > 0 and last_message_at is not None and last_message_at > recipient.since
        content.links = self.links
        return content

    def _threads_for(self, content: DigestContent, user: User, blocked: set[int], sent) -> None:
        if not self.threads:
            return
        user_id, since = user.id, content.recipient.since
        own = self.own_threads.get(user_id, set())
        reads = self.reads.get(user_id, {})
        threads_by_id = self.threads
        followed = [(threads_by_id[thread_id], True) for thread_id in own if thread_id in threads_by_id]
        for category in self.watched_categories.get(user_id, ()):
            for language in user.reading_languages:
                followed.extend(
                    (thread, False) for thread in self.threads_by_category_language.get((category, language), ())
                    if thread.id not in own
                )  # fmt: skip
        # (relevance, thread, new posts, is new, index of the last post counted) of each thread with news;
        # ThreadItems are made only for those shown.
        replies, threads = [], []
        for thread, is_own in followed:
            thread_id = thread.id
            if not is_own and not blocked and thread_id not in reads and (THREAD, thread_id) not in sent:
                standing = thread.standing(since)  # the common case, worked out once for all members
            else:
                standing = self._standing_for(thread, user_id, since, reads, sent, blocked, is_own)
            if standing is not None:
                (replies if is_own else threads).append((standing[0], thread, *standing[1:]))
        content.replies = [self._thread_item(user, *found) for found in heapq.nsmallest(REPLIES_SHOWN, replies)]
        content.more_replies = max(len(replies) - REPLIES_SHOWN, 0)
        content.reply_total = sum(found[2] for found in replies)  # those left out count in the subject
        content.threads = [self._thread_item(user, *found) for found in heapq.nsmallest(THREADS_SHOWN, threads)]
        content.more_threads = max(len(threads) - THREADS_SHOWN, 0)
        content.new_threads_total = sum(found[3] for found in threads)

    @staticmethod
    def _standing_for(thread: _ThreadRow, user_id: int, since: datetime, reads, sent, blocked: set[int],
                      is_own: bool) -> tuple | None:  # fmt: skip
        """A thread's news for a member who read some of it, was told about some, wrote in it or blocks someone."""
        if thread.author_id in blocked or not thread.numbers:
            return None
        after = max(reads.get(thread.id, 0), sent.get((THREAD, thread.id), 0))
        start = max(bisect_right(thread.numbers, after), bisect_right(thread.dates, since))
        if start == len(thread.numbers):
            return None
        if not is_own and not blocked:
            return thread.counted(start, len(thread.numbers) - start, start, len(thread.numbers) - 1, since, user_id)
        # What came before the member's own latest post they saw when they wrote it.
        for index in range(len(thread.numbers) - 1, start - 1, -1):
            if thread.authors[index] == user_id:
                start = index + 1
                break
        counted = [index for index in range(start, len(thread.numbers)) if thread.authors[index] not in blocked]
        if not counted:
            return None
        return thread.counted(start, len(counted), counted[0], counted[-1], since, user_id)

    def _thread_item(self, user: User, _relevance, thread: _ThreadRow, new_posts: int, is_new: bool,
                     last: int) -> ThreadItem:  # fmt: skip
        return ThreadItem(
            thread_id=thread.id,
            title=thread.title,
            # A new thread opens at its start; an older one at the first post the member has not read.
            url=self.url("forum.show_thread" if is_new else "forum.first_unread", thread_id=thread.id),
            category=self.catalog.category_name(thread.category_id, user.locale),
            author=thread.author_name,
            new_posts=new_posts,
            is_new=is_new,
            last_number=thread.numbers[last],
            last_activity=thread.dates[last],
        )

    def _events_for(self, content: DigestContent, user: User, blocked: set[int], sent) -> None:
        changes = [
            EventItem(event, self.url("events.show_event", event_id=event.id))
            for event in self.changes.get(user.id, ())
            if event.updated_at > content.recipient.since
            and event.organizer_id != user.id
            and event.organizer_id not in blocked
            and event.sequence > sent.get((EVENT_CHANGE, event.id), 0)
        ]
        content.event_changes = changes[:EVENT_CHANGES_SHOWN]
        content.more_event_changes = max(len(changes) - EVENT_CHANGES_SHOWN, 0)
        seen_since = content.recipient.seen_since
        changed = {item.event.id for item in changes}
        shown: list[EventItem] = []
        count = 0
        # In the member's country first, then online ones elsewhere; each list is in order of start.
        for rows, in_country in ((self.events_by_country.get(user.country, ()), True), (self.online_events, False)):
            for event, event_id, created_at, organizer_id, place in rows:
                if (
                    created_at <= seen_since
                    or (not in_country and user.country and place == user.country)  # counted with the country's
                    or organizer_id == user.id
                    or organizer_id in blocked
                    or event_id in changed
                    or (EVENT, event_id) in sent
                ):
                    continue
                count += 1
                if len(shown) < EVENTS_SHOWN:
                    shown.append(EventItem(event, self.url("events.show_event", event_id=event_id), in_country))
        content.events, content.more_events = shown, count - len(shown)

    def _opportunities_for(self, content: DigestContent, user: User, blocked: set[int], sent) -> None:
        mine = self.expertise.get(user.id)
        if not mine or not self.opportunities:
            return
        since = content.recipient.since
        found: dict[int, int] = {}  # opportunity id → how it fits: 2 for its field, 1 for its sector only
        for area in mine:
            for opportunity_id in self.opportunities_by_area.get(area, ()):
                fit = 2 if self.opportunities[opportunity_id].field_id == area else 1
                found[opportunity_id] = max(found.get(opportunity_id, 0), fit)
        ranked = []
        for opportunity_id, fit in found.items():
            row = self.opportunities[opportunity_id]
            if (
                row.author_id == user.id
                or row.author_id in blocked
                or row.created_at <= since
                or (OPPORTUNITY, opportunity_id) in sent
            ):
                continue
            ranked.append((-fit, -row.created_at.timestamp(), opportunity_id))
        ranked.sort()
        content.opportunities = [self._opportunity_item(user, self.opportunities[found_id])
                                 for *_, found_id in ranked[:OPPORTUNITIES_SHOWN]]  # fmt: skip
        content.more_opportunities = max(len(ranked) - OPPORTUNITIES_SHOWN, 0)

    def _opportunity_item(self, user: User, row: Row) -> OpportunityItem:
        return OpportunityItem(
            opportunity_id=row.id,
            title=row.title,
            kind=row.kind,
            summary=row.summary,
            institution=row.institution,
            country=row.country,
            language=row.language,
            field=self.catalog.area_name(row.field_id, user.locale),
            url=self.url("opportunities.show_opportunity", opportunity_id=row.id),
            created_at=row.created_at,
        )

    def _members_for(self, content: DigestContent, user: User, blocked: set[int], sent) -> None:
        mine = self.expertise.get(user.id)
        if not mine:
            return
        seen_since = content.recipient.seen_since
        shared: dict[int, list[int]] = defaultdict(list)
        for area in mine:
            for member_id in self.newcomers_by_area.get(area, ()):
                shared[member_id].append(area)
        items = []
        for member_id, areas in shared.items():
            name, country, joined_at = self.newcomers[member_id]
            if (
                member_id == user.id
                or member_id in blocked
                or joined_at <= seen_since
                or (user.country and country == user.country)
                or (MEMBER, member_id) in sent
            ):
                continue
            areas.sort(key=self.catalog.area_position)
            items.append(
                MemberItem(
                    user_id=member_id,
                    name=name,
                    country=country,
                    url=self.url("profiles.show_profile", user_id=member_id),
                    areas=[self.catalog.area_name(area, user.locale) for area in areas],
                    joined_at=joined_at,
                )
            )
        items.sort(key=lambda item: (-len(item.areas), -item.joined_at.timestamp(), item.user_id))
        content.members, content.more_members = items[:MEMBERS_SHOWN], max(len(items) - MEMBERS_SHOWN, 0)


def build_digests(recipients: list[Recipient], now: datetime, catalog: Catalog | None = None) -> list[DigestContent]:
    """Each recipient's digest (empty ones included), with a constant number of statements for the batch."""
    if not recipients:
        return []
    batch = _Batch(recipients, catalog or Catalog(), now)
    return [batch.content_for(recipient) for recipient in recipients]
