"""Building weekly digests for 1,000 and 10,000 members: `python benchmarks/digests_bench.py`.

Fills a scratch database with the benchmark network of `flask seed bench` (10,000 members, 20,000
threads, 200,000 posts over two years, 2,000 events), adds what the digests read and the benchmark data
leaves out (members' timezones by country, watched categories, the threads members started as watched,
threads already read, blocks, unread private messages; and a visit in the last 150 days for everyone, so
that nobody is skipped as inactive), then times `send_due_digests(..., dry_run=True)`
for weekly digests that are all due: the first 1,000 members, then all 10,000 (the others choose "never"
meanwhile). A dry run builds every digest and writes nothing, so each size is measured on the same data.
It prints seconds, members per second and the SQL statements per batch of DIGEST_BATCH_SIZE members, and
the cost of rendering a digest's two templates (which a real run adds, with the outbox writes).

    python benchmarks/digests_bench.py                                # SQLite
    python benchmarks/digests_bench.py --postgres-url postgresql+psycopg://postgres@127.0.0.1/conecta_bench_digests
    python benchmarks/digests_bench.py --reuse --sizes 1000 10000     # keep the data of an earlier run

The databases are scratch ones: instance/bench-digests.db, and the PostgreSQL database named in
--postgres-url (created if missing, emptied before each fill).
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: config and community come from the project

from flask import current_app, render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from sqlalchemy import delete, func, select, text, update  # noqa: E402

from benchmarks.scratch import StatementCounter, fresh_database, insert_rows  # noqa: E402
from community import create_app  # noqa: E402
from community.accounts.models import User  # noqa: E402
from community.digests import services  # noqa: E402
from community.digests.models import DigestFrequency, DigestSettings  # noqa: E402
from community.digests.periods import zone_of  # noqa: E402
from community.digests.selection import Catalog, Recipient, build_digests  # noqa: E402
from community.extensions import db  # noqa: E402
from community.forum.models import Category, CategoryWatch, Thread, ThreadRead, ThreadWatch  # noqa: E402
from community.i18n import default_timezone_for  # noqa: E402
from community.messages.models import Block, Conversation, ConversationParticipant  # noqa: E402
from community.seed.bench import BenchSize, load_bench  # noqa: E402
from community.types import utcnow  # noqa: E402
from config import TestingConfig  # noqa: E402

SQLITE_PATH = ROOT / "instance" / "bench-digests.db"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", help="also measure on this PostgreSQL database (a scratch one)")
    parser.add_argument("--no-sqlite", action="store_true", help="measure on PostgreSQL only")
    parser.add_argument("--sqlite-path", default=str(SQLITE_PATH))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], help="members to build for")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per size; the fastest is reported")
    return parser.parse_args()


# -- data -------------------------------------------------------------------------------------------


def add_what_digests_read(seed: int = 2026) -> dict:
    """The members' side of the network that the benchmark data leaves out."""
    rng = random.Random(seed)
    now = utcnow()
    members = list(db.session.execute(select(User.id, User.country, User.last_seen_at).order_by(User.id)))
    ids = [member.id for member in members]
    # Every member counts: nobody has been away longer than DIGEST_INACTIVE_DAYS.
    db.session.execute(
        update(User).where(User.last_seen_at < now - timedelta(days=150)).values(last_seen_at=now - timedelta(days=100))
    )
    for country in {member.country for member in members}:
        db.session.execute(update(User).where(User.country == country).values(timezone=default_timezone_for(country)))
    categories = list(db.session.scalars(select(Category.id)))
    watches = [{"user_id": user_id, "category_id": category, "created_at": now}
               for user_id in ids for category in rng.sample(categories, rng.randint(1, 3))]  # fmt: skip
    insert_rows(CategoryWatch.__table__, watches)
    # Starting a thread watches it (forum.start_thread): every author watches their threads.
    threads = list(db.session.execute(select(Thread.id, Thread.author_id, Thread.post_count, Thread.last_post_at)))
    insert_rows(ThreadWatch.__table__, [{"user_id": author, "thread_id": thread_id, "created_at": now}
                                    for thread_id, author, _count, _last in threads])  # fmt: skip
    # Members seen this week have read some of the threads active this week.
    recent = [thread for thread in threads if thread.last_post_at > now - timedelta(days=8)]
    active = [member.id for member in members if member.last_seen_at and member.last_seen_at > now - timedelta(days=7)]
    reads = {}
    for user_id in active:
        for thread_id, _author, count, _last in rng.sample(recent, min(len(recent), 20)):
            reads[(user_id, thread_id)] = rng.randint(1, count)
    insert_rows(ThreadRead.__table__, [{"user_id": user_id, "thread_id": thread_id, "last_read_number": number,
                                    "read_at": now} for (user_id, thread_id), number in reads.items()])  # fmt: skip
    blocks = {(rng.choice(ids), rng.choice(ids)) for _ in range(len(ids) // 50)}
    insert_rows(Block.__table__, [{"blocker_id": blocker, "blocked_id": blocked, "created_at": now}
                              for blocker, blocked in blocks if blocker != blocked])  # fmt: skip
    # Conversations of the last weeks; the recipient has not read the last message yet.
    conversations, participants = [], []
    first_id = (db.session.scalar(select(func.max(Conversation.id))) or 0) + 1
    for number in range(len(ids) // 3):
        sender, recipient = rng.sample(ids, 2)
        when = now - timedelta(hours=rng.uniform(1, 24 * 21))
        conversation_id = first_id + number
        conversations.append({"id": conversation_id, "subject": f"Consulta {number}", "created_by_id": sender,
                              "is_group": False, "created_at": when, "message_count": 1, "last_message_at": when})
        participants.append({"conversation_id": conversation_id, "user_id": sender, "joined_at": when,
                             "last_read_number": 1, "unread_count": 0, "last_message_at": when})
        participants.append({"conversation_id": conversation_id, "user_id": recipient, "joined_at": when,
                             "last_read_number": 0, "unread_count": 1, "last_message_at": when})  # fmt: skip
    insert_rows(Conversation.__table__, conversations)
    insert_rows(ConversationParticipant.__table__, participants)
    db.session.commit()
    return {"category watches": len(watches), "thread watches": len(threads), "threads read": len(reads),
            "blocks": len(blocks), "conversations": len(conversations)}  # fmt: skip


def choose_weekly_for_the_first(size: int) -> None:
    """The first `size` members get a weekly digest due today (their own today), the others none."""
    db.session.execute(delete(DigestSettings))
    now = utcnow()
    rows = []
    for user_id, zone in db.session.execute(select(User.id, User.timezone).order_by(User.id)):
        if len(rows) < size:
            weekday = now.astimezone(zone_of(zone)).weekday()  # due at 0:00 today: every one of them is due
            rows.append({"user_id": user_id, "frequency": DigestFrequency.WEEKLY, "weekday": weekday, "hour": 0,
                         "updated_at": now})  # fmt: skip
        else:
            rows.append({"user_id": user_id, "frequency": DigestFrequency.NEVER, "weekday": 0, "hour": 8,
                         "updated_at": now})  # fmt: skip
    insert_rows(DigestSettings.__table__, rows)
    db.session.commit()


# -- measuring --------------------------------------------------------------------------------------


def measure_build(size: int, rounds: int) -> dict:
    choose_weekly_for_the_first(size)
    best = None
    for _round in range(rounds):
        db.session.expire_all()
        with StatementCounter(db.engine) as statements:
            started = time.perf_counter()
            report = services.send_due_digests(DigestFrequency.WEEKLY, dry_run=True)
            seconds = time.perf_counter() - started
        if best is None or seconds < best["seconds"]:
            best = {"seconds": seconds, "statements": statements.count, "report": report}
    report = best["report"]
    batches = -(-report.due // current_app.config["DIGEST_BATCH_SIZE"])
    planned = report.planned
    return {
        "members": size,
        "due": report.due,
        "seconds": best["seconds"],
        "per_second": report.due / best["seconds"] if best["seconds"] else 0,
        "statements": best["statements"],
        "batches": batches,
        # Once a run: the member count, categories, areas, active threads, their posts, the read that ends it.
        "per_batch": (best["statements"] - 6) / batches,
        "sent": report.sent,
        "empty": report.empty,
        "items": sum(digest.item_count for digest in planned) / len(planned) if planned else 0,
    }


def measure_rendering(sample: int = 500) -> float:
    """Milliseconds to render one digest's text and HTML parts, over a batch of real digests."""
    now = utcnow()
    users = list(db.session.scalars(select(User).order_by(User.id).limit(sample)))
    recipients = [Recipient(user, DigestFrequency.WEEKLY, now - timedelta(days=7), now) for user in users]
    contents = [content for content in build_digests(recipients, now, Catalog()) if not content.is_empty]
    started = time.perf_counter()
    for content in contents:
        user = content.recipient.user
        with force_locale(user.locale):
            context = {"recipient": user, "subject": "Digest", "digest": content, "summary": "",
                       "unsubscribe_url": "https://conecta-tt.org/unsubscribe/x",
                       "email_settings_url": "https://conecta-tt.org/account/notifications"}  # fmt: skip
            render_template("digests/email/digest.txt", **context)
            render_template("digests/email/digest.html", **context)
    return (time.perf_counter() - started) * 1000 / max(len(contents), 1)


def run(url: str, arguments) -> list[dict]:
    url = fresh_database(url, arguments.reuse)
    engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    app = create_app(type("DigestsBenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                                    "SITE_URL": "https://conecta-tt.org"}))
    results = []
    with app.app_context(), app.test_request_context():
        db.create_all()
        if not (arguments.reuse and db.session.scalar(select(func.count(User.id)))):
            print(f"== {engine_name}: loading the benchmark network", flush=True)
            started = time.perf_counter()
            counts = load_bench(BenchSize(members=max(arguments.sizes)))
            counts.update(add_what_digests_read())
            if engine_name == "PostgreSQL":
                db.session.execute(text("ANALYZE"))  # the statistics autovacuum keeps in a database in service
                db.session.commit()
            print(f"   {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
        for size in arguments.sizes:
            result = measure_build(size, arguments.rounds)
            result["engine"] = engine_name
            results.append(result)
            print(f"   {size:,} members: {result['seconds']:.1f} s", flush=True)
        render_ms = measure_rendering()
        for result in results:
            result["render_ms"] = render_ms
        db.session.remove()
        db.engine.dispose()
    return results


def print_results(results: list[dict]) -> None:
    print("\n| database | members | seconds | members/s | SQL statements | per batch | digests (empty) | items each |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(f"| {result['engine']} | {result['members']:,} | {result['seconds']:.1f} | {result['per_second']:,.0f} "
              f"| {result['statements']:,} | {result['per_batch']:.0f} | {result['sent']:,} ({result['empty']:,}) "
              f"| {result['items']:.1f} |")  # fmt: skip
    for engine in dict.fromkeys(result["engine"] for result in results):
        render_ms = next(result["render_ms"] for result in results if result["engine"] == engine)
        print(f"\n{engine}: rendering a digest's two parts takes {render_ms:.1f} ms (a real run adds it per digest)")


def main() -> None:
    arguments = parse_arguments()
    urls = [] if arguments.no_sqlite else [f"sqlite:///{arguments.sqlite_path}"]
    if arguments.postgres_url:
        urls.append(arguments.postgres_url)
    results = []
    for url in urls:
        results.extend(run(url, arguments))
    print_results(results)


if __name__ == "__main__":
    main()
