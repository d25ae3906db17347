import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from community.accounts import services
from community.i18n import is_country

users_cli = AppGroup("users", help="Member accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's e-mail address.")
@click.option("--name", prompt="Display name", help="The name shown to members.")
@click.option("--country", default=None, help="ISO country code, e.g. MX.")
@click.password_option(help="At least 10 characters; prompted for when not given.")
def create_admin(email, name, country, password):
    """Create an administrator, or make the member with this address one."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from error
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    if country and not is_country(country.upper()):
        raise click.BadParameter(f"unknown country code {country!r}", param_hint="--country")
    user = services.create_admin(email, name, password, country.upper() if country else None)
    click.echo(f"{user.email} is now an administrator.")
