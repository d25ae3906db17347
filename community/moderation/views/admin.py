"""Admin pages (admins only; moderators and members get 403): the hub, site settings, roles and coordinators'
scopes, watched words, prepared replies, and the audit log with its CSV export."""

import json
from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.models import Role, User
from community.audit.labels import action_label, target_kind_label
from community.audit.models import AuditAction
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forms import require_one_click, show_refusal
from community.forum.services import list_categories
from community.i18n import LANGUAGES
from community.moderation import admin as services
from community.moderation.admin_forms import (
    AuditFilterForm,
    CannedReplyForm,
    MemberSearchForm,
    RoleForm,
    ScopesForm,
    SettingForm,
    WatchedWordForm,
)
from community.moderation.models import CannedReply, WatchedWord, WatchedWordAction
from community.moderation.views import bp
from community.settings import get_setting
from community.types import utcnow

# Pages anywhere read the site settings through this (the layout's links, the dashboard).
bp.add_app_template_global(get_setting, "site_setting")


def admin_required(view):
    """Visitors are sent to log in; anyone but an admin gets 403."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not services.can_administer(current_user):
            raise PermissionDenied
        return view(*args, **kwargs)

    return login_required(checked)


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


@bp.route("/admin/")
@admin_required
def show_admin():
    return render_template("moderation/admin_index.html")


# Site settings


@bp.route("/admin/settings", methods=["GET", "POST"])
@admin_required
def edit_settings():
    form = SettingForm()
    if form.validate_on_submit():
        try:
            changed = services.change_setting(current_user, form.setting.data, form.value.data == "on")
        except ActionRefused as refusal:
            flash(str(refusal.reason), "danger")
        else:
            if changed:
                flash(_("The setting was saved."), "success")
            else:
                flash(_("Nothing changed: the setting already had this value."), "info")
            return redirect(url_for("moderation.edit_settings"))
    elif form.errors:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    page = render_template(
        "moderation/admin_settings.html", settings=services.list_settings(), texts=services.SETTING_TEXTS
    )
    return page, 422 if request.method == "POST" else 200


# Roles and coordinators' scopes


@bp.route("/admin/members")
@admin_required
def list_member_roles():
    form = MemberSearchForm(formdata=request.args)
    if request.args and not form.validate():
        return render_template("moderation/admin_members.html", form=form, pagination=None, scopes={}), 422
    role = Role(form.role.data) if form.role.data else None
    pagination = services.search_members(form.q.data or "", role, _page_argument())
    scopes = services.scopes_of([member.id for member in pagination.items])
    shared = {key: request.args[key] for key in ("q", "role") if request.args.get(key)}
    return render_template(
        "moderation/admin_members.html", form=form, pagination=pagination, scopes=scopes, shared=shared,
        role_labels=services.ROLE_LABELS,
    )  # fmt: skip


def _fresh_scopes_form(member: User) -> ScopesForm:
    """The scopes form filled with the moderator's scopes as they are."""
    scopes = services.scopes_of([member.id])[member.id]
    data = {"countries": scopes.countries, "categories": [str(category.id) for category in scopes.categories]}
    return ScopesForm(list_categories(), formdata=None, data=data)


def _member_page(member: User, role_form: RoleForm, scopes_form: ScopesForm, status: int = 200):
    page = render_template(
        "moderation/admin_member.html",
        member=member,
        role_form=role_form,
        scopes_form=scopes_form,
        scopes=services.scopes_of([member.id])[member.id],
        can_change=services.can_change_role(current_user, member),
        role_labels=services.ROLE_LABELS,
    )
    return page, status


@bp.route("/admin/members/<int:user_id>")
@admin_required
def show_member_role(user_id):
    member = db.get_or_404(User, user_id)
    role_form = RoleForm(formdata=None, data={"role": member.role.value})
    return _member_page(member, role_form, _fresh_scopes_form(member))


@bp.route("/admin/members/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id):
    member = db.get_or_404(User, user_id)
    if not services.can_change_role(current_user, member):
        raise PermissionDenied
    form = RoleForm()
    if form.validate_on_submit():
        if services.change_role(current_user, member, Role(form.role.data)):
            flash(_("%(name)s is now: %(role)s.", name=member.name, role=services.ROLE_LABELS[member.role]), "success")
        else:
            flash(_("Nothing changed: %(name)s already had this role.", name=member.name), "info")
        return redirect(url_for("moderation.show_member_role", user_id=member.id))
    return _member_page(member, form, _fresh_scopes_form(member), 422)


@bp.route("/admin/members/<int:user_id>/scopes", methods=["POST"])
@admin_required
def change_scopes(user_id):
    member = db.get_or_404(User, user_id)
    if not services.can_change_role(current_user, member):
        raise PermissionDenied
    form = ScopesForm(list_categories())
    role_form = RoleForm(formdata=None, data={"role": member.role.value})
    if form.validate_on_submit():
        try:
            changed = services.change_scopes(current_user, member, form.countries.data or [], form.category_ids())
        except ActionRefused as refusal:
            show_refusal(form, refusal)
            return _member_page(member, role_form, form, 422 if refusal.field else 409)
        if changed:
            flash(_("The moderator's scope was saved."), "success")
        else:
            flash(_("Nothing changed: the moderator already had this scope."), "info")
        return redirect(url_for("moderation.show_member_role", user_id=member.id))
    return _member_page(member, role_form, form, 422)


# Watched words


def _word_language() -> str:
    language = request.args.get("language") or LANGUAGES[0]
    if language not in LANGUAGES:
        abort(404)
    return language


def _watched_words_page(form: WatchedWordForm, language: str, status: int = 200):
    page = render_template(
        "moderation/admin_watched_words.html",
        form=form,
        language=language,
        counts=services.count_watched_words(),
        pagination=services.list_watched_words(language, _page_argument()),
        action_labels=services.WATCHED_WORD_ACTION_LABELS,
    )
    return page, status


@bp.route("/admin/watched-words", methods=["GET", "POST"])
@admin_required
def manage_watched_words():
    language = _word_language()
    form = WatchedWordForm(data={"language": language})
    if form.validate_on_submit():
        try:
            watched = services.add_watched_word(
                current_user, form.language.data, form.word.data, WatchedWordAction(form.action.data)
            )
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("“%(word)s” is now watched.", word=watched.word), "success")
            return redirect(url_for("moderation.manage_watched_words", language=watched.language))
    if form.language.data in LANGUAGES:
        language = form.language.data
    return _watched_words_page(form, language, 422 if form.errors else 200)


@bp.route("/admin/watched-words/<int:word_id>/remove", methods=["POST"])
@admin_required
def remove_watched_word(word_id):
    watched = db.get_or_404(WatchedWord, word_id)
    require_one_click()
    word, language = watched.word, watched.language
    services.remove_watched_word(current_user, watched)
    flash(_("“%(word)s” is no longer watched.", word=word), "info")
    return redirect(url_for("moderation.manage_watched_words", language=language))


# Prepared replies


@bp.route("/admin/canned-replies")
@admin_required
def list_canned_replies():
    return render_template("moderation/admin_canned_replies.html", replies=services.list_canned_replies())


@bp.route("/admin/canned-replies/new", methods=["GET", "POST"])
@admin_required
def new_canned_reply():
    form = CannedReplyForm()
    if form.validate_on_submit():
        try:
            services.create_canned_reply(current_user, form.name.data, form.bodies())
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The prepared reply was created."), "success")
            return redirect(url_for("moderation.list_canned_replies"))
    page = render_template("moderation/admin_canned_reply_form.html", form=form, reply=None)
    return page, 422 if form.errors else 200


@bp.route("/admin/canned-replies/<int:reply_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_canned_reply(reply_id):
    reply = db.get_or_404(CannedReply, reply_id)
    form = CannedReplyForm(obj=reply)
    if form.validate_on_submit():
        try:
            changed = services.update_canned_reply(current_user, reply, form.name.data, form.bodies())
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            if changed:
                flash(_("The prepared reply was saved."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("moderation.list_canned_replies"))
    page = render_template("moderation/admin_canned_reply_form.html", form=form, reply=reply)
    return page, 422 if form.errors else 200


@bp.route("/admin/canned-replies/<int:reply_id>/delete", methods=["POST"])
@admin_required
def delete_canned_reply(reply_id):
    reply = db.get_or_404(CannedReply, reply_id)
    require_one_click()
    name = reply.name
    services.delete_canned_reply(current_user, reply)
    flash(_("The prepared reply “%(name)s” was deleted.", name=name), "info")
    return redirect(url_for("moderation.list_canned_replies"))


# The audit log

AUDIT_PARAMETERS = ("action", "actor", "member", "date_from", "date_to")

# Where each kind of target is shown (the item's page, or its admin page).
_TARGET_PAGES = {
    "post": ("forum.show_post", "post_id"),
    "thread": ("forum.show_thread", "thread_id"),
    "event": ("events.show_event", "event_id"),
    "opportunity": ("opportunities.show_opportunity", "opportunity_id"),
    "profile": ("profiles.show_profile", "user_id"),
    "member": ("profiles.show_profile", "user_id"),
    "category": ("forum.edit_category", "category_id"),
    "expertise": ("profiles.edit_expertise_area", "area_id"),
    "institution": ("profiles.show_institution", "institution_id"),
    "canned_reply": ("moderation.edit_canned_reply", "reply_id"),
}
# Actions after which their target no longer exists.
_TARGET_GONE = {AuditAction.DELETE_CANNED_REPLY, AuditAction.REMOVE_WATCHED_WORD}


def audit_target_url(entry) -> str | None:
    """A link to what the entry is about, when it has a page and still exists."""
    page = _TARGET_PAGES.get(entry.target_kind)
    if page is None or entry.target_id is None or entry.action in _TARGET_GONE:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: entry.target_id})


def audit_details(details: dict) -> list[tuple[str, str]]:
    """The entry's details as (key, text) pairs: before and after read "before → after"."""
    def text(value) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    pairs = []
    rest = dict(details or {})
    if "before" in rest and "after" in rest:
        before, after = rest.pop("before"), rest.pop("after")
        if isinstance(before, dict) and isinstance(after, dict):
            for key in dict.fromkeys([*before, *after]):
                pairs.append((key, f"{text(before.get(key, ''))} → {text(after.get(key, ''))}"))
        else:
            pairs.append(("", f"{text(before)} → {text(after)}"))
    return [(key, text(value)) for key, value in rest.items()] + pairs


def _audit_filters():
    """The filters in the query string, or None (the form then carries the errors)."""
    form = AuditFilterForm(formdata=request.args)
    if request.args and not form.validate():
        return form, None
    filters = services.AuditFilters(
        action=AuditAction(form.action.data) if form.action.data else None,
        actor=form.actor.data or "",
        member=form.member.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        timezone=current_user.timezone or "UTC",
    )
    return form, filters


@bp.route("/admin/audit")
@admin_required
def show_audit_log():
    form, filters = _audit_filters()
    shared = {key: request.args[key] for key in AUDIT_PARAMETERS if request.args.get(key)}
    if filters is None:
        return render_template("moderation/admin_audit.html", form=form, pagination=None, shared=shared), 422
    return render_template(
        "moderation/admin_audit.html",
        form=form,
        pagination=services.list_audit_entries(filters, _page_argument()),
        shared=shared,
        action_label=action_label,
        target_kind_label=target_kind_label,
        target_url=audit_target_url,
        details_of=audit_details,
    )


@bp.route("/admin/audit.csv")
@admin_required
def export_audit_log():
    form, filters = _audit_filters()
    if filters is None:
        shared = {key: request.args[key] for key in AUDIT_PARAMETERS if request.args.get(key)}
        return render_template("moderation/admin_audit.html", form=form, pagination=None, shared=shared), 422
    filename = f"audit-log-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(services.export_audit_csv(filters)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
