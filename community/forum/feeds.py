"""Atom feeds of the newest threads, built with feedgen."""

from collections.abc import Callable
from datetime import datetime

from feedgen.feed import FeedGenerator

from community.forum.models import Thread
from community.types import utcnow


def build_atom_feed(
    *,
    feed_id: str,
    title: str,
    subtitle: str,
    page_url: str,
    feed_url: str,
    language: str,
    threads: list[Thread],
    thread_url: Callable[[Thread], str],
    updated: datetime | None = None,
) -> bytes:
    """An Atom document with one entry per thread, its opening post as the (already sanitized) content."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.language(language)
    feed.updated(updated or (max(t.created_at for t in threads) if threads else utcnow()))
    for thread in reversed(threads):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        url = thread_url(thread)
        entry.id(url)
        entry.title(thread.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.author({"name": str(thread.author.name)})
        entry.published(thread.created_at)
        entry.updated(thread.first_post.edited_at or thread.created_at if thread.first_post else thread.created_at)
        entry.category(term=thread.category.slug)
        opening = thread.first_post
        if opening is not None and not (opening.is_deleted or opening.is_hidden or opening.awaiting_review):
            entry.content(opening.body_html, type="html")
    return feed.atom_str(pretty=False)
