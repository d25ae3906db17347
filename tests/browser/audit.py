"""The page audit: crawl the site in Chromium and check every page it reaches.

For each page: no 5xx, no link of ours that leads to a 404, valid HTML (the Nu Html Checker), no
serious or critical accessibility violation (axe-core), nothing loaded from another origin, the
right `<html lang>` and no string left in another language, one translated and unique `<title>`,
one `<h1>`, and no horizontal scrolling on a 375 px wide phone screen.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
JAVA = shutil.which("java") or "java"
LANGUAGES = ("es", "pt", "en")


def audited_languages() -> tuple[str, ...]:
    """The languages this run audits: all three unless AUDIT_LANGUAGES (e.g. "pt,en") names some.

    `make test` shares them out between its SQLite and PostgreSQL passes: a full run still audits every
    page in every language once, each database still serves every page, and CI stays short.
    """
    chosen = [language.strip() for language in os.environ.get("AUDIT_LANGUAGES", "").split(",") if language.strip()]
    unknown = set(chosen) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"AUDIT_LANGUAGES names languages the site does not have: {', '.join(sorted(unknown))}")
    return tuple(language for language in LANGUAGES if language in chosen) or LANGUAGES

# Where each part of the audit leaves its summary, for the end of the test run to print (workers' output
# is not shown).
SUMMARY_FOLDER = ROOT / "instance"
SUMMARY_FILES = "page-audit-summary-*.txt"


def summary_file(part: str):
    return SUMMARY_FOLDER / SUMMARY_FILES.replace("*", part)


BROWSER_LOCALES = {"es": "es-MX", "pt": "pt-BR", "en": "en-US"}
PHONE_VIEWPORT = {"width": 375, "height": 740}
# Pages of one endpoint differ only in their data (pages 2, 3, ... of a list): a few are enough.
VISITS_PER_ENDPOINT = 3
SKIPPED_PREFIXES = ("/static/", "/bootstrap/static/")

# What the browser reports of a page, gathered in one round trip.
PAGE_FACTS_JS = """
() => {
  const pageLang = document.documentElement.getAttribute('lang');
  const foreign = (el) => {
    const owner = el.closest('[lang]');
    return owner && owner.getAttribute('lang') !== pageLang;
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template') || foreign(el)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[type=submit]')) {
    if (foreign(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.hasAttribute(name)) texts.push(el.getAttribute(name).replace(/\\s+/g, ' ').trim());
    }
    if (el.matches('input[type=submit]')) texts.push(el.value.trim());
  }
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.href);
  return {
    lang: pageLang,
    title: document.title.replace(/\\s+/g, ' ').trim(),
    h1: document.querySelectorAll('h1').length,
    texts,
    links,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}
"""

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
"""


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _pattern(msgid: str) -> re.Pattern:
    """A msgid as a whole-text pattern, its placeholders standing for any text."""
    parts = PLACEHOLDER.split(msgid)
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$")


class Catalogs:
    """For each language, the strings that must not appear on its pages: other languages' forms."""

    def __init__(self):
        translations: dict[str, dict[str, str]] = {}
        for language in ("es", "pt"):
            with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
                catalog = read_po(handle)
            pairs = {}
            for message in catalog:
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for msgid, string in zip(ids, strings, strict=False):
                    if string:
                        pairs[msgid] = string
            translations[language] = pairs
        # A page must show no string of another language that its own language says differently:
        # a pt page neither the English nor the Spanish of a string pt translates. A string a language
        # shares with another ("Idioma" in es and pt, "Webinar" in pt and en) is its own too.
        own = {
            "en": {msgid for pairs in translations.values() for msgid in pairs},
            "es": set(translations["es"].values()),
            "pt": set(translations["pt"].values()),
        }
        everything = own["en"] | own["es"] | own["pt"]
        self.foreign = {language: self._compile(everything - own[language]) for language in LANGUAGES}

    @staticmethod
    def _compile(strings):
        """Plain strings for a set lookup; one combined pattern for those with placeholders."""
        # Very short strings ("OK", "…") say nothing about the language of a page.
        strings = {text for text in strings if len(text) > 2}
        plain = {text for text in strings if not PLACEHOLDER.search(text)}
        # A pattern that is mostly placeholders ("%(title)s en %(organization)s") would match members'
        # own words; keep those whose fixed text says something by itself.
        templates = sorted(text for text in strings - plain if len(re.sub(r"\W", "", PLACEHOLDER.sub("", text))) >= 10)
        combined = re.compile("|".join(f"(?:{_pattern(text).pattern})" for text in templates)) if templates else None
        return plain, templates, combined

    def untranslated(self, language: str, texts: list[str]) -> list[str]:
        plain, templates, combined = self.foreign[language]
        found = []
        for text in set(texts):
            if text in plain:
                found.append(repr(text))
            elif combined is not None and combined.fullmatch(text):
                source = next(t for t in templates if _pattern(t).match(text))
                found.append(f"{text!r} (from {source!r})")
        return sorted(found)


@dataclass
class PageReport:
    url: str
    endpoint: str
    status: int
    title: str = ""
    links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class AuditResult:
    pages: list[PageReport] = field(default_factory=list)
    # (role, language) -> number of pages visited
    visited: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    @property
    def problems(self) -> list[str]:
        return [f"{page.url} [{page.endpoint}]: {problem}" for page in self.pages for problem in page.problems]

    def summary(self) -> str:
        lines = ["Page audit: pages visited per role and language"]
        roles = sorted({role for role, _ in self.visited})
        for role in roles:
            counts = ", ".join(f"{language} {self.visited[(role, language)]}" for language in audited_languages())
            lines.append(f"  {role:<10} {counts}")
        lines.append(f"  {len(self.pages)} pages checked, {len(self.problems)} problems found")
        return "\n".join(lines)


class HtmlChecker:
    """The Nu Html Checker, run once over a batch of saved pages (one JVM start for all of them)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="audit-html-"))
        self.files: dict[Path, list[PageReport]] = {}
        self._by_body: dict[str, Path] = {}

    def add(self, report: PageReport, body: str) -> None:
        path = self._by_body.get(body)
        if path is None:
            path = self.folder / f"page-{len(self._by_body)}.html"
            path.write_text(body, encoding="utf-8")
            self._by_body[body] = path
            self.files[path] = []
        self.files[path].append(report)

    def run(self) -> None:
        if not self.files:
            return
        command = [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        completed = subprocess.run(  # noqa: S603 - fixed arguments, local files
            [*command, *map(str, self.files)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = completed.stderr.strip() or completed.stdout.strip()
        try:
            messages = json.loads(output)["messages"]
        except (ValueError, KeyError) as error:
            raise RuntimeError(f"the Nu Html Checker did not answer in JSON: {output[:500]}") from error
        for message in messages:
            path = Path(urlsplit(message.get("url", "")).path)
            line = message.get("lastLine", "?")
            for report in self.files.get(path, []):
                report.problems.append(f"invalid HTML (line {line}): {message.get('message')}")
        shutil.rmtree(self.folder, ignore_errors=True)


class Auditor:
    """Crawls the live site as one role in one language and checks each page it reaches."""

    def __init__(
        self, app, base_url: str, catalogs: Catalogs, html: HtmlChecker, result: AuditResult, not_pages=frozenset()
    ):
        self.app = app
        # Endpoints that answer files (.ics, .csv, feeds): their links are checked, never opened as pages.
        self.not_pages = set(not_pages)
        self.base_url = base_url
        self.catalogs = catalogs
        self.html = html
        self.result = result
        self.axe_source = AXE_JS.read_text(encoding="utf-8")
        self._adapter = app.url_map.bind("localhost")
        self._referrers: dict[str, str] = {}  # url -> the first page that linked to it
        # axe looks at structure, labels and colours, which do not change with the language: one run per
        # role and endpoint is enough, and it is the slowest check.
        self._axe_done: set[tuple[str, str]] = set()

    def endpoint_of(self, url: str) -> str:
        parts = urlsplit(url)
        try:
            endpoint, _ = self._adapter.match(parts.path, method="GET")
        except Exception:  # noqa: BLE001 - any routing failure means "no page of ours"
            return "?"
        return endpoint

    def is_ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.base_url and not parts.path.startswith(SKIPPED_PREFIXES)

    def crawl(self, page, role: str, language: str, start_urls: list[str], log, follow_links: bool = True) -> None:
        """Visit everything reachable from `start_urls` as the page's logged-in role.

        With `follow_links` False only the start pages are visited; their links are still requested.
        """
        queue = list(dict.fromkeys(start_urls))
        seen = set(queue)
        per_endpoint: dict[str, int] = defaultdict(int)
        titles: dict[str, set[str]] = defaultdict(set)
        unvisited_links: dict[str, str] = {}
        while queue:
            url = queue.pop(0)
            endpoint = self.endpoint_of(url)
            if url not in start_urls and (
                not follow_links or per_endpoint[endpoint] >= VISITS_PER_ENDPOINT or endpoint in self.not_pages
            ):
                unvisited_links.setdefault(url, endpoint)
                continue
            per_endpoint[endpoint] += 1
            report = self.check_page(page, url, endpoint, language, log, role=role)
            self.result.pages.append(report)
            self.result.visited[(role, language)] += 1
            if report.status == 200 and report.title:
                titles[report.title].add(report.endpoint)
            for link in report.links:
                if self.is_ours(link) and link not in seen:
                    seen.add(link)
                    queue.append(link)
                    self._referrers.setdefault(link, url)
        # Links not visited (a list's further pages) must still lead somewhere.
        for url, endpoint in unvisited_links.items():
            status = page.request.get(url, max_redirects=0).status
            if status == 404 or status >= 500:
                problem = f"{'not found' if status == 404 else status} (linked from {self._referrers.get(url)})"
                self.result.pages.append(PageReport(url, endpoint, status, problems=[problem]))
        for title, endpoints in titles.items():
            if len(endpoints) > 1:
                problem = f"title {title!r} is shared by {sorted(endpoints)} ({role}, {language})"
                self.result.pages.append(PageReport("(several pages)", "-", 200, title, problems=[problem]))

    def check_page(self, page, url: str, endpoint: str, language: str, log, role: str = "") -> PageReport:
        log.console_errors.clear()
        response = page.goto(url)
        status = response.status if response else 0
        if page.url != url:  # redirected (a member asking for the login page lands on the dashboard)
            endpoint = self.endpoint_of(page.url)
        report = PageReport(url, endpoint, status)
        if status >= 500:
            report.problems.append(f"server error {status}")
            return report
        if status == 404:
            report.problems.append(f"not found (linked from {self._referrers.get(url, 'the URL map')})")
        # Error pages (4xx) are pages too: they are checked like the others.
        self.html.add(report, response.text())
        facts = page.evaluate(PAGE_FACTS_JS)
        report.title = facts["title"]
        report.links = [link.split("#", 1)[0] for link in facts["links"]]
        if facts["lang"] != language:
            report.problems.append(f'<html lang="{facts["lang"]}"> on a page in {language}')
        if not facts["title"] or facts["title"].startswith("·") or facts["title"] == self.app.config["SITE_NAME"]:
            report.problems.append("the page has no title of its own")
        if facts["h1"] != 1:
            report.problems.append(f"{facts['h1']} <h1> elements (one expected)")
        for text in self.catalogs.untranslated(language, facts["texts"]):
            report.problems.append(f"not in {language}: {text}")
        if facts["scrollWidth"] > facts["innerWidth"]:
            report.problems.append(
                f"scrolls sideways on a phone: {facts['scrollWidth']}px wide in a {facts['innerWidth']}px screen"
            )
        if (role, report.endpoint) not in self._axe_done:
            self._axe_done.add((role, report.endpoint))
            page.evaluate(self.axe_source)
            for violation in page.evaluate(AXE_RUN_JS):
                report.problems.append(f"accessibility: {violation}")
        if status >= 400:
            # Chromium logs the error status of the page itself; that is expected here.
            log.console_errors[:] = [e for e in log.console_errors if "the server responded with a status" not in e]
        report.problems.extend(log.problems())
        log.console_errors.clear()
        log.failed_requests.clear()
        log.foreign_requests.clear()
        return report
