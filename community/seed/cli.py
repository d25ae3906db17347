import click
from flask.cli import AppGroup

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
