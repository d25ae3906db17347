"""Member-written text is rendered as Markdown and can never run as HTML."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from community.errors import ActionRefused
from community.markdown import MAX_NESTING, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)">',
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(1)</script>',
    "![x](x\" onerror=\"alert(1))",
    "<style>body{display:none}</style>",
    '<div style="position:fixed;inset:0">overlay</div>',
]


class ActiveParts(HTMLParser):
    """Whatever in a piece of HTML could run, load or restyle something."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "img", "iframe", "svg", "object", "embed", "div", "form", "input"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style" and tag not in {"td", "th"}:
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and urlsplit(value or "").scheme not in {"", "http", "https", "mailto"}:
                self.found.append(f"{tag}[{name}={value}]")


def active_parts(html: str) -> list[str]:
    parser = ActiveParts()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_html_and_script_in_the_text_stay_inert(payload):
    assert active_parts(str(render_markdown(payload))) == []


def test_markdown_becomes_html():
    html = str(render_markdown("**Licencias** y *patentes*\n\n- uno\n- dos\n\n> cita"))
    assert "<strong>Licencias</strong>" in html and "<em>patentes</em>" in html
    assert "<li>uno</li>" in html and "<blockquote>" in html


def test_links_are_marked_as_user_content_and_never_followed_by_search_engines():
    html = str(render_markdown("[IMPI](https://www.gob.mx/impi)"))
    assert 'href="https://www.gob.mx/impi"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_headings_stay_below_the_pages_own_title():
    assert "<h1>" not in str(render_markdown("# Big title"))
    assert "<h2>Big title</h2>" in str(render_markdown("# Big title"))


def test_accents_and_three_languages_survive():
    text = "Licenciamiento, licenciamento, licensing: ação, acción, «comillas»"
    assert text in str(render_markdown(text))


def test_deep_nesting_is_cut_off_quickly():
    source = ">" * 5_000 + " deep" + "\n" + "- " * 2_000 + "item"
    html = str(render_markdown(source * 10))
    assert html.count("<blockquote>") <= MAX_NESTING * 10


def test_a_table_that_would_explode_is_refused():
    header = "|" + "|".join(f"c{n}" for n in range(300)) + "|\n|" + "|".join("-" for _ in range(300)) + "|\n"
    source = header + "|x|\n" * 2_000  # 10 KB that would become megabytes of empty cells
    with pytest.raises(ActionRefused):
        render_markdown(source)


def test_empty_text_renders_to_nothing():
    assert str(render_markdown("")) == ""
