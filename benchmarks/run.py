"""`make bench`: the site under gunicorn and wrk, on benchmark data, against a measured ceiling.

For each database (SQLite, PostgreSQL) and each number of gunicorn sync workers (2, 4), the script
serves the production configuration on 127.0.0.1, drives every page with wrk for a fixed time as an
anonymous visitor and as a logged-in member, and records requests per second, p50/p99 latency, errors,
SQL queries per request (counted in-process on the same data) and the workers' peak memory. The same
run measures a ceiling (benchmarks/ceiling.py) right before each page and reports the page as a share
of it.

Results go to benchmarks/results/ as JSON and Markdown, with the machine's description; a full run
also rewrites the table in the README. `--smoke` does the same in seconds on tiny data (CI runs it).
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's modules (config, community) come from here
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
DATA_DIR = ROOT / "instance" / "bench"
README = ROOT / "README.md"
README_START, README_END = "<!-- benchmark: start -->", "<!-- benchmark: end -->"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/conecta_bench"
DATA_VERSION = 5  # 2: private conversations; 3: their messages' previews; 4: the benchmark member's profile;
# 5: opportunities (with FULL's 2,000: the dashboard's "Matches for you" finds some)
SECRET_KEY = "benchmark-only-secret-key-0123456789-abcdefghij"  # noqa: S105 - a local, throwaway server

# The targets of the benchmark issue, checked in the report.
VISITOR_SHARE, MEMBER_SHARE, P99_MS, MAX_QUERIES, MAX_MEMORY_MB, LAST_PAGE_SLOWDOWN = 0.40, 0.25, 100, 8, 150, 0.20


@dataclass
class Size:
    members: int
    threads: int
    posts: int
    events: int
    opportunities: int

    @property
    def tag(self) -> str:
        # DATA_VERSION changes when the generator does: data built by an older one is built again.
        return f"{self.members}m-{self.threads}t-{self.posts}p-{self.events}e-{self.opportunities}o-v{DATA_VERSION}"


FULL = Size(members=10_000, threads=20_000, posts=200_000, events=2_000, opportunities=2_000)
SMOKE = Size(members=60, threads=40, posts=400, events=12, opportunities=20)


@dataclass
class Run:
    """Everything measured for one database."""

    database: str
    url: str
    size: Size
    pages: list = field(default_factory=list)  # community.seed.bench.BenchPage
    queries: dict = field(default_factory=dict)  # (role, page) -> SQL statements per request
    results: list[dict] = field(default_factory=list)
    ceiling: dict = field(default_factory=dict)  # workers -> requests per second (median of the probes)
    ceiling_range: dict = field(default_factory=dict)  # workers -> (lowest, highest) probe
    memory_mb: dict = field(default_factory=dict)  # workers -> peak RSS of one worker
    last_page: dict = field(default_factory=dict)  # (workers, role) -> thread's last page rps / first page rps


# -- data -------------------------------------------------------------------------------------------


def flask(database_url: str, *args: str, quiet: bool = False) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "COMMUNITY_CONFIG": "development", "MAIL_CONSOLE": "false"}
    subprocess.run(  # noqa: S603 - our own command line
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )  # fmt: skip


def prepare_database(database: str, postgres_url: str, size: Size, rebuild: bool, data_dir: Path = DATA_DIR) -> str:
    """A migrated database holding benchmark data of this size, built once and then reused."""
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / f"{database}-{size.tag}.done"
    if database == "sqlite":
        path = data_dir / f"bench-{size.tag}.db"
        url = f"sqlite:///{path}"
        if marker.exists() and path.exists() and not rebuild:
            _analyze(url)
            return url
        for leftover in data_dir.glob(f"bench-{size.tag}.db*"):
            leftover.unlink()
    else:
        url = postgres_url if size == FULL else f"{postgres_url}_smoke"
        if marker.exists() and not rebuild and _postgres_has_data(url):
            _analyze(url)
            return url
        _recreate_postgres_database(url)
    print(f"== building {database} benchmark data ({size.tag})", flush=True)
    flask(url, "db", "upgrade", quiet=True)
    flask(url, "seed", "bench", "--members", str(size.members), "--threads", str(size.threads), "--posts",
          str(size.posts), "--events", str(size.events), "--opportunities", str(size.opportunities))  # fmt: skip
    if "search" in _cli_groups(url):
        flask(url, "search", "reindex")
    _analyze(url)
    marker.write_text(datetime.now(UTC).isoformat())
    return url


def _cli_groups(database_url: str) -> set[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "wsgi", "--help"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return set(re.findall(r"^  (\w+)\s", output, flags=re.MULTILINE))


def _postgres_engine(url: str, database: str | None = None):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if database:
        target = target.set(database=database)
    return create_engine(target, isolation_level="AUTOCOMMIT")


def _postgres_has_data(url: str) -> bool:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = _postgres_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT count(*) FROM users")).scalar())
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _analyze(url: str) -> None:
    """Give the planner the statistics a database in service has (`flask db analyze`, which the README
    asks for daily): PostgreSQL's autovacuum would gather them after bulk loads, but it may be off (it is
    on our CI machines) or not have run yet, and SQLite never does. Without them PostgreSQL guesses row
    counts (69 threads in a category of 4,000) and SQLite reads five opportunities by id through an index
    on their status: plans no production site would run."""
    flask(url, "db", "analyze", quiet=True)


def _recreate_postgres_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not re.fullmatch(r"\w+", name or ""):
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    engine = _postgres_engine(url, database="postgres")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


# -- pages and their query counts -------------------------------------------------------------------


def choose_pages(database_url: str) -> tuple[list, dict]:
    """The pages to measure, with the ids and filters taken from the data, and their query counts."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from sqlalchemy import event, select

    from community import create_app
    from community.accounts.models import User
    from community.extensions import db
    from community.seed.bench import BENCH_PASSWORD, bench_member_email, bench_pages
    from config import ProductionConfig

    # The statements a page costs when it is rendered: the visitors' page cache would make the second
    # visit cost none.
    settings = {"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url, "SESSION_COOKIE_SECURE": False,
                "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "VISITOR_PAGE_CACHE_SECONDS": 0,
                "MEMBER_PAGE_CACHE_SECONDS": 0}  # fmt: skip
    app = create_app(type("BenchConfig", (ProductionConfig,), settings))
    with app.app_context():
        pages = bench_pages({rule.endpoint for rule in app.url_map.iter_rules()})
        email = db.session.scalar(select(User.email).where(User.email == bench_member_email(3)))
        engine = db.engine
        db.session.remove()

    counted: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: counted.append(args[2]))
    queries = {}
    # The requests run outside any app context of ours, each in its own as under gunicorn: a context held
    # open around them would carry `g` (the logged-in member, what a page read) from one request to the next.
    for role in ("visitor", "member"):
        client = app.test_client()
        if role == "member":
            answer = client.post("/login", data={"email": email, "password": BENCH_PASSWORD})
            if answer.status_code != 302:
                raise SystemExit(f"The benchmark member could not log in ({answer.status_code}).")
        for page in pages:
            if role not in page.roles:
                continue
            client.get(page.path)  # the first visit may write (last seen, read marks)
            counted.clear()
            answer = client.get(page.path)
            if answer.status_code != 200:
                raise SystemExit(f"{page.path} answered {answer.status_code} to a {role}.")
            queries[(role, page.name)] = len(counted)
    engine.dispose()
    return pages, queries


# -- servers and load -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, workers: int, database_url: str):
    port = free_port()
    env = {
        **os.environ, "COMMUNITY_CONFIG": "production", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "false", "SITE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_ENABLED": "false",
        "MAIL_SERVER": "",
    }  # fmt: skip
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync", "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", app]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        _wait_until_up(port, "/healthz", server)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(port: int, path: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute.")


def log_in(port: int, email: str, password: str) -> str:
    """The session cookie of a member logged in through the real login form (CSRF token included)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    answer = connection.getresponse()
    page = answer.read().decode()
    cookie = answer.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    body = urlencode({"email": email, "password": password, "csrf_token": token.group(1) if token else ""})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
    })  # fmt: skip
    answer = connection.getresponse()
    answer.read()
    if answer.status != 302:
        raise SystemExit(f"Logging in through the form failed ({answer.status}).")
    cookie = answer.getheader("Set-Cookie", "").split(";")[0]
    # A browser then opens the page it is sent to, which shows the welcome message and takes it out of
    # the session: wrk sends one cookie for the whole run, and a message waiting in it would be on every page.
    connection.request("GET", answer.getheader("Location", "/"), headers={"Cookie": cookie})
    answer = connection.getresponse()
    answer.read()
    return answer.getheader("Set-Cookie", cookie).split(";")[0]


def wrk(url: str, seconds: float, connections: int, cookie: str | None = None) -> dict:
    command = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{int(seconds)}s",
               "--timeout", "10s", "--script", str(ROOT / "benchmarks" / "report.lua")]  # fmt: skip
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout  # noqa: S603
    figures = json.loads(output.split("BENCH-JSON", 1)[1])
    seconds_taken = figures["duration_us"] / 1e6
    return {
        "rps": round(figures["requests"] / seconds_taken, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "errors": figures["socket_errors"] + figures["timeouts"] + figures["not_200"],
        "requests": figures["requests"],
    }


def last_page_in_turns(first_url: str, last_url: str, seconds: float, connections: int, cookie: str | None) -> float:
    """The thread's last page's throughput as a share of its first page's, the two measured in turns.

    Measured one after the other, minutes apart, the two pages also measured the host's drift: on a shared
    host the same page has run at 570 and at 1,000 requests/s within a minute. Here each page runs twice,
    first-last-last-first, for a quarter of `seconds` at a time, so a drift during the four weighs on both.
    """
    slot = max(1, round(seconds / 4))
    rps = {first_url: [], last_url: []}
    for url in (first_url, last_url, last_url, first_url):
        rps[url].append(wrk(url, slot, connections, cookie)["rps"])
    first = statistics.fmean(rps[first_url])
    return round(statistics.fmean(rps[last_url]) / first, 3) if first else 0.0


def peak_worker_memory_mb(master: subprocess.Popen) -> float:
    """The largest peak resident set (VmHWM) among the master's worker processes."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks, default=0.0), 1)


def measure(run: Run, workers: int, seconds: float, connections: int, warm_up: bool = True) -> None:
    """Every page for a visitor and a member, each right after a probe of the ceiling.

    The machine's speed drifts during a run (a shared host: the ceiling measured 2,000 to 5,500 requests/s
    on the same day), so each page is compared with the ceiling measured just before it, both servers
    running side by side; the ceiling reported is the median of those probes. A thread's first and last
    pages are then measured again, in turns (`last_page_in_turns`), for the comparison of the two.
    """
    from community.seed.bench import BENCH_PASSWORD, bench_member_email

    probe_seconds = max(1, int(seconds) // 2)
    with (
        gunicorn("benchmarks.ceiling:app", workers, run.url) as (ceiling_port, _ceiling_server),
        gunicorn("wsgi:app", workers, run.url) as (port, server),
    ):
        ceiling_url = f"http://127.0.0.1:{ceiling_port}/"
        if warm_up:
            wrk(ceiling_url, 1, connections)
        cookie = log_in(port, bench_member_email(3), BENCH_PASSWORD)
        probes = []
        for role in ("visitor", "member"):
            for page in run.pages:
                if role not in page.roles:
                    continue
                url = f"http://127.0.0.1:{port}{page.path}"
                if warm_up:
                    wrk(url, 1, connections, cookie if role == "member" else None)
                ceiling = wrk(ceiling_url, probe_seconds, connections)["rps"]
                probes.append(ceiling)
                figures = wrk(url, seconds, connections, cookie if role == "member" else None)
                figures.update(workers=workers, role=role, page=page.name, path=page.path,
                               queries=run.queries[(role, page.name)], ceiling_rps=ceiling,
                               share=round(figures["rps"] / ceiling, 3))  # fmt: skip
                run.results.append(figures)
                print(f"   {workers} workers, {role:7} {page.name:22} {figures['rps']:7.0f}/s "
                      f"({figures['share']:4.0%} of {ceiling:5.0f}) "
                      f"p50 {figures['p50_ms']:6.1f} ms p99 {figures['p99_ms']:6.1f} ms "
                      f"errors {figures['errors']} queries {figures['queries']}", flush=True)  # fmt: skip
            thread_pages = {page.name: page.path for page in run.pages if page.name.startswith("thread, ")}
            if len(thread_pages) == 2:
                share = last_page_in_turns(
                    f"http://127.0.0.1:{port}{thread_pages['thread, first page']}",
                    f"http://127.0.0.1:{port}{thread_pages['thread, last page']}",
                    seconds, connections, cookie if role == "member" else None,
                )  # fmt: skip
                run.last_page[(workers, role)] = share
                print(f"   {workers} workers, {role:7} thread's last page in turns with its first: {share:.0%}",
                      flush=True)  # fmt: skip
        run.ceiling[workers] = statistics.median(probes)
        run.ceiling_range[workers] = (min(probes), max(probes))
        run.memory_mb[workers] = peak_worker_memory_mb(server)


# -- report -----------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    import sqlite3

    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip(),  # noqa: S607
    }


def checks(run: Run, result: dict) -> list[str]:
    """The targets a result misses, as short words for the table."""
    missed = []
    if result["page"] == "ceiling":
        return missed
    wanted = VISITOR_SHARE if result["role"] == "visitor" else MEMBER_SHARE
    if result["share"] < wanted:
        missed.append(f"< {wanted:.0%} of ceiling")
    if result["p99_ms"] >= P99_MS:
        missed.append(f"p99 ≥ {P99_MS} ms")
    if result["queries"] > MAX_QUERIES:
        missed.append(f"> {MAX_QUERIES} queries")
    if result["errors"]:
        missed.append("errors")
    return missed


def run_notes(run: Run) -> str:
    """The sentence under a run's table: memory and the thread's last page, with the targets they miss."""
    memory = ", ".join(
        f"{mb} MB with {workers} workers" + (f" (≥ {MAX_MEMORY_MB} MB)" if mb >= MAX_MEMORY_MB else "")
        for workers, mb in sorted(run.memory_mb.items())
    )
    floor = 1 - LAST_PAGE_SLOWDOWN
    gaps = "; ".join(
        f"{role} with {workers} workers: {share:.0%}" + (f" (< {floor:.0%})" if share < floor else "")
        for (workers, role), share in run.last_page.items()  # in the order measured: by workers, visitor first
    )
    return (f"Peak memory of one worker: {memory}. Thread's last page vs. its first page, measured in turns "
            f"(first, last, last, first): {gaps or 'not measured'}.")  # fmt: skip


def markdown(runs: list[Run], settings: dict, about: dict) -> str:
    lines = [
        f"Measured {settings['date']} on {about['cpu']} ({about['cores']} cores, {about['memory_gb']} GB), "
        f"{about['system']}, Python {about['python']}, {about['wrk']}; {settings['seconds']} s per page at "
        f"{settings['connections']} connections.",
        "",
    ]
    for run in runs:
        lines += [
            f"**{run.database}** ({run.size.members:,} members, {run.size.threads:,} threads, "
            f"{run.size.posts:,} posts, {run.size.events:,} events, {run.size.opportunities:,} opportunities; "
            f"{run.server_version})",
            "",
            "| page | who | SQL | workers | req/s | of ceiling | p50 ms | p99 ms | errors | misses |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for workers in sorted(run.ceiling):
            low, high = run.ceiling_range[workers]
            lines.append(f"| *ceiling* | | 1 | {workers} | {run.ceiling[workers]:.0f} | 100% | | | | "
                         f"median of the probes before each page ({low:.0f}–{high:.0f}) |")  # fmt: skip
        for result in sorted(run.results, key=lambda r: (r["role"] != "visitor", r["page"], r["workers"])):
            missed = ", ".join(checks(run, result)) or "—"
            lines.append(
                f"| {result['page']} | {result['role']} | {result['queries']} | {result['workers']} | "
                f"{result['rps']:.0f} | {result['share']:.0%} | {result['p50_ms']} | {result['p99_ms']} | "
                f"{result['errors']} | {missed} |"
            )
        lines += ["", run_notes(run), ""]
    return "\n".join(lines)


def write_results(runs: list[Run], settings: dict, output: Path, update_readme: bool) -> Path:
    about = machine()
    output.mkdir(parents=True, exist_ok=True)
    # Date and time (UTC) in the name: a second run on the same day keeps the first.
    when = settings["date"][:16].replace(" ", "-").replace(":", "")
    stem = output / f"{when}-{'-'.join(run.database for run in runs)}"
    data = {
        "settings": settings, "machine": about,
        "runs": [{
            "database": run.database, "server": run.server_version, "size": run.size.__dict__,
            "ceiling_rps": run.ceiling, "ceiling_rps_range": run.ceiling_range,
            "peak_worker_memory_mb": run.memory_mb, "results": run.results,
            "last_page_vs_first_page": {f"{workers}/{role}": share for (workers, role), share in run.last_page.items()},
        } for run in runs],
    }  # fmt: skip
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    table = markdown(runs, settings, about)
    stem.with_suffix(".md").write_text("# Benchmark\n\n" + table + "\n")
    if update_readme:
        text = README.read_text()
        if README_START in text and README_END in text:
            before, rest = text.split(README_START, 1)
            after = rest.split(README_END, 1)[1]
            README.write_text(f"{before}{README_START}\n{table}\n{README_END}{after}")
    return stem


def server_version(database_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            version = connection.execute(text("SHOW server_version")).scalar().split()[0]
            name = f"PostgreSQL {version}"
        else:
            name = f"SQLite {connection.execute(text('SELECT sqlite_version()')).scalar()}"
    engine.dispose()
    return name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"],
                        help="which databases (default: both)")  # fmt: skip
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--workers", type=int, action="append", help="gunicorn sync workers (default: 2 and 4)")
    parser.add_argument("--seconds", type=int, default=8, help="load time per page and worker count (whole seconds)")
    parser.add_argument("--connections", type=int, help="concurrent connections (default 16; 4 with --smoke)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, one second per page, 2 workers")
    parser.add_argument("--rebuild", action="store_true", help="generate the benchmark data again")
    parser.add_argument("--no-readme", action="store_true", help="leave the README's table as it is")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where SQLite benchmark data is kept")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make system-deps` installs it (Debian package wrk).")
    size = SMOKE if args.smoke else FULL
    workers = args.workers or ([2] if args.smoke else [2, 4])
    # The smoke run shares CI's two cores with the other tests (the browser's page audit): with 16
    # connections a slow page could answer nothing inside a one-second window. With 4, each connection
    # waits on one request at a time and every page answers within the second; the smoke run checks that
    # the tool works, not the figures, and each of its seconds holds both cores.
    seconds = 1 if args.smoke else args.seconds
    connections = args.connections or (4 if args.smoke else 16)
    settings = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seconds": seconds,
                "connections": connections, "workers": workers, "smoke": args.smoke}  # fmt: skip
    runs = []
    for database in args.database or ["sqlite", "postgresql"]:
        url = prepare_database(database, args.postgres_url, size, args.rebuild, args.data_dir)
        run = Run(database=database, url=url, size=size)
        run.server_version = server_version(url)
        run.pages, run.queries = choose_pages(url)
        print(f"== {database}: {len(run.pages)} pages", flush=True)
        for count in workers:
            measure(run, count, seconds, connections, warm_up=not args.smoke)
        runs.append(run)
    update_readme = not (args.smoke or args.no_readme) and args.output == RESULTS
    stem = write_results(runs, settings, args.output, update_readme=update_readme)
    print(f"Results: {stem}.md and {stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
