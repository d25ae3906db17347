import click
from flask.cli import AppGroup

from community.forum import services

forum_cli = AppGroup("forum", help="The forum.")


@forum_cli.command("default-categories")
def default_categories():
    """Create the default forum categories that are missing."""
    click.echo(f"{services.ensure_default_categories()} categories created.")
