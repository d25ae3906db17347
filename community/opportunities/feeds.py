"""The Atom feed of the newest open opportunities, built with feedgen like the events' and the forum's."""

from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape

from community.i18n import current_language
from community.opportunities.models import Opportunity
from community.types import utcnow


def _content(opportunity: Opportunity) -> str:
    """The summary, what kind of opportunity it is and its field, then the (already sanitized) description."""
    facts = " · ".join(str(part) for part in (opportunity.kind.label, opportunity.field.local_name,
                                              opportunity.sector.label, opportunity.institution) if part)  # fmt: skip
    return f"<p>{escape(opportunity.summary)}</p><p>{escape(facts)}</p>{opportunity.description_html}"


def build_atom_feed(opportunities: list[Opportunity]) -> bytes:
    """An Atom document with one entry per opportunity, newest first."""
    feed = FeedGenerator()
    page_url = url_for("opportunities.list_opportunities", _external=True)
    feed.id(page_url)
    feed.title(_("Technology opportunities"))
    feed.subtitle(_("Technology offers and requests, collaboration calls and expertise offers of the Conecta TT "
                    "network."))  # fmt: skip
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=url_for("opportunities.atom_feed", _external=True), rel="self", type="application/atom+xml")
    feed.language(current_language())
    feed.updated(max((opportunity.updated_at for opportunity in opportunities), default=utcnow()))
    for opportunity in reversed(opportunities):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        url = url_for("opportunities.show_opportunity", opportunity_id=opportunity.id, _external=True)
        entry.id(url)
        entry.title(opportunity.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.author({"name": str(opportunity.author.name)})
        entry.published(opportunity.created_at)
        entry.updated(opportunity.updated_at)
        entry.category(term=opportunity.kind.value, label=str(opportunity.kind.label))
        entry.summary(opportunity.summary)
        entry.content(_content(opportunity), type="html")
    return feed.atom_str(pretty=False)
