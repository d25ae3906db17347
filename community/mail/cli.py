import click
from flask.cli import AppGroup

from community.mail.sender import send_queued

mail_cli = AppGroup("mail", help="The outbox of e-mails.")


@mail_cli.command("send-queued")
@click.option("--limit", default=500, show_default=True, help="At most this many messages in one run.")
def send_queued_command(limit):
    """Send the e-mails that are due (run it every minute from cron)."""
    sent, failed = send_queued(limit=limit)
    click.echo(f"{sent} sent, {failed} not sent (will be retried).")
