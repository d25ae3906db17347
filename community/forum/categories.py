"""Forum categories: the defaults, and the administrators' pages to add, edit and reorder them."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.accounts.models import User
from community.audit.models import AuditAction
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forum.defaults import DEFAULT_CATEGORIES
from community.forum.models import Category
from community.i18n import LANGUAGES

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def can_manage_categories(user: User) -> bool:
    return user.is_authenticated and user.is_admin


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def get_category(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


CATEGORY_FIELDS = [f"{field}_{code}" for field in ("name", "description") for code in LANGUAGES]


def _snapshot(category: Category) -> dict:
    return {name: getattr(category, name) for name in ("slug", *CATEGORY_FIELDS, "is_announcements")}


def _apply_category(category: Category, slug: str, values: dict, is_announcements: bool) -> None:
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 60:
        raise ActionRefused(_l("Use only lowercase letters, digits and single hyphens."), field="slug")
    clash = db.session.scalar(select(Category.id).where(Category.slug == slug, Category.id != category.id))
    if clash is not None:
        raise ActionRefused(_l("Another category already uses this address."), field="slug")
    cleaned = {name: " ".join((values.get(name) or "").split()) for name in CATEGORY_FIELDS}
    if not any(cleaned[f"name_{code}"] for code in LANGUAGES):
        raise ActionRefused(_l("Please give the category a name in at least one language."), field="name_es")
    category.slug = slug
    for name, value in cleaned.items():
        setattr(category, name, value)
    category.is_announcements = is_announcements


def create_category(admin: User, slug: str, values: dict, is_announcements: bool = False) -> Category:
    """Add a category at the end of the list; `values` holds name_<lang> and description_<lang>. Audited."""
    if not can_manage_categories(admin):
        raise PermissionDenied
    category = Category()
    _apply_category(category, slug, values, is_announcements)
    category.position = (db.session.scalar(select(func.max(Category.position))) or 0) + 1
    db.session.add(category)
    db.session.flush()
    record_action(admin, AuditAction.CREATE_CATEGORY, target_kind="category", target_id=category.id,
                  details={"slug": category.slug})
    db.session.commit()
    return category


def update_category(admin: User, category: Category, slug: str, values: dict, is_announcements: bool) -> None:
    """Save the category's address, names, descriptions and flag; audit EDIT_CATEGORY with what changed."""
    if not can_manage_categories(admin):
        raise PermissionDenied
    before = _snapshot(category)
    _apply_category(category, slug, values, is_announcements)
    after = _snapshot(category)
    changed = [name for name in before if before[name] != after[name]]
    if changed:
        details = {"before": {name: before[name] for name in changed}, "after": {name: after[name] for name in changed}}
        record_action(admin, AuditAction.EDIT_CATEGORY, target_kind="category", target_id=category.id, details=details)
    db.session.commit()


def move_category(admin: User, category: Category, offset: int) -> None:
    """Move the category one place up (offset -1) or down (+1) in the list; audited as an edit of its position."""
    if not can_manage_categories(admin):
        raise PermissionDenied
    ordered = list_categories()
    index = ordered.index(category)
    other = index + (1 if offset > 0 else -1)
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    before = category.position
    for position, item in enumerate(ordered, start=1):
        item.position = position
    record_action(admin, AuditAction.EDIT_CATEGORY, target_kind="category", target_id=category.id,
                  details={"before": {"position": before}, "after": {"position": category.position}})
    db.session.commit()


def ensure_default_categories() -> int:
    """Create the default categories that are missing (by slug); return how many were created."""
    existing = set(db.session.scalars(select(Category.slug)))
    position = db.session.scalar(select(func.max(Category.position))) or 0
    created = 0
    for slug, names, descriptions, is_announcements in DEFAULT_CATEGORIES:
        if slug in existing:
            continue
        position += 1
        values = {f"name_{code}": name for code, name in zip(LANGUAGES, names, strict=True)}
        values |= {f"description_{code}": text for code, text in zip(LANGUAGES, descriptions, strict=True)}
        db.session.add(Category(slug=slug, position=position, is_announcements=is_announcements, **values))
        created += 1
    db.session.commit()
    return created
