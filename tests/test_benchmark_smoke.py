"""`make bench` in miniature: tiny data, one second per page, so the benchmark cannot rot unnoticed."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        if _in_ci():
            pytest.fail("wrk is required in CI: install the Debian package wrk (make system-deps)")
        pytest.skip("wrk is not installed (make system-deps)")


def test_the_benchmark_measures_every_page_against_the_ceiling(wrk, tmp_path):
    command = [sys.executable, "benchmarks/run.py", "--smoke", "--output", str(tmp_path / "results"),
               "--data-dir", str(tmp_path / "data")]  # fmt: skip
    postgres = os.environ.get("TEST_DATABASE_URL", "")
    if postgres.startswith("postgresql"):
        # A database of its own beside this worker's test database (the script creates and drops it).
        command += ["--database", "postgresql", "--postgres-url", make_url(postgres).render_as_string(False)]
    else:
        command += ["--database", "sqlite"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]

    [report] = (tmp_path / "results").glob("*.json")
    [run] = json.loads(report.read_text())["runs"]
    pages = {(result["role"], result["page"]) for result in run["results"]}
    assert {("visitor", "thread, last page"), ("member", "home / dashboard"), ("member", "event")} <= pages
    failing = [result for result in run["results"] if not result["requests"] or result["errors"]]
    assert not failing, failing
    assert all(0 <= result["queries"] <= 20 for result in run["results"])  # the home page may need none
    # Counted as under gunicorn, each request in its own app context: a member's directory costs a visitor's
    # statements and one more, loading the member (a context held open across requests would keep them).
    queries = {(result["role"], result["page"]): result["queries"] for result in run["results"]}
    assert queries[("member", "directory, filtered")] == queries[("visitor", "directory, filtered")] + 1
    assert run["ceiling_rps"]["2"] > 0 and run["peak_worker_memory_mb"]["2"] > 0
    # Each page is compared with the ceiling measured just before it.
    assert all(result["ceiling_rps"] > 0 for result in run["results"])
    assert all(result["share"] == round(result["rps"] / result["ceiling_rps"], 3) for result in run["results"])
    # The thread's last page against its first, for each kind of reader, from the two measured in turns.
    assert set(run["last_page_vs_first_page"]) == {"2/visitor", "2/member"}
    assert all(share > 0 for share in run["last_page_vs_first_page"].values())
    table = report.with_suffix(".md").read_text()
    assert "| thread, last page | visitor |" in table and "*ceiling*" in table
    assert "measured in turns (first, last, last, first): visitor with 2 workers: " in table
