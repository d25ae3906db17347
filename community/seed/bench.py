"""Benchmark data: a large, realistic network generated fast with bulk inserts.

`flask seed bench` fills an empty database (after `flask db upgrade`) with members, profiles, threads,
posts, events, RSVPs, private conversations and opportunities. Shapes follow a real forum rather than
uniform noise: a few very long threads (the longest has 5,000 posts at the default size) and many short
ones, a fifth of the members writing most posts, languages by country, events spread over the past and
the coming year.

Rows are inserted with explicit ids in batches, so the whole set builds in minutes on SQLite and
PostgreSQL. The random generator is seeded: the same sizes give the same data.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select, text, update
from werkzeug.security import generate_password_hash

from community.accounts.models import Role, User
from community.events.models import Event, EventFormat, EventKind, EventRSVP, EventStatus, RSVPStatus
from community.extensions import db
from community.forum.categories import ensure_default_categories
from community.forum.models import Category, Post, Thread
from community.markdown import render_markdown
from community.messages.models import Conversation, ConversationParticipant, Message
from community.messages.services import preview_of
from community.opportunities.models import (
    IPStatus,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Sector,
    opportunity_territories,
)
from community.profiles.models import (
    ExpertiseArea,
    OrganizationType,
    Profile,
    ProfileLanguage,
    Visibility,
    profile_expertise,
)
from community.profiles.services import ensure_default_expertise
from community.seed import bench_text as words
from community.types import utcnow

BENCH_PASSWORD = "conecta-bench-2026"  # noqa: S105 - every benchmark member's password, for the load tool
BENCH_DOMAIN = "bench.example.org"
BATCH = 5_000
LONGEST_THREAD = 5_000
LANGUAGE_SHARES = {"es": 55, "pt": 33, "en": 12}  # of threads and events
BENCH_MEMBER_INDEX = 2  # member 3 (bench_member_email(3)), whom `make bench` logs in
BUSY_INBOX = 30  # conversations of the benchmark member: more than a page of the inbox
KIND_SHARES = {OpportunityKind.TECHNOLOGY_OFFER: 40, OpportunityKind.TECHNOLOGY_REQUEST: 30,
               OpportunityKind.COLLABORATION_CALL: 15, OpportunityKind.EXPERTISE_OFFER: 15}  # fmt: skip
SECTOR_SHARES = {Sector.HEALTH: 25, Sector.BIOTECHNOLOGY: 15, Sector.AGRI_FOOD: 20, Sector.DIGITAL: 15,
                 Sector.ENERGY_ENVIRONMENT: 10, Sector.MATERIALS_MANUFACTURING: 5, Sector.CHEMISTRY: 5,
                 Sector.OTHER: 5}  # fmt: skip
STATUS_SHARES = {OpportunityStatus.OPEN: 80, OpportunityStatus.IN_NEGOTIATION: 10, OpportunityStatus.CLOSED: 10}


@dataclass
class BenchSize:
    members: int = 10_000
    threads: int = 20_000
    posts: int = 200_000
    events: int = 2_000
    opportunities: int = 2_000


def bench_member_email(number: int) -> str:
    """The e-mail of the n-th benchmark member (1 is an admin, 2 a moderator, the rest members)."""
    return f"member{number}@{BENCH_DOMAIN}"


def load_bench(size: BenchSize, progress: Callable[[str, int], Iterator] | None = None, seed: int = 2026) -> dict:
    """Fill the database with benchmark data; return how many rows of each kind were added.

    `progress(label, total)` returns a context manager with `update(n)` (click.progressbar fits).
    Refuses a database that already has benchmark members, so a second run never doubles the data.
    """
    if db.session.scalar(select(User.id).where(User.email == bench_member_email(1))) is not None:
        raise ValueError("This database already has benchmark data.")
    if size.posts < size.threads:
        raise ValueError("Every thread needs its first post: --posts must be at least --threads.")
    generator = _Generator(size, random.Random(seed), progress or _no_progress)
    return generator.run()


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def update(self, _count):
        pass


def _no_progress(_label, _total):
    return _NoProgress()


class _Generator:
    def __init__(self, size: BenchSize, rng: random.Random, progress):
        self.size, self.rng, self.progress = size, rng, progress
        self.now = utcnow()
        self.members: list[tuple[int, str]] = []  # (id, language)
        self.active: list[int] = []

    def run(self) -> dict:
        ensure_default_categories()
        ensure_default_expertise()
        db.session.commit()
        self.categories = list(db.session.scalars(select(Category.id).order_by(Category.position)))
        self.expertise = list(db.session.scalars(select(ExpertiseArea.id)))
        self._bodies()
        counts = {
            "members": self._members(),
            "profiles": self._profiles(),
        }
        counts["threads"], counts["posts"] = self._threads_and_posts()
        counts["events"], counts["rsvps"] = self._events()
        counts["conversations"], counts["messages"] = self._conversations()
        counts["opportunities"] = self._opportunities()
        self._reset_sequences()
        db.session.commit()
        return counts

    # -- helpers -------------------------------------------------------------------------------------

    def _next_id(self, model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def _insert(self, table, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start : start + BATCH])

    def _language(self) -> str:
        return self._pick(LANGUAGE_SHARES)

    def _bodies(self) -> None:
        """A pool of post bodies per language, rendered once (rendering is the slow part of a post)."""
        self.bodies: dict[str, list[tuple[str, str]]] = {}
        for language, sentences in words.SENTENCES.items():
            pool = []
            for number in range(300):
                paragraphs = [" ".join(self.rng.sample(sentences, self.rng.randint(1, 3)))
                              for _ in range(self.rng.choice((1, 1, 2, 3)))]  # fmt: skip
                if number % 7 == 0:
                    paragraphs.append("- **" + self.rng.choice(sentences) + "**\n- " + self.rng.choice(sentences))
                if number % 11 == 0:
                    paragraphs.insert(0, "> " + self.rng.choice(sentences))
                if number % 13 == 0:
                    paragraphs.append("[PATENTSCOPE](https://patentscope.wipo.int/)")
                body = "\n\n".join(paragraphs)
                pool.append((body, str(render_markdown(body))))
            self.bodies[language] = pool

    # -- members and profiles ------------------------------------------------------------------------

    def _members(self) -> int:
        first_id = self._next_id(User)
        password_hash = generate_password_hash(BENCH_PASSWORD)
        countries = list(words.COUNTRIES)
        shares = [share for _, share in words.COUNTRIES.values()]
        rows = []
        for number in range(1, self.size.members + 1):
            country = self.rng.choices(countries, weights=shares)[0]
            language = words.COUNTRIES[country][0]
            name = f"{self.rng.choice(words.FIRST_NAMES[language])} {self.rng.choice(words.LAST_NAMES[language])}"
            joined = self.now - timedelta(days=self.rng.uniform(1, 730))
            # A fifth of the members are active (seen this week); the others come by now and then.
            active = number <= 2 or self.rng.random() < 0.2
            seen = self.now - timedelta(hours=self.rng.uniform(0, 150)) if active else joined + (self.now - joined) / 3
            user_id = first_id + number - 1
            rows.append({
                "id": user_id, "email": bench_member_email(number), "password_hash": password_hash,
                "display_name": name, "handle": f"bench{number}", "country": country, "locale": language,
                "timezone": "UTC", "content_languages": "es,pt,en",
                "role": Role.ADMIN if number == 1 else Role.MODERATOR if number == 2 else Role.MEMBER,
                "email_confirmed_at": joined, "is_approved": True, "session_token": f"bench-{number}",
                "created_at": joined, "last_seen_at": seen,
            })  # fmt: skip
            self.members.append((user_id, language))
            if active:
                self.active.append(user_id)
        with self.progress("members", len(rows)) as bar:
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(User.__table__), rows[start : start + BATCH])
                bar.update(len(rows[start : start + BATCH]))
        return len(rows)

    def _profiles(self) -> int:
        first_id = self._next_id(Profile)
        profiles, expertise, languages = [], [], []
        types = list(OrganizationType)
        for index, (user_id, language) in enumerate(self.members):
            # Some members never fill in their profile, but member 3, whom `make bench` logs in, has one:
            # the dashboard it measures then ranks counterparts, as an active member's does.
            if self.rng.random() > 0.85 and index != BENCH_MEMBER_INDEX:
                continue
            profile_id = first_id + len(profiles)
            bio = self.rng.choice(self.bodies[language])
            profiles.append({
                "id": profile_id, "user_id": user_id,
                "headline": self.rng.choice(words.JOB_TITLES[language]),
                "bio": bio[0], "bio_html": bio[1],
                "organization": self.rng.choice(words.ORGANIZATIONS[language]),
                "organization_type": self.rng.choice(types), "job_title": self.rng.choice(words.JOB_TITLES[language]),
                "open_to_collaboration": index % 3 == 0, "open_to_mentoring": index % 5 == 0,
                "open_to_speaking": index % 7 == 0,
                "visibility": Visibility.PUBLIC if index % 2 else Visibility.MEMBERS,
                "show_email": False, "updated_at": self.now,
            })  # fmt: skip
            for area in self.rng.sample(self.expertise, self.rng.randint(1, 3)):
                expertise.append({"profile_id": profile_id, "expertise_id": area})
            spoken = {language} | ({"en"} if self.rng.random() < 0.6 else set()) | (
                {"pt" if language == "es" else "es"} if self.rng.random() < 0.4 else set()
            )
            languages.extend({"profile_id": profile_id, "code": code} for code in sorted(spoken))
        with self.progress("profiles", len(profiles)) as bar:
            self._insert(Profile.__table__, profiles)
            self._insert(profile_expertise, expertise)
            self._insert(ProfileLanguage.__table__, languages)
            bar.update(len(profiles))
        return len(profiles)

    # -- forum ---------------------------------------------------------------------------------------

    def _post_counts(self) -> list[int]:
        """Posts per thread: one thread of LONGEST_THREAD (or a quarter of all replies if fewer), a long
        tail of short threads; the sum is exactly the number of posts asked for."""
        threads, replies = self.size.threads, self.size.posts - self.size.threads
        longest = min(LONGEST_THREAD - 1, replies // 4)
        weights = [self.rng.paretovariate(1.3) - 1 for _ in range(threads - 1)]
        share = (replies - longest) / (sum(weights) or 1)
        counts = [min(int(weight * share), longest) for weight in weights]
        missing = replies - longest - sum(counts)
        while missing > 0:
            index = self.rng.randrange(len(counts)) if counts else 0
            if counts and counts[index] < longest:
                counts[index] += 1
                missing -= 1
            elif not counts:
                break
        return [1 + longest] + [1 + count for count in counts]

    def _threads_and_posts(self) -> tuple[int, int]:
        first_thread, next_post = self._next_id(Thread), self._next_id(Post)
        writers = self.active or [user_id for user_id, _ in self.members]
        everyone = [user_id for user_id, _ in self.members]
        per_category: dict[int, list[int]] = {category: [0, 0] for category in self.categories}
        threads, last_posts = [], []
        total_posts = 0
        counts = self._post_counts()
        with self.progress("threads and posts", self.size.posts) as bar:
            posts: list[dict] = []
            for index, count in enumerate(counts):
                thread_id = first_thread + index
                language = self._language()
                category = self.categories[index % len(self.categories)] if index else self.categories[1]
                started = self.now - timedelta(days=self.rng.uniform(0, 700))
                author = self.rng.choice(everyone)
                # Long threads span weeks; replies come minutes to hours apart.
                step = timedelta(minutes=self.rng.uniform(5, 600)) if count < 500 else timedelta(minutes=7)
                when, poster = started, author
                for number in range(1, count + 1):
                    crowd = writers if self.rng.random() < 0.8 else everyone
                    poster = author if number == 1 else self.rng.choice(crowd)
                    body, html = self.rng.choice(self.bodies[language])
                    posts.append({
                        "id": next_post, "thread_id": thread_id, "number": number, "author_id": poster,
                        "body": body, "body_html": html, "created_at": when, "helpful_count": 0,
                    })  # fmt: skip
                    last_post_id, last_when = next_post, when
                    next_post += 1
                    when = when + step
                threads.append({
                    "id": thread_id, "category_id": category, "author_id": author,
                    "title": self.rng.choice(words.TITLES[language]) + f" ({index + 1})", "language": language,
                    "is_pinned": index == 0, "is_locked": False, "created_at": started, "post_count": count,
                    "last_post_at": last_when, "last_poster_id": poster,
                })  # fmt: skip
                last_posts.append({"row_id": thread_id, "last_id": last_post_id})
                per_category[category][0] += 1
                per_category[category][1] += count
                total_posts += count
                if len(posts) >= BATCH:
                    self._flush_forum(threads, posts)
                    bar.update(len(posts))
                    threads, posts = [], []
            self._flush_forum(threads, posts)
            bar.update(len(posts))
        self._link_last(Thread.__table__, "last_post_id", last_posts)
        for category, (thread_count, post_count) in per_category.items():
            db.session.execute(
                update(Category).where(Category.id == category)
                .values(thread_count=Category.thread_count + thread_count, post_count=Category.post_count + post_count)
            )  # fmt: skip
        return len(counts), total_posts

    def _flush_forum(self, threads: list[dict], posts: list[dict]) -> None:
        # Threads first: posts point at them (their last_post_id is filled in afterwards).
        if threads:
            db.session.execute(insert(Thread.__table__), threads)
        if posts:
            db.session.execute(insert(Post.__table__), posts)

    def _link_last(self, table, column: str, rows: list[dict]) -> None:
        """Point each row of `table` (by `rows[i]["row_id"]`) at its last post or message, inserted after it."""
        statement = table.update().where(table.c.id == db.bindparam("row_id")).values({column: db.bindparam("last_id")})
        connection = db.session.connection()
        for start in range(0, len(rows), BATCH):
            connection.execute(statement, rows[start : start + BATCH])

    # -- events --------------------------------------------------------------------------------------

    def _events(self) -> tuple[int, int]:
        first_id, next_rsvp = self._next_id(Event), self._next_id(EventRSVP)
        organizers = self.active or [user_id for user_id, _ in self.members]
        everyone = [user_id for user_id, _ in self.members]
        events, rsvps = [], []
        for index in range(self.size.events):
            language = self._language()
            country = self.rng.choice(list(words.CITIES))
            event_format = self.rng.choice(list(EventFormat))
            # Two thirds in the past year, a third in the coming months.
            starts = self.now + timedelta(days=self.rng.uniform(-365, 180), hours=self.rng.randint(0, 23))
            starts = starts.replace(minute=0, second=0, microsecond=0)
            body, html = self.rng.choice(self.bodies[language])
            event_id = first_id + index
            attendees = self.rng.sample(everyone, min(len(everyone), int(self.rng.paretovariate(1.5) * 3)))
            going = 0
            for user_id in attendees:
                status = RSVPStatus.GOING if self.rng.random() < 0.7 else RSVPStatus.INTERESTED
                going += status is RSVPStatus.GOING
                rsvps.append({
                    "id": next_rsvp, "event_id": event_id, "user_id": user_id, "status": status,
                    "remind_day_before": True, "remind_hour_before": True,
                    "created_at": starts - timedelta(days=3), "responded_at": starts - timedelta(days=3),
                })  # fmt: skip
                next_rsvp += 1
            events.append({
                "id": event_id, "title": self.rng.choice(words.EVENT_TITLES[language]) + f" {index + 1}",
                "description": body, "description_html": html, "language": language,
                "kind": self.rng.choice(list(EventKind)), "starts_at": starts,
                "ends_at": starts + timedelta(hours=self.rng.choice((1, 2, 3, 8))), "timezone": "UTC",
                "format": event_format,
                "venue": "" if event_format is EventFormat.ONLINE else "Auditorio principal",
                "city": "" if event_format is EventFormat.ONLINE else words.CITIES[country],
                "country": None if event_format is EventFormat.ONLINE else country,
                "online_url": "https://meet.example.org/conecta" if event_format is not EventFormat.IN_PERSON else "",
                "organizer_id": self.rng.choice(organizers), "capacity": None,
                "status": EventStatus.CANCELLED if index % 40 == 0 else EventStatus.SCHEDULED, "sequence": 0,
                "going_count": going, "minutes": "", "minutes_html": "",
                "created_at": starts - timedelta(days=30), "updated_at": starts - timedelta(days=30),
            })  # fmt: skip
        with self.progress("events", len(events)) as bar:
            self._insert(Event.__table__, events)
            self._insert(EventRSVP.__table__, rsvps)
            bar.update(len(events))
        return len(events), len(rsvps)

    # -- private messages ----------------------------------------------------------------------------

    def _conversations(self) -> tuple[int, int]:
        """Two-member conversations, one for every two members, mostly started by active members: a few
        long, most short, the last message within three months, some of it unread. Member 3 (the one
        `make bench` logs in) is in BUSY_INBOX of them, so the inbox it measures is a full one."""
        first_id, next_message = self._next_id(Conversation), self._next_id(Message)
        language_of = dict(self.members)
        everyone = list(language_of)
        starters = self.active or everyone
        busy = everyone[BENCH_MEMBER_INDEX] if len(everyone) > BENCH_MEMBER_INDEX else None
        conversations, participants, messages, last_messages = [], [], [], []
        for index in range(max(len(everyone) // 2, BUSY_INBOX) if len(everyone) > 1 else 0):
            conversation_id = first_id + index
            first = busy if busy is not None and index < BUSY_INBOX else self.rng.choice(starters)
            second = self.rng.choice([user_id for user_id in self.rng.sample(everyone, 2) if user_id != first])
            language = language_of[first]
            total = min(30, int(self.rng.paretovariate(1.2)))
            last_at = self.now - timedelta(days=self.rng.uniform(0, 90))
            step = timedelta(hours=self.rng.uniform(1, 48))
            started = last_at - step * (total - 1)
            for number in range(1, total + 1):
                body, html = self.rng.choice(self.bodies[language])
                messages.append({
                    "id": next_message, "conversation_id": conversation_id, "number": number,
                    "author_id": first if number % 2 else second, "body": body, "body_html": html,
                    "preview": preview_of(html), "created_at": started + step * (number - 1),
                })  # fmt: skip
                next_message += 1
            last_messages.append({"row_id": conversation_id, "last_id": next_message - 1})
            conversations.append({
                "id": conversation_id, "subject": self.rng.choice(words.TITLES[language]), "created_by_id": first,
                "is_group": False, "created_at": started, "message_count": total, "last_message_at": last_at,
            })  # fmt: skip
            for user_id in (first, second):
                read = total if self.rng.random() < 0.7 else self.rng.randint(0, total - 1)
                participants.append({
                    "conversation_id": conversation_id, "user_id": user_id, "joined_at": started,
                    "last_read_number": read, "unread_count": total - read, "last_message_at": last_at,
                })  # fmt: skip
        with self.progress("conversations", len(conversations)) as bar:
            self._insert(Conversation.__table__, conversations)
            self._insert(Message.__table__, messages)
            self._insert(ConversationParticipant.__table__, participants)
            self._link_last(Conversation.__table__, "last_message_id", last_messages)
            bar.update(len(conversations))
        return len(conversations), len(messages)

    def _opportunities(self) -> int:
        """Offers, requests, calls and expertise by members with a profile: every field, sector and status,
        a deadline on one in five (some passed), territories of interest, a few hidden or awaiting review."""
        if not self.size.opportunities:
            return 0
        authors = list(db.session.execute(select(User.id, User.country).join(Profile, Profile.user_id == User.id)))
        countries = list(words.COUNTRIES)
        first_id = self._next_id(Opportunity)
        rows, territories = [], []
        pick = self._pick
        with self.progress("opportunities", self.size.opportunities) as bar:
            for number in range(self.size.opportunities):
                opportunity_id = first_id + number
                author_id, country = self.rng.choice(authors)
                language = words.COUNTRIES[country][0]
                created = self.now - timedelta(days=self.rng.uniform(0, 365))
                deadline = None
                if self.rng.random() >= 0.8:
                    deadline = (self.now + timedelta(days=self.rng.uniform(-60, 180))).date()
                rows.append({
                    "id": opportunity_id, "kind": pick(KIND_SHARES), "title": self.rng.choice(words.TITLES[language]),
                    "summary": self.rng.choice(words.SENTENCES[language]), "description": "", "description_html": "",
                    "language": language, "field_id": self.rng.choice(self.expertise), "sector": pick(SECTOR_SHARES),
                    "trl": self.rng.randint(1, 9), "ip_status": self.rng.choice(list(IPStatus)), "patent_numbers": "",
                    "institution": self.rng.choice(words.ORGANIZATIONS[language]), "country": country,
                    "deadline": deadline, "status": pick(STATUS_SHARES), "author_id": author_id, "interest_count": 0,
                    "created_at": created, "updated_at": created,
                    "is_hidden": self.rng.random() < 0.03, "awaiting_review": self.rng.random() < 0.02,
                })  # fmt: skip
                for territory in self.rng.sample(countries, self.rng.choice((0, 1, 2, 2, 3, 4))):
                    territories.append({"opportunity_id": opportunity_id, "country": territory})
            self._insert(Opportunity.__table__, rows)
            self._insert(opportunity_territories, territories)
            bar.update(len(rows))
        return len(rows)

    def _pick(self, shares: dict):
        return self.rng.choices(list(shares), weights=list(shares.values()))[0]

    def _reset_sequences(self) -> None:
        """PostgreSQL: explicit ids leave the id sequences behind; move them past the new rows."""
        if db.engine.dialect.name != "postgresql":
            return
        tables = ("users", "profiles", "threads", "posts", "events", "event_rsvps", "conversations", "messages",
                  "opportunities")  # fmt: skip
        for table in tables:
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
            )


@dataclass
class BenchPage:
    name: str
    path: str
    roles: tuple[str, ...] = ("visitor", "member")


def bench_pages(endpoints: set[str]) -> list[BenchPage]:
    """The pages the benchmark measures, with ids and filters taken from the data in the database.

    `endpoints` are the app's endpoints: pages of areas the app does not have are left out.
    """
    from community.events.models import Event, EventStatus
    from community.forum.services import POSTS_PER_PAGE

    longest = db.session.scalar(select(Thread).order_by(Thread.post_count.desc(), Thread.id).limit(1))
    category = db.session.scalar(select(Category).order_by(Category.thread_count.desc(), Category.id).limit(1))
    event_id = db.session.scalar(  # the upcoming event with the most attendees
        select(Event.id).where(Event.status == EventStatus.SCHEDULED, Event.starts_at > utcnow())
        .order_by(Event.going_count.desc(), Event.id).limit(1)
    )  # fmt: skip
    expertise = db.session.scalar(select(ExpertiseArea.slug).order_by(ExpertiseArea.id).limit(1))
    last_page = max(1, -(-longest.post_count // POSTS_PER_PAGE))
    pages = [
        BenchPage("home / dashboard", "/"),
        BenchPage("category", f"/forum/c/{category.slug}"),
        BenchPage("thread, first page", f"/forum/t/{longest.id}"),
        BenchPage("thread, last page", f"/forum/t/{longest.id}?page={last_page}"),
        BenchPage("directory, filtered", f"/members?country=BR&expertise={expertise}"),
        BenchPage("events", "/events/"),
        BenchPage("event", f"/events/{event_id}"),
    ]
    if "search.show_results" in endpoints:
        pages.append(BenchPage("search", "/search?q=licencia"))
    if "messages.list_conversations" in endpoints:
        pages.append(BenchPage("inbox", "/messages/", roles=("member",)))
    return pages

