"""The one renderer of member-written text: CommonMark to HTML, sanitized, with size limits.

Forum posts, profile bios, event descriptions and private messages all go through `render_markdown`,
and the result is stored beside the source so pages never render it again.
"""

import nh3
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup

from community.errors import ActionRefused

# Deeply nested quotes and lists cost time and say nothing; markdown-it stops nesting past this.
MAX_NESTING = 20
# Rendering may add markup (a short table row gets every column of a wide header), so the output has
# its own cap: text that would turn into more than this is refused rather than stored.
MAX_HTML_CHARS = 250_000

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = {"http", "https", "mailto"}
TOO_LARGE = _l("This text is too long or too complex to show. Please shorten it.")

_parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(source: str, max_html_chars: int = MAX_HTML_CHARS) -> Markup:
    """Render member-written Markdown to safe HTML.

    Raw HTML in the source is shown as text, links get rel="nofollow ugc noopener" and only http(s)
    and mailto addresses, and headings inside the text are kept below the page's own h1. Raises
    ActionRefused when the result would be larger than `max_html_chars`.
    """
    html = _parser.render(source or "")
    if len(html) > max_html_chars:
        raise ActionRefused(TOO_LARGE)
    # A member's "# Title" must not compete with the page's single <h1>.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above
