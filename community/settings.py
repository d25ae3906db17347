"""Site settings that admins change at run time: kept in the database, with the config as default."""

from datetime import datetime

from flask import current_app, g
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.types import UTCDateTime, utcnow


class SiteSetting(db.Model):
    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# name → the config key that gives its default. Every value is a yes/no for now.
SETTINGS = {
    "require_approval": "REQUIRE_APPROVAL",
    "events_announce_moderators_only": "EVENTS_ANNOUNCE_MODERATORS_ONLY",
}


def _stored() -> dict[str, str]:
    # Read once per request (or app context): settings change rarely and pages may ask several times.
    if "site_settings" not in g:
        g.site_settings = dict(db.session.execute(select(SiteSetting.name, SiteSetting.value)).all())
    return g.site_settings


def get_setting(name: str) -> bool:
    """The setting's value: the admins' choice if one was saved, else the config's default."""
    stored = _stored().get(name)
    if stored is None:
        return bool(current_app.config[SETTINGS[name]])
    return stored == "1"


def set_setting(name: str, value: bool, by=None) -> None:
    """Save an admin's choice. Only flushes: the caller commits (and writes the audit entry)."""
    if name not in SETTINGS:
        raise KeyError(name)
    row = db.session.get(SiteSetting, name)
    if row is None:
        row = SiteSetting(name=name, value="")
        db.session.add(row)
    row.value = "1" if value else "0"
    row.updated_by_id = by.id if by is not None else None
    db.session.flush()
    g.pop("site_settings", None)
