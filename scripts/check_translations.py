"""Fail when a string of the code is missing, untranslated or fuzzy in the es or pt catalog.

It extracts the strings straight from the source (as `make translations` does), so a string added
to the code without running `make translations` is caught too.
"""

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG_LANGUAGES = ("es", "pt")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [
    ("community/**.py", "python"),
    ("community/**/templates/**.html", "jinja2"),
    ("community/**/templates/**.txt", "jinja2"),
]
OPTIONS = {
    "community/**/templates/**.html": {"trimmed": "true"},
    "community/**/templates/**.txt": {"trimmed": "true"},
}


def source_msgids() -> dict[str, str]:
    """Every msgid in the code, with one place it comes from."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def problems(language: str, wanted: dict[str, str]) -> list[str]:
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return [f"{path.relative_to(ROOT)} is missing"]
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for msgid, where in sorted(wanted.items(), key=lambda item: item[1]):
        entry = catalog.get(msgid)
        if entry is None:
            found.append(f"{language}: not in the catalog ({where}): {msgid!r}")
        elif entry.fuzzy:
            found.append(f"{language}: fuzzy ({where}): {msgid!r}")
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            found.append(f"{language}: untranslated ({where}): {msgid!r}")
    return found


def main() -> int:
    wanted = source_msgids()
    found = [problem for language in CATALOG_LANGUAGES for problem in problems(language, wanted)]
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} translation problems; run `make translations` and translate the new entries.")
        return 1
    print(f"Translations complete: {len(wanted)} strings in {', '.join(CATALOG_LANGUAGES)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
