import click
from flask.cli import AppGroup

from community.notifications.emails import pending_count, send_notification_emails

notifications_cli = AppGroup("notifications", help="Notification e-mails.")


@notifications_cli.command("send-emails")
def send_emails_command():
    """Queue the notification e-mails that are due (run it every minute from cron, before mail send-queued)."""
    queued = send_notification_emails()
    click.echo(f"{queued} notification e-mails queued; {pending_count()} notifications wait for a later one.")
