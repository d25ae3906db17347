"""Routes: a member's moderation page and its actions, the members waiting for approval, a member's notices."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.services import format_until, read_only_reason
from community.audit.labels import action_label, target_kind_label
from community.errors import ActionRefused, PermissionDenied
from community.forms import require_one_click, show_refusal
from community.moderation import members as services
from community.moderation.member_forms import (
    LiftSilenceForm,
    LiftSuspensionForm,
    SilenceForm,
    SuspendForm,
    WarnForm,
)
from community.moderation.views import bp
from community.notifications.services import register_target

register_target(services.NOTICE_TARGET, "moderation.show_notice", "entry_id")

# Several forms share the member's page: each has a prefix, so that their fields keep distinct ids.
FORMS = {
    "warn": WarnForm,
    "silence": SilenceForm,
    "unsilence": LiftSilenceForm,
    "suspend": SuspendForm,
    "unsuspend": LiftSuspensionForm,
}


@bp.app_template_global()
def can_moderate_member(member) -> bool:
    """Whether the current user may act on `member` (the profile's "Moderate" link)."""
    return services.can_act_on(current_user, member)


@bp.app_template_global()
def read_only_notice():
    """What the layout's banner tells a silenced member ("read-only until ..."), or None."""
    return read_only_reason(current_user)


def _require_moderator() -> None:
    if not services.can_see_members(current_user):
        raise PermissionDenied


def _member_or_404(user_id: int):
    member = services.get_member(user_id)
    if member is None:
        abort(404)
    return member


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


def _forms(submitted: str | None = None) -> dict:
    """The page's forms; only the one submitted reads the request."""
    return {
        name: form_class(prefix=name) if name == submitted else form_class(prefix=name, formdata=None)
        for name, form_class in FORMS.items()
    }


def _render_member(member, forms: dict, status: int = 200):
    pagination = services.list_history(member, _page_argument())
    if pagination.page > 1 and not pagination.items:
        abort(404)
    page = render_template(
        "moderation/member_show.html",
        member=member,
        pagination=pagination,
        forms=forms,
        may_act=services.can_act_on(current_user, member),
        until_of=services.until_of,
        action_label=action_label,
        target_kind_label=target_kind_label,
    )
    return page, status


@bp.route("/moderation/members/<int:user_id>")
@login_required
def show_member(user_id):
    """The member's state, their moderation history and the moderator's forms."""
    _require_moderator()
    return _render_member(_member_or_404(user_id), _forms())


def _act(user_id: int, name: str, action, done):
    """Run one of the page's forms: 422 with the form's errors, 409 for a stale action, else back to the page."""
    _require_moderator()
    member = _member_or_404(user_id)
    if not services.can_act_on(current_user, member):
        raise PermissionDenied
    forms = _forms(submitted=name)
    form = forms[name]
    if not form.validate_on_submit():
        return _render_member(member, forms, 422)
    try:
        action(member, form)
    except ActionRefused as refusal:
        show_refusal(form, refusal)
        return _render_member(member, forms, 422 if refusal.field else 409)
    flash(done(member), "success")
    return redirect(url_for("moderation.show_member", user_id=member.id))


def _until_text(instant) -> str:
    return format_until(instant, current_user.timezone)


@bp.route("/moderation/members/<int:user_id>/warn", methods=["POST"])
@login_required
def warn_member(user_id):
    return _act(
        user_id, "warn",
        lambda member, form: services.warn_member(current_user, member, form.reason.data),
        lambda member: _("%(name)s has been warned.", name=member.display_name),
    )  # fmt: skip


@bp.route("/moderation/members/<int:user_id>/silence", methods=["POST"])
@login_required
def silence_member(user_id):
    return _act(
        user_id, "silence",
        lambda member, form: services.silence_member(
            current_user, member, form.end(current_user.timezone), form.reason.data
        ),
        lambda member: _("%(name)s is read-only until %(date)s.", name=member.display_name,
                         date=_until_text(member.silenced_until)),
    )  # fmt: skip


@bp.route("/moderation/members/<int:user_id>/lift-silence", methods=["POST"])
@login_required
def lift_silence(user_id):
    return _act(
        user_id, "unsilence",
        lambda member, form: services.lift_silence(current_user, member, form.reason.data),
        lambda member: _("%(name)s can write again.", name=member.display_name),
    )  # fmt: skip


@bp.route("/moderation/members/<int:user_id>/suspend", methods=["POST"])
@login_required
def suspend_member(user_id):
    return _act(
        user_id, "suspend",
        lambda member, form: services.suspend_member(
            current_user, member, form.end(current_user.timezone), form.reason.data
        ),
        lambda member: _("%(name)s is suspended until %(date)s.", name=member.display_name,
                         date=_until_text(member.suspended_until)),
    )  # fmt: skip


@bp.route("/moderation/members/<int:user_id>/lift-suspension", methods=["POST"])
@login_required
def lift_suspension(user_id):
    return _act(
        user_id, "unsuspend",
        lambda member, form: services.lift_suspension(current_user, member, form.reason.data),
        lambda member: _("%(name)s can log in again.", name=member.display_name),
    )  # fmt: skip


# Members waiting for approval (when approval mode is on)


def _render_pending(status: int = 200):
    pagination = services.list_pending_members(current_user, _page_argument())
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return render_template("moderation/member_pending.html", pagination=pagination), status


@bp.route("/members/pending")
@login_required
def list_pending_members():
    _require_moderator()
    return _render_pending()


@bp.route("/members/<int:user_id>/approve", methods=["POST"])
@login_required
def approve_member(user_id):
    # Permission first, so members cannot tell which ids exist.
    _require_moderator()
    member = _member_or_404(user_id)
    require_one_click()
    try:
        services.approve_member(current_user, member)
    except ActionRefused as refusal:
        flash(str(refusal.reason), "warning")
        return _render_pending(409)
    flash(_("%(name)s can now take part in the network.", name=member.display_name), "success")
    return redirect(url_for("moderation.list_pending_members"))


# The member's own notices


@bp.route("/account/notices/<int:entry_id>")
@login_required
def show_notice(entry_id):
    """A moderator's decision about the member's account, as the member reads it (from a notification)."""
    entry = services.get_notice(current_user, entry_id)
    if entry is None:
        abort(404)
    return render_template("moderation/member_notice.html", entry=entry, until=services.until_of(entry))
