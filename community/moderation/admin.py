"""Admins' services: site settings, roles and coordinators' scopes, watched words, prepared replies, the audit log.

Every change writes its audit entry (community.audit.services.record_action) before the one commit, so
the change and its entry are saved together. A change that changes nothing writes nothing.
"""

import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from community.accounts.models import Role, User
from community.audit.labels import action_label
from community.audit.models import AuditAction, AuditEntry
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forum.models import Category
from community.i18n import LANGUAGES, is_country
from community.moderation.models import CannedReply, ModeratorScope, WatchedWord, WatchedWordAction
from community.settings import SETTINGS, get_setting, set_setting

# --- who may do what ---------------------------------------------------------------------------


def can_administer(user) -> bool:
    """Only admins reach the admin pages."""
    return user.is_authenticated and user.is_admin


def _require_admin(user) -> None:
    if not can_administer(user):
        raise PermissionDenied


_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


def can_change_role(admin, member: User) -> bool:
    """Admins change the role of members and moderators; never their own, nor another admin's."""
    return (
        can_administer(admin)
        and member.id != admin.id
        and not member.is_deleted
        and _RANK[member.role] < _RANK[admin.role]
    )


# --- site settings -----------------------------------------------------------------------------

UNKNOWN_SETTING = _l("There is no such setting.")


@dataclass(frozen=True)
class SettingText:
    title: object
    when_on: object
    when_off: object


# i18n: the site settings page: each setting's title and what each of its two choices means.
SETTING_TEXTS = {
    "require_approval": SettingText(
        _l("Approval of new members"),
        _l("New members wait for a moderator's approval before they can log in."),
        _l("New members can log in as soon as they confirm their e-mail address."),
    ),
    "events_announce_moderators_only": SettingText(
        _l("Who may announce events"),
        _l("Only moderators and administrators."),
        _l("Every member."),
    ),
}


def list_settings() -> list[tuple[str, bool]]:
    """Each setting's name and its value now (the admins' choice, else the config's default)."""
    return [(name, get_setting(name)) for name in SETTINGS]


def change_setting(admin: User, name: str, value: bool) -> bool:
    """Save a site setting and audit CHANGE_SETTING with before and after.

    Returns False, writing nothing, when the setting already has this value. Raises ActionRefused
    (field "setting") for an unknown setting, PermissionDenied for anyone but an admin.
    """
    _require_admin(admin)
    if name not in SETTINGS:
        raise ActionRefused(UNKNOWN_SETTING, field="setting")
    before = get_setting(name)
    if before == bool(value):
        return False
    set_setting(name, bool(value), by=admin)
    record_action(
        admin, AuditAction.CHANGE_SETTING, target_kind="setting",
        details={"setting": name, "before": before, "after": bool(value)},
    )  # fmt: skip
    db.session.commit()
    return True


# --- roles and coordinators' scopes ------------------------------------------------------------

# i18n: members' roles.
ROLE_LABELS = {Role.MEMBER: _l("Member"), Role.MODERATOR: _l("Moderator"), Role.ADMIN: _l("Administrator")}
MEMBERS_PER_PAGE = 25


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_members(query: str = "", role: Role | None = None, page: int = 1, per_page: int = MEMBERS_PER_PAGE):
    """Members whose name, handle or e-mail contains `query`: admins, then moderators, then members, by name.

    Deleted accounts are left out. One query for the page and one for the count.
    """
    statement = select(User).where(User.deleted_at.is_(None))
    query = (query or "").strip()
    if query:
        pattern = f"%{_escape_like(query.lstrip('@'))}%"
        statement = statement.where(
            or_(
                User.display_name.ilike(pattern, escape="\\"),
                User.handle.ilike(pattern, escape="\\"),
                User.email.ilike(pattern, escape="\\"),
            )
        )
    if role is not None:
        statement = statement.where(User.role == role)
    rank = case((User.role == Role.ADMIN, 0), (User.role == Role.MODERATOR, 1), else_=2)
    statement = statement.order_by(rank, func.lower(User.display_name), User.id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


@dataclass
class Scopes:
    """A coordinator's countries (ISO codes) and forum categories; both empty: everywhere."""

    countries: list[str]
    categories: list[Category]

    def __bool__(self) -> bool:
        return bool(self.countries or self.categories)

    def as_details(self) -> dict:
        return {"countries": self.countries, "categories": [category.slug for category in self.categories]}


def scopes_of(user_ids: list[int]) -> dict[int, Scopes]:
    """Each member's scopes, for a page of members, in one query."""
    scopes = {user_id: Scopes([], []) for user_id in user_ids}
    if not user_ids:
        return scopes
    rows = db.session.execute(
        select(ModeratorScope, Category)
        .outerjoin(Category, Category.id == ModeratorScope.category_id)
        .where(ModeratorScope.user_id.in_(user_ids))
        .order_by(ModeratorScope.country, Category.position, ModeratorScope.id)
    ).all()
    for scope, category in rows:
        if scope.country:
            scopes[scope.user_id].countries.append(scope.country)
        if category is not None:
            scopes[scope.user_id].categories.append(category)
    return scopes


def change_role(admin: User, member: User, role: Role) -> bool:
    """Make `member` a member, a moderator or an admin; audit CHANGE_ROLE with before and after.

    A member who stops being a moderator loses their scopes (listed in the entry's details). Returns
    False, writing nothing, when the member already has the role. Raises PermissionDenied for one's own
    role or another admin's.
    """
    if not can_change_role(admin, member):
        raise PermissionDenied
    before = member.role
    if before is role:
        return False
    details = {"before": before.value, "after": role.value}
    if role is not Role.MODERATOR:
        scopes = scopes_of([member.id])[member.id]
        if scopes:
            details["scopes_removed"] = scopes.as_details()
            db.session.execute(delete(ModeratorScope).where(ModeratorScope.user_id == member.id))
    member.role = role
    record_action(admin, AuditAction.CHANGE_ROLE, target_kind="member", target_id=member.id, target_user=member,
                  details=details)
    db.session.commit()
    return True


def change_scopes(admin: User, moderator: User, countries: list[str], category_ids: list[int]) -> bool:
    """Limit a moderator to these countries and forum categories (none: everywhere); audit CHANGE_SCOPE.

    Returns False, writing nothing, when the scopes are already these. Raises ActionRefused for a
    member who is not a moderator (no field) or for an unknown country or category (with the field).
    """
    if not can_change_role(admin, moderator):
        raise PermissionDenied
    if moderator.role is not Role.MODERATOR:
        raise ActionRefused(_l("Only moderators can be limited to countries or categories."))
    wanted_countries = sorted(set(countries))
    if not all(is_country(code) for code in wanted_countries):
        raise ActionRefused(_l("Please choose countries from the list."), field="countries")
    wanted_ids = set(category_ids)
    categories = list(
        db.session.scalars(select(Category).where(Category.id.in_(wanted_ids)).order_by(Category.position))
    )
    if len(categories) != len(wanted_ids):
        raise ActionRefused(_l("Please choose categories from the list."), field="categories")

    before = scopes_of([moderator.id])[moderator.id]
    if before.countries == wanted_countries and {c.id for c in before.categories} == wanted_ids:
        return False
    db.session.execute(delete(ModeratorScope).where(ModeratorScope.user_id == moderator.id))
    db.session.add_all(ModeratorScope(user_id=moderator.id, country=code) for code in wanted_countries)
    db.session.add_all(ModeratorScope(user_id=moderator.id, category_id=category.id) for category in categories)
    after = Scopes(wanted_countries, categories)
    record_action(
        admin, AuditAction.CHANGE_SCOPE, target_kind="member", target_id=moderator.id, target_user=moderator,
        details={"before": before.as_details(), "after": after.as_details()},
    )  # fmt: skip
    db.session.commit()
    return True


# --- watched words -----------------------------------------------------------------------------

WORDS_PER_PAGE = 50
WORD_MAX = 100

# i18n: what happens to new content that contains a watched word.
WATCHED_WORD_ACTION_LABELS = {
    WatchedWordAction.BLOCK: _l("Refuse the text"),
    WatchedWordAction.REVIEW: _l("Hold it for a moderator's review"),
}


def normalize_word(word: str) -> str:
    """How a watched word is stored: lowercase, single spaces, no spaces around it."""
    return " ".join(unicodedata.normalize("NFC", word or "").lower().split())


def count_watched_words() -> dict[str, int]:
    """How many words each language watches (one grouped query)."""
    rows = db.session.execute(select(WatchedWord.language, func.count()).group_by(WatchedWord.language)).all()
    return {code: 0 for code in LANGUAGES} | dict(rows)


def list_watched_words(language: str, page: int = 1, per_page: int = WORDS_PER_PAGE):
    statement = select(WatchedWord).where(WatchedWord.language == language).order_by(WatchedWord.word)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def add_watched_word(admin: User, language: str, word: str, action: WatchedWordAction) -> WatchedWord:
    """Watch for `word` in new content written in `language`; audit ADD_WATCHED_WORD.

    Raises ActionRefused with the field for an unknown language, an empty or too long word, or a word
    the language already watches.
    """
    _require_admin(admin)
    if language not in LANGUAGES:
        raise ActionRefused(_l("Please choose a language from the list."), field="language")
    word = normalize_word(word)
    if not word:
        raise ActionRefused(_l("Please write a word or a phrase."), field="word")
    if len(word) > WORD_MAX:
        raise ActionRefused(_l("A watched word can have at most %(max)d characters.", max=WORD_MAX), field="word")
    already = _l("“%(word)s” is already watched in this language.", word=word)
    if db.session.scalar(select(WatchedWord.id).where(WatchedWord.language == language, WatchedWord.word == word)):
        raise ActionRefused(already, field="word")
    watched = WatchedWord(language=language, word=word, action=action, created_by_id=admin.id)
    try:
        with db.session.begin_nested():  # another admin may have added it a moment ago
            db.session.add(watched)
            db.session.flush()
    except IntegrityError as error:
        raise ActionRefused(already, field="word") from error
    record_action(
        admin, AuditAction.ADD_WATCHED_WORD, target_kind="watched_word", target_id=watched.id,
        details={"language": language, "word": word, "action": action.value},
    )  # fmt: skip
    db.session.commit()
    return watched


def remove_watched_word(admin: User, watched: WatchedWord) -> None:
    """Stop watching for a word; audit REMOVE_WATCHED_WORD (the entry keeps the word)."""
    _require_admin(admin)
    record_action(
        admin, AuditAction.REMOVE_WATCHED_WORD, target_kind="watched_word", target_id=watched.id,
        details={"language": watched.language, "word": watched.word, "action": watched.action.value},
    )  # fmt: skip
    db.session.delete(watched)
    db.session.commit()


# --- prepared (canned) replies -----------------------------------------------------------------

REPLY_NAME_MAX = 80
REPLY_BODY_MAX = 5000
# i18n: a prepared reply must be written in the three languages.
MISSING_BODY = {
    "es": _l("Please write the reply in Spanish."),
    "pt": _l("Please write the reply in Portuguese."),
    "en": _l("Please write the reply in English."),
}


def list_canned_replies() -> list[CannedReply]:
    return list(db.session.scalars(select(CannedReply).order_by(CannedReply.position, CannedReply.id)))


def _clean_reply(name: str, bodies: dict[str, str]) -> dict[str, str]:
    values = {"name": " ".join((name or "").split())}
    if not values["name"]:
        raise ActionRefused(_l("Please give the reply a name."), field="name")
    if len(values["name"]) > REPLY_NAME_MAX:
        raise ActionRefused(_l("The name can have at most %(max)d characters.", max=REPLY_NAME_MAX), field="name")
    for code in LANGUAGES:
        body = (bodies.get(code) or "").strip()
        if not body:
            raise ActionRefused(MISSING_BODY[code], field=f"body_{code}")
        if len(body) > REPLY_BODY_MAX:
            raise ActionRefused(
                _l("The text can have at most %(max)d characters.", max=REPLY_BODY_MAX), field=f"body_{code}"
            )
        values[f"body_{code}"] = body
    return values


def create_canned_reply(admin: User, name: str, bodies: dict[str, str]) -> CannedReply:
    """Add a prepared reply at the end of the list; `bodies` maps es, pt and en to its text in each.

    Every language is required: raises ActionRefused with the field of the first one missing.
    """
    _require_admin(admin)
    values = _clean_reply(name, bodies)
    position = (db.session.scalar(select(func.max(CannedReply.position))) or 0) + 1
    reply = CannedReply(position=position, **values)
    db.session.add(reply)
    db.session.flush()
    record_action(admin, AuditAction.CREATE_CANNED_REPLY, target_kind="canned_reply", target_id=reply.id,
                  details={"name": reply.name})
    db.session.commit()
    return reply


def update_canned_reply(admin: User, reply: CannedReply, name: str, bodies: dict[str, str]) -> bool:
    """Save a prepared reply's new name and texts; audit EDIT_CANNED_REPLY with what changed.

    Returns False, writing nothing, when nothing changed; refuses as create_canned_reply does.
    """
    _require_admin(admin)
    values = _clean_reply(name, bodies)
    before = {key: getattr(reply, key) for key, value in values.items() if getattr(reply, key) != value}
    if not before:
        return False
    after = {key: values[key] for key in before}
    for key, value in after.items():
        setattr(reply, key, value)
    record_action(
        admin, AuditAction.EDIT_CANNED_REPLY, target_kind="canned_reply", target_id=reply.id,
        details={"name": reply.name, "before": before, "after": after},
    )  # fmt: skip
    db.session.commit()
    return True


def delete_canned_reply(admin: User, reply: CannedReply) -> None:
    """Delete a prepared reply; the audit entry keeps its name and texts."""
    _require_admin(admin)
    record_action(
        admin, AuditAction.DELETE_CANNED_REPLY, target_kind="canned_reply", target_id=reply.id,
        details={"name": reply.name, **{f"body_{code}": getattr(reply, f"body_{code}") for code in LANGUAGES}},
    )  # fmt: skip
    db.session.delete(reply)
    db.session.commit()


# --- the audit log -----------------------------------------------------------------------------

ENTRIES_PER_PAGE = 50


def normalize_handle(text: str) -> str:
    return (text or "").strip().lstrip("@").lower()


@dataclass
class AuditFilters:
    """What the audit log page asks for: empty fields filter nothing. Dates are days in `timezone`."""

    action: AuditAction | None = None
    actor: str = ""  # a handle
    member: str = ""  # the handle of the member the action was about
    date_from: date | None = None
    date_to: date | None = None  # included
    timezone: str = "UTC"


def _start_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def _audit_statement(filters: AuditFilters):
    actor, member = aliased(User), aliased(User)
    statement = select(AuditEntry)
    if filters.action is not None:
        statement = statement.where(AuditEntry.action == filters.action)
    if normalize_handle(filters.actor):
        statement = statement.join(actor, actor.id == AuditEntry.actor_id).where(
            actor.handle == normalize_handle(filters.actor)
        )
    if normalize_handle(filters.member):
        statement = statement.join(member, member.id == AuditEntry.target_user_id).where(
            member.handle == normalize_handle(filters.member)
        )
    if filters.date_from is not None:
        statement = statement.where(AuditEntry.created_at >= _start_of(filters.date_from, filters.timezone))
    if filters.date_to is not None:
        next_day = filters.date_to + timedelta(days=1)
        statement = statement.where(AuditEntry.created_at < _start_of(next_day, filters.timezone))
    return statement.options(joinedload(AuditEntry.actor), joinedload(AuditEntry.target_user)).order_by(
        AuditEntry.created_at.desc(), AuditEntry.id.desc()
    )


def list_audit_entries(filters: AuditFilters, page: int = 1, per_page: int = ENTRIES_PER_PAGE):
    """A page of entries, newest first, with who acted and whom it was about (two queries in all)."""
    return db.paginate(_audit_statement(filters), page=page, per_page=per_page, error_out=False)


def _spreadsheet_safe(text: str) -> str:
    """Keep a reason or a name from being read as a formula when the CSV is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def export_audit_csv(filters: AuditFilters, batch: int = 500) -> Iterator[str]:
    """The filtered entries as CSV, newest first, chunk by chunk (for a streamed response).

    UTF-8 with a byte-order mark so spreadsheets keep the accents; dates in ISO 8601, UTC. The header
    is in the current language, the action both as its code and as its label.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # i18n: the columns of the audit log's CSV export.
    writer.writerow([str(label) for label in (
        _l("Entry"), _l("Date (UTC)"), _l("Action code"), _l("Action"), _l("By (handle)"), _l("By"),
        _l("Target kind"), _l("Target ID"), _l("Member (handle)"), _l("Member"), _l("Reason"), _l("Details"),
    )])  # fmt: skip
    yield "\ufeff" + flush()
    result = db.session.scalars(_audit_statement(filters).execution_options(yield_per=batch))
    for entries in result.partitions():
        for entry in entries:
            actor, member = entry.actor, entry.target_user
            details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else ""
            writer.writerow([
                entry.id,
                _iso_utc(entry.created_at),
                entry.action.value,
                str(action_label(entry.action)),
                actor.handle if actor else "",
                _spreadsheet_safe(str(actor.name)) if actor else "",
                entry.target_kind,
                "" if entry.target_id is None else entry.target_id,
                member.handle if member else "",
                _spreadsheet_safe(str(member.name)) if member else "",
                _spreadsheet_safe(entry.reason),
                _spreadsheet_safe(details),
            ])  # fmt: skip
        yield flush()
