"""Counterpart matching over 10,000 members: `python benchmarks/matching_bench.py`.

Fills a scratch database with the members, profiles and opportunities of `flask seed bench` (10,000
members by default, 85 % of them with a profile of one to three expertise areas, every organization type,
"open to" flags; 2,000 opportunities of every kind, field, sector and status, with territories, a few
hidden or awaiting review; a handful of threads and events only, which matching never reads) and
verifies one profile in seven at one of 60 institutions. Then it times, over 50 opportunities and
50 members picked at random (seeded), `suggest_members`, `matching_opportunities` and
`matches_for_member` as an opportunity page and the dashboard call them (objects fresh from the
database, page language Spanish), and prints the median, the 95th percentile and the SQL statements
per call. The target: suggest_members under 50 ms for 10,000 members.

    python benchmarks/matching_bench.py                         # SQLite, instance/bench-matching.db
    python benchmarks/matching_bench.py --postgres-url postgresql+psycopg://postgres@127.0.0.1/conecta_bench_matching
    python benchmarks/matching_bench.py --reuse                 # keep the data of an earlier run

The databases are scratch ones: the SQLite file, and the PostgreSQL database named in --postgres-url
(created if missing, emptied before each fill).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: config and community come from the project

from flask_babel import force_locale  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from benchmarks.scratch import StatementCounter, fresh_database, insert_rows  # noqa: E402
from community import create_app  # noqa: E402
from community.accounts.models import User  # noqa: E402
from community.extensions import db  # noqa: E402
from community.opportunities.matching import (  # noqa: E402
    matches_for_member,
    matching_opportunities,
    suggest_members,
)
from community.opportunities.models import Opportunity, OpportunityStatus  # noqa: E402
from community.profiles.models import Institution, Profile  # noqa: E402
from community.seed import bench_text as words  # noqa: E402
from community.seed.bench import BenchSize, load_bench  # noqa: E402
from community.types import utcnow  # noqa: E402
from config import TestingConfig  # noqa: E402

SQLITE_PATH = ROOT / "instance" / "bench-matching.db"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", help="also measure on this PostgreSQL database (a scratch one)")
    parser.add_argument("--no-sqlite", action="store_true", help="measure on PostgreSQL only")
    parser.add_argument("--sqlite-path", default=str(SQLITE_PATH))
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--opportunities", type=int, default=2_000)
    parser.add_argument("--samples", type=int, default=50, help="opportunities and members timed")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    return parser.parse_args()


# -- data -------------------------------------------------------------------------------------------


def load_members(members: int, opportunities: int) -> dict:
    """The benchmark network's members, profiles and opportunities; threads and events at a token size."""
    return load_bench(BenchSize(members=members, threads=20, posts=100, events=10, opportunities=opportunities))


def verify_some_profiles(seed: int = 2026, institutions: int = 60) -> int:
    """Institutions in the members' countries, and one profile in seven verified at one of them."""
    rng = random.Random(seed)
    first_id = (db.session.scalar(select(func.max(Institution.id))) or 0) + 1
    countries = list(words.COUNTRIES)
    now = utcnow()
    rows = [{"id": first_id + number, "name": f"{rng.choice(words.ORGANIZATIONS['es'])} {number}",
             "country": countries[number % len(countries)], "created_at": now}
            for number in range(institutions)]  # fmt: skip
    insert_rows(Institution.__table__, rows)
    verified = 0
    for profile_id in db.session.scalars(select(Profile.id).where(Profile.id % 7 == 0)):
        db.session.execute(update(Profile).where(Profile.id == profile_id)
                           .values(institution_id=rng.choice(rows)["id"], verified_at=now))  # fmt: skip
        verified += 1
    _reset_sequence("institutions")
    db.session.commit()
    return verified


def _reset_sequence(table: str) -> None:
    """PostgreSQL: explicit ids leave the id sequence behind; move it past the new rows."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        )


# -- measuring --------------------------------------------------------------------------------------


def _time(calls) -> dict:
    """Milliseconds per call (each on objects fresh from the database), statements, results found."""
    times, statements, found = [], set(), []
    for load, match in calls:
        db.session.expunge_all()
        subject = load()
        with StatementCounter(db.engine) as counter:
            started = time.perf_counter()
            result = match(subject)
            times.append((time.perf_counter() - started) * 1000)
        statements.add(counter.count)
        found.append(len(result))
    times.sort()
    return {
        "calls": len(times),
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
        "statements": "/".join(str(n) for n in sorted(statements)),
        "found": statistics.mean(found) if found else 0,
    }


def measure(samples: int = 50, seed: int = 7) -> dict:
    """Time the three matching functions over `samples` listed, open opportunities and members."""
    rng = random.Random(seed)
    open_ids = list(db.session.scalars(
        select(Opportunity.id).where(Opportunity.status == OpportunityStatus.OPEN, Opportunity.is_hidden.is_(False),
                                     Opportunity.awaiting_review.is_(False)).order_by(Opportunity.id)
    ))  # fmt: skip
    member_ids = list(db.session.scalars(select(Profile.user_id).order_by(Profile.user_id)))
    opportunities = rng.sample(open_ids, min(samples, len(open_ids)))
    members = rng.sample(member_ids, min(samples, len(member_ids)))

    def by_opportunity(function):
        return [(lambda i=i: db.session.get(Opportunity, i), function) for i in opportunities]

    # Warm the caches (statements, pages of the database) as a server in service has them.
    for load, match in by_opportunity(suggest_members)[:3]:
        match(load())
    with force_locale("es"):
        return {
            "suggest_members": _time(by_opportunity(suggest_members)),
            "matching_opportunities": _time(by_opportunity(matching_opportunities)),
            "matches_for_member": _time([(lambda i=i: db.session.get(User, i), matches_for_member) for i in members]),
        }


def run(url: str, arguments) -> dict:
    url = fresh_database(url, arguments.reuse)
    engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    app = create_app(type("MatchingBenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context(), app.test_request_context():
        db.create_all()
        if not (arguments.reuse and db.session.scalar(select(func.count(User.id)))):
            print(f"== {engine_name}: loading {arguments.members:,} members", flush=True)
            started = time.perf_counter()
            counts = load_members(arguments.members, arguments.opportunities)
            counts["verified profiles"] = verify_some_profiles()
            if engine_name == "PostgreSQL":
                db.session.execute(text("ANALYZE"))  # the statistics autovacuum keeps in a database in service
                db.session.commit()
            print(f"   {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
        results = measure(arguments.samples)
        version_query = "SELECT version()" if engine_name == "PostgreSQL" else "SELECT sqlite_version()"
        version = db.session.scalar(text(version_query))
        members = db.session.scalar(select(func.count(User.id)))
        opportunities = db.session.scalar(select(func.count(Opportunity.id)))
        db.session.remove()
        db.engine.dispose()
    return {"engine": engine_name, "version": version.split(" on ")[0], "members": members,
            "opportunities": opportunities, "results": results}  # fmt: skip


def print_results(runs: list[dict]) -> None:
    print("\n| database | members | opportunities | function | calls | median ms | p95 ms | max ms | SQL | found |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for each in runs:
        for name, result in each["results"].items():
            print(f"| {each['engine']} | {each['members']:,} | {each['opportunities']:,} | `{name}` "
                  f"| {result['calls']} | {result['median']:.1f} | {result['p95']:.1f} | {result['max']:.1f} "
                  f"| {result['statements']} | {result['found']:.1f} |")  # fmt: skip
    for each in runs:
        print(f"\n{each['engine']}: {each['version']}")


def main() -> None:
    arguments = parse_arguments()
    urls = [] if arguments.no_sqlite else [f"sqlite:///{arguments.sqlite_path}"]
    if arguments.postgres_url:
        urls.append(arguments.postgres_url)
    print_results([run(url, arguments) for url in urls])


if __name__ == "__main__":
    main()
