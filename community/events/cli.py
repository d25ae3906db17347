import click
from flask.cli import AppGroup

from community.events import reminders

events_cli = AppGroup("events", help="Events: reminders and the follow-up loop.")


@events_cli.command("send-reminders")
def send_reminders():
    """E-mail the reminders that are due and invite organizers to post minutes (run it every few minutes)."""
    sent = reminders.send_due_reminders()
    invited = reminders.invite_to_post_minutes()
    click.echo(f"{sent} reminders sent, {invited} organizers invited to post minutes.")
