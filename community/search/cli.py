import click
from flask.cli import AppGroup

from community.search import services

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
@click.option("--batch-size", default=services.REINDEX_BATCH, show_default=True, help="Sources read per batch.")
def reindex(batch_size):
    """Rebuild the search index from every thread, reply, event, member and opportunity (after an upgrade or a
    restore)."""
    with click.progressbar(length=services.count_sources(), label="Indexing") as bar:
        written = services.reindex(progress=bar.update, batch_size=batch_size)
    click.echo(f"{written} documents indexed.")
