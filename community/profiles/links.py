"""Checking and tidying the links members put on their profiles: website, LinkedIn, ORCID iD."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from stdnum.iso7064 import mod_11_2

_ORCID_PREFIX = re.compile(r"^(https?://)?(www\.)?orcid\.org/", re.IGNORECASE)
_ORCID_DIGITS = re.compile(r"^\d{15}[\dX]$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_orcid(raw: str) -> str:
    """An ORCID iD as 0000-0002-1825-0097, from that form, without dashes or as an orcid.org link.

    Raises ValueError when the format or the ISO 7064 MOD 11-2 check character is wrong.
    """
    compact = _ORCID_PREFIX.sub("", raw.strip()).replace("-", "").replace(" ", "").upper()
    if not _ORCID_DIGITS.match(compact):
        raise ValueError("not 16 characters of the ORCID format")
    if not mod_11_2.is_valid(compact):
        raise ValueError("wrong check character")
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def normalize_url(raw: str) -> str:
    """An http(s) address, https:// added when the member left the scheme out; ValueError if it is none."""
    value = raw.strip()
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not _HOST.match(host) or any(c.isspace() for c in value):
        raise ValueError("not a web address")
    return value


def normalize_linkedin(raw: str) -> str:
    """A LinkedIn profile address (linkedin.com or a country subdomain of it); ValueError otherwise."""
    value = normalize_url(raw)
    host = urlsplit(value).hostname or ""
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        raise ValueError("not a LinkedIn address")
    return value


def normalize_domain(raw: str) -> str:
    """An e-mail domain such as unam.mx, lower-cased, from "unam.mx" or "@unam.mx"; ValueError otherwise."""
    value = raw.strip().lower().lstrip("@")
    if not _HOST.match(value):
        raise ValueError("not a domain")
    return value


def email_domain_candidates(email: str) -> list[str]:
    """The domain of an address and its parents: a@mail.unam.mx → mail.unam.mx, unam.mx (not mx)."""
    domain = email.rpartition("@")[2].lower()
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# i18n: errors shown beside the link fields of the profile form.
WEBSITE_INVALID = _l("Please enter a web address such as https://example.org.")
LINKEDIN_INVALID = _l("Please enter the address of your LinkedIn profile, such as https://www.linkedin.com/in/your-name.")
ORCID_INVALID = _l("This is not a valid ORCID iD. It looks like 0000-0002-1825-0097; please check every digit.")
DOMAIN_INVALID = _l("Please enter a domain such as unam.mx.")
