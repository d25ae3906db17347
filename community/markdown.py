"""The one renderer of member-written text: CommonMark to HTML, sanitized, with size limits.

Forum posts, profile bios, event descriptions and private messages all go through `render_markdown`,
and the result is stored beside the source so pages never render it again.
"""

import re
from collections.abc import Callable, Mapping

import nh3
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.token import Token
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
# "@handle" after a space, a bracket or the start of the text (not inside an e-mail address); a trailing
# dot ends the sentence, not the handle.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)")
MAX_MENTIONS = 20
# Given the handles written in a text (lowercase), the address of each one that belongs to a member.
MentionLinker = Callable[[set[str]], Mapping[str, str]]
TOO_LARGE = _l("This text is too long or too complex to show. Please shorten it.")

_parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def mentioned_handles(source: str) -> set[str]:
    """The handles written as @handle in the text (lowercase), leaving out code and existing links."""
    return {match.group(1).lower() for _, match in _mention_matches(_parser.parse(source or ""))}


def render_markdown(
    source: str, max_html_chars: int = MAX_HTML_CHARS, link_mentions: MentionLinker | None = None
) -> Markup:
    """Render member-written Markdown to safe HTML.

    Raw HTML in the source is shown as text, links get rel="nofollow ugc noopener" and only http(s)
    and mailto addresses, and headings inside the text are kept below the page's own h1. With
    `link_mentions`, each @handle it knows becomes a link (class "mention") to the address it gives.
    Raises ActionRefused when the result would be larger than `max_html_chars`.
    """
    tokens = _parser.parse(source or "")
    if link_mentions is not None:
        _link_mentions(tokens, link_mentions)
    html = _parser.renderer.render(tokens, _parser.options, {})
    if len(html) > max_html_chars:
        raise ActionRefused(TOO_LARGE)
    # A member's "# Title" must not compete with the page's single <h1>.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above


def plain_excerpt(html: str, length: int) -> str:
    """The start of a rendered text (body_html) as plain text on one line, cut at a word with an ellipsis."""
    text = Markup(html or "").striptags()  # noqa: S704 - only to drop the tags: the result is plain text, escaped when shown
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _mention_matches(tokens: list[Token]):
    """(text token, match) for every @handle in plain text: not in code, not inside a link."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        in_link = 0
        for child in block.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            elif child.type == "text" and not in_link and "@" in child.content:
                for match in MENTION.finditer(child.content):
                    yield child, match


def _link_mentions(tokens: list[Token], link_mentions: MentionLinker) -> None:
    """Replace the known @handles of the text tokens by links, asking `link_mentions` once."""
    handles = {match.group(1).lower() for _, match in _mention_matches(tokens)}
    addresses = link_mentions(set(sorted(handles)[:MAX_MENTIONS])) if handles else {}
    if not addresses:
        return
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for child in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and not in_link and "@" in child.content:
                children.extend(_split_mentions(child.content, addresses))
            else:
                children.append(child)
        block.children = children


def _split_mentions(text: str, addresses: Mapping[str, str]) -> list[Token]:
    pieces: list[Token] = []
    start = 0
    for match in MENTION.finditer(text):
        address = addresses.get(match.group(1).lower())
        if address is None:
            continue
        if match.start() > start:
            pieces.append(Token("text", "", 0, content=text[start : match.start()]))
        pieces.append(Token("link_open", "a", 1, attrs={"href": address, "class": "mention"}))
        pieces.append(Token("text", "", 0, content=match.group(0)))
        pieces.append(Token("link_close", "a", -1))
        start = match.end()
    if start < len(text):
        pieces.append(Token("text", "", 0, content=text[start:]))
    return pieces
