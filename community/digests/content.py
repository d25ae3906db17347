"""A digest's content: the member it is for and the window it covers, and what it tells them, in order."""

from dataclasses import dataclass, field
from datetime import datetime

from community.accounts.models import User
from community.digests.models import DigestFrequency
from community.events.models import Event
from community.opportunities.models import OpportunityKind

# The kinds of item recorded in `digest_items`.
THREAD, EVENT, EVENT_CHANGE, MEMBER = "thread", "event", "event_change", "member"
OPPORTUNITY = "opportunity"


@dataclass
class Recipient:
    """A member whose digest is being built, and the window it covers."""

    user: User
    frequency: DigestFrequency
    since: datetime  # activity after this moment counts
    now: datetime

    @property
    def seen_since(self) -> datetime:
        """Events and members announced before the member's last visit were on the pages they saw."""
        last_seen = self.user.last_seen_at
        return max(self.since, last_seen) if last_seen is not None else self.since


@dataclass
class ThreadItem:
    thread_id: int
    title: str
    url: str
    category: str
    author: str
    new_posts: int
    is_new: bool
    last_number: int
    last_activity: datetime


@dataclass
class EventItem:
    event: Event
    url: str
    in_country: bool = False


@dataclass
class MemberItem:
    user_id: int
    name: str
    country: str | None
    url: str
    areas: list[str]
    joined_at: datetime


@dataclass
class OpportunityItem:
    """A new opportunity in the member's field: `field` is the name of its field in the member's language."""

    opportunity_id: int
    title: str
    kind: OpportunityKind
    summary: str
    institution: str
    country: str | None
    language: str
    field: str
    url: str
    created_at: datetime


@dataclass
class DigestContent:
    """One member's digest, in the order it is shown (see the module's docstring)."""

    recipient: Recipient
    replies: list[ThreadItem] = field(default_factory=list)
    event_changes: list[EventItem] = field(default_factory=list)
    unread_messages: int = 0
    has_new_messages: bool = False
    threads: list[ThreadItem] = field(default_factory=list)
    events: list[EventItem] = field(default_factory=list)
    opportunities: list[OpportunityItem] = field(default_factory=list)
    members: list[MemberItem] = field(default_factory=list)
    reply_total: int = 0  # new posts in all of `replies`, those cut off included
    new_threads_total: int = 0  # new threads among `threads`, those cut off included
    # How many more each list had than it shows.
    more_replies: int = 0
    more_threads: int = 0
    more_event_changes: int = 0
    more_events: int = 0
    more_opportunities: int = 0
    more_members: int = 0
    links: dict[str, str] = field(default_factory=dict)  # the site's pages the e-mail links to

    @property
    def new_thread_count(self) -> int:
        return self.new_threads_total

    @property
    def active_thread_count(self) -> int:
        return len(self.threads) + self.more_threads - self.new_threads_total

    @property
    def event_count(self) -> int:
        return len(self.events) + self.more_events + len(self.event_changes) + self.more_event_changes

    @property
    def opportunity_count(self) -> int:
        return len(self.opportunities) + self.more_opportunities

    @property
    def member_count(self) -> int:
        return len(self.members) + self.more_members

    @property
    def item_count(self) -> int:
        return (
            len(self.replies) + len(self.threads) + len(self.event_changes) + len(self.events)
            + len(self.opportunities) + len(self.members)
        )  # fmt: skip

    @property
    def is_empty(self) -> bool:
        """Nothing to tell: no item and no message that arrived since the previous digest."""
        return self.item_count == 0 and not self.has_new_messages

    def sent_items(self) -> list[tuple[str, int, int]]:
        """(kind, id, number) of everything shown, to be stored as DigestItem rows."""
        items = [(THREAD, item.thread_id, item.last_number) for item in (*self.replies, *self.threads)]
        items += [(EVENT_CHANGE, item.event.id, item.event.sequence) for item in self.event_changes]
        items += [(EVENT, item.event.id, 0) for item in self.events]
        items += [(OPPORTUNITY, item.opportunity_id, 0) for item in self.opportunities]
        items += [(MEMBER, item.user_id, 0) for item in self.members]
        return items
