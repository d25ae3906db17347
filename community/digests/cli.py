import click
from flask.cli import AppGroup

from community.digests import services
from community.digests.models import DigestFrequency

digests_cli = AppGroup("digests", help="E-mail digests.")

FREQUENCIES = [frequency.value for frequency in services.SENDING_FREQUENCIES]


@digests_cli.command("send")
@click.option("--frequency", type=click.Choice(FREQUENCIES), help="Only this frequency (default: all of them).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; write and send nothing.")
def send(frequency, dry_run):
    """Build and queue the digests that are due (run it every 15 minutes from cron; safe to run again)."""
    report = services.send_due_digests(
        DigestFrequency(frequency) if frequency else None,
        dry_run=dry_run,
        progress=lambda total: click.progressbar(length=total, label="Members"),
    )
    if dry_run:
        for planned in report.planned:
            click.echo(f"{planned.email} [{planned.locale}, {planned.period_key}, {planned.item_count} items]: "
                       f"{planned.subject}")  # fmt: skip
        click.echo(f"Dry run: {report.sent} digests would be sent, {report.empty} empty; nothing was written.")
    else:
        click.echo(f"{report.sent} digests queued, {report.empty} empty (not sent), {report.skipped} already done.")
