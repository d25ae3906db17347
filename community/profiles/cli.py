import click
from flask.cli import AppGroup

from community.profiles import services

profiles_cli = AppGroup("profiles", help="Profiles, expertise areas and institutions.")


@profiles_cli.command("ensure-expertise")
def ensure_expertise():
    """Add the default expertise areas that are missing (admins' own areas are kept)."""
    click.echo(f"{services.ensure_default_expertise()} expertise areas added.")
