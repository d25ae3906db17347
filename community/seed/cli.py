import time

import click
from flask.cli import AppGroup

from community.seed.bench import BENCH_DOMAIN, BENCH_PASSWORD, BenchSize, load_bench
from community.seed.demo import DEMO_PASSWORD, load_demo

seed_cli = AppGroup("seed", help="Demo and benchmark data.")


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
def demo(if_empty):
    """Load a realistic demo network: members from the eight founding countries, in three languages."""
    created = load_demo(only_if_empty=if_empty)
    if created is None:
        click.echo("The database already has members; demo data not loaded.")
    else:
        click.echo(f"Demo data loaded: {created} members. Every demo account's password is {DEMO_PASSWORD!r}.")


@seed_cli.command("bench")
@click.option("--members", default=BenchSize.members, show_default=True, help="Members (with profiles for most).")
@click.option("--threads", default=BenchSize.threads, show_default=True, help="Forum threads.")
@click.option("--posts", default=BenchSize.posts, show_default=True, help="Forum posts, first posts included.")
@click.option("--events", default=BenchSize.events, show_default=True, help="Events (with RSVPs).")
@click.option("--opportunities", default=BenchSize.opportunities, show_default=True,
              help="Technology offers, requests, calls and expertise offers.")  # fmt: skip
def bench(members, threads, posts, events, opportunities):
    """Generate a large, realistic data set for benchmarks (into a migrated database without one)."""
    size = BenchSize(members=members, threads=threads, posts=posts, events=events, opportunities=opportunities)
    started = time.monotonic()
    try:
        counts = load_bench(size, progress=lambda label, total: click.progressbar(length=total, label=label.ljust(18)))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    click.echo(f"Benchmark data loaded in {time.monotonic() - started:.0f} s: {summary}.")
    click.echo(f"Every benchmark member's password is {BENCH_PASSWORD!r} (e-mails member<N>@{BENCH_DOMAIN}).")
