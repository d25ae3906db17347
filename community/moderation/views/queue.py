"""Routes: reporting content, the review queue, a case, and the moderators' actions on content."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from community.audit.labels import action_label
from community.audit.models import AuditAction
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forms import require_one_click, show_refusal
from community.forum import services as forum
from community.i18n import current_language
from community.moderation import actions, queue, reports
from community.moderation.forms import (
    DecisionForm,
    ModeratorEditForm,
    MoveThreadForm,
    QueueFilterForm,
    ReportForm,
    parse_reason,
)
from community.moderation.models import REASON_LABELS, CannedReply, ContentKind, ReportReason
from community.moderation.views import bp
from community.notifications.services import register_target
from community.notifications.views import navigation_badge
from community.urls import safe_next_url

# Where notifications about reported threads, profiles and opportunities lead (posts, events, messages have
# theirs), and those carrying a prepared reply.
for _kind in (ContentKind.THREAD, ContentKind.PROFILE, ContentKind.OPPORTUNITY):
    register_target(*actions.NOTIFICATION_TARGETS[_kind])
register_target(actions.REPLY_TARGET, "moderation.show_reply", "entry_id")

# The content pages' buttons post to /moderation/<kinds>/<id>/<action>.
URL_KINDS = {"posts": ContentKind.POST, "threads": ContentKind.THREAD, "events": ContentKind.EVENT,
             "opportunities": ContentKind.OPPORTUNITY}  # fmt: skip
ACTIONS = ("hide", "restore", "approve", "reject", "lock", "unlock", "pin", "unpin")
# i18n: shown once a moderator's action is done.
DONE = {
    "dismiss": _l("The case is closed; the content is untouched."),
    "hide": _l("Hidden: members now see a placeholder."),
    "restore": _l("Restored: members see it again."),
    "approve": _l("Published."),
    "reject": _l("Rejected: it stays unpublished and hidden."),
    "lock": _l("The thread is locked."),
    "unlock": _l("The thread is unlocked."),
    "pin": _l("The thread is pinned."),
    "unpin": _l("The thread is no longer pinned."),
}


@bp.app_context_processor
def queue_helpers():
    return {
        "open_case_count": lambda: navigation_badge("moderation"),
        "moderation_permissions": actions.permissions_for,
        "can_report": reports.can_report,
    }


def _require_moderator() -> None:
    if not current_user.is_moderator:
        raise PermissionDenied


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


def _item_url(kind: ContentKind, target_id: int) -> str:
    _type, endpoint, argument = actions.NOTIFICATION_TARGETS[kind]
    return url_for(endpoint, **{argument: target_id})


def _refused(refusal: ActionRefused, back: str | None = None):
    db.session.rollback()
    return render_template("moderation/queue_refused.html", reason=refusal.reason, back=back), 409


def _canned(reply_id: int | None) -> CannedReply | None:
    return db.session.get(CannedReply, reply_id) if reply_id else None


def _decision(form: DecisionForm, case_id: int | None) -> actions.Decision:
    return actions.Decision(
        case_id=case_id,
        reason=form.reason.data or "",
        reply_to_reporters=_canned(form.reply_to_reporters.data),
        reply_to_author=_canned(form.reply_to_author.data),
    )


def _case_argument() -> int | None:
    """The case a moderator came from (?case= or the form's case_id), to catch stale actions."""
    value = request.values.get("case_id") or request.args.get("case")
    return int(value) if value and value.isdigit() else None


# Reporting


@bp.route("/report/<kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
def report_content(kind, target_id):
    try:
        content_kind = ContentKind(kind)
    except ValueError:
        abort(404)
    item = reports.get_reportable(current_user, content_kind, target_id)
    if item is None:
        abort(404)
    if not reports.can_report(current_user, item.author_id):
        raise PermissionDenied
    back = _item_url(content_kind, target_id)
    form = ReportForm()
    already = reports.has_reported(current_user, item)
    status = 200
    if already:
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            reports.report_content(current_user, content_kind, target_id, ReportReason(form.reason.data),
                                   form.note.data or "")  # fmt: skip
        except ActionRefused as refusal:
            show_refusal(form, refusal)
            status = 422 if refusal.field else 409
            already = not refusal.field
        else:
            flash(_("Thank you. The moderators will look at your report."), "success")
            return redirect(back)
    elif form.errors:
        status = 422
    return render_template(
        "moderation/queue_report.html", form=form, item=item, kind_label=queue.KIND_LABELS[item.kind],
        already=already, back=back,
    ), status  # fmt: skip


# The queue and its cases


@bp.route("/moderation/")
@login_required
def show_queue():
    _require_moderator()
    form = QueueFilterForm(request.args)
    kind = ContentKind(form.kind.data) if form.kind.data in {k.value for k in ContentKind} else None
    reason = parse_reason(form.reason.data)
    pagination = queue.list_open_cases(current_user, _page_argument(), kind=kind, reason=reason)
    if pagination.page > 1 and not pagination.items:
        abort(404)
    filters = {name: value.value for name, value in (("kind", kind), ("reason", reason)) if value is not None}
    return render_template("moderation/queue_list.html", pagination=pagination, form=form, filters=filters,
                           **_labels())  # fmt: skip


def _labels() -> dict:
    return {
        "kind_labels": queue.KIND_LABELS,
        "reason_labels": REASON_LABELS,
        "action_label": action_label,
        "resolution_label": lambda value: action_label(AuditAction(value)),
    }


def _case_or_404(case_id: int):
    case = queue.get_case(case_id)
    if case is None:
        abort(404)
    if not actions.can_moderate_case(current_user, case):
        raise PermissionDenied
    return case


def _render_case(case, form: DecisionForm, status: int = 200):
    entry = queue.get_entry(case)
    buttons = actions.buttons_for(current_user, entry)
    template = "moderation/queue_case.html"
    return render_template(template, entry=entry, case=case, form=form, buttons=buttons, **_labels()), status


@bp.route("/moderation/cases/<int:case_id>")
@login_required
def show_case(case_id):
    _require_moderator()
    case = _case_or_404(case_id)
    form = DecisionForm(replies=actions.list_canned_replies(), case_id=case.id)
    return _render_case(case, form)


@bp.route("/moderation/cases/<int:case_id>/decide", methods=["POST"])
@login_required
def decide_case(case_id):
    """Carry out the action whose button was pressed on the case page."""
    _require_moderator()
    case = _case_or_404(case_id)
    form = DecisionForm(replies=actions.list_canned_replies())
    action = request.form.get("action", "")
    if action != "dismiss" and action not in ACTIONS:
        abort(400)
    if not form.validate_on_submit():
        return _render_case(case, form, 422)
    decision = _decision(form, case.id)
    back = url_for("moderation.show_case", case_id=case.id)
    try:
        if action == "dismiss":
            actions.dismiss_case(current_user, case, decision)
        else:
            _carry_out(action, case.kind, case.target_id, decision)
    except ActionRefused as refusal:
        return _refused(refusal, back)
    flash(str(DONE[action]), "success")
    return redirect(url_for("moderation.show_queue"))


def _carry_out(action: str, kind: ContentKind, target_id: int, decision: actions.Decision) -> None:
    item = reports.find_item(kind, target_id)
    if item is None:
        abort(404)
    try:
        if action in ("hide", "restore", "approve", "reject"):
            getattr(actions, action)(current_user, item, decision)
        elif action in ("lock", "unlock"):
            actions.lock(current_user, item, action == "lock", decision)
        elif action in ("pin", "unpin"):
            actions.pin(current_user, item, action == "pin", decision)
    except actions.CaseMismatch:
        abort(404)
    except actions.WrongKind:  # an action this kind of content does not have (locking an event)
        abort(404)


@bp.route("/moderation/<any(posts, threads, events, opportunities):kinds>/<int:target_id>/"
          "<any(hide, restore, approve, reject, lock, unlock, pin, unpin):action>", methods=["POST"])  # fmt: skip
@login_required
def act_on_content(kinds, target_id, action):
    """The buttons of the thread, post, event and opportunity pages (and of the case page's links)."""
    _require_moderator()
    require_one_click()
    kind = URL_KINDS[kinds]
    back = safe_next_url(request.form.get("next")) or _item_url(kind, target_id)
    decision = actions.Decision(case_id=_case_argument(), reason=(request.form.get("reason") or "")[:500])
    try:
        _carry_out(action, kind, target_id, decision)
    except ActionRefused as refusal:
        return _refused(refusal, back)
    flash(str(DONE[action]), "success")
    return redirect(back)


@bp.route("/moderation/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    _require_moderator()
    item = reports.find_item(ContentKind.POST, post_id)
    if item is None:
        abort(404)
    if not actions.can_judge(current_user, item):
        raise PermissionDenied
    case_id = _case_argument()
    form = ModeratorEditForm(replies=actions.list_canned_replies())
    if request.method == "GET":
        form.body.data = item.obj.body
        form.case_id.data = case_id or ""
    elif form.validate_on_submit():
        try:
            actions.edit_post(current_user, item, form.body.data, _decision(form, case_id))
        except actions.CaseMismatch:
            abort(404)
        except ActionRefused as refusal:
            if not refusal.field:
                return _refused(refusal, _item_url(ContentKind.POST, post_id))
            show_refusal(form, refusal)
        else:
            flash(_("The post was saved. It shows that a moderator edited it."), "success")
            return redirect(_item_url(ContentKind.POST, post_id))
    return render_template(
        "moderation/queue_edit_post.html", form=form, post=item.obj, thread=item.obj.thread
    ), 422 if form.errors else 200


@bp.route("/moderation/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id):
    _require_moderator()
    item = reports.find_item(ContentKind.THREAD, thread_id)
    if item is None:
        abort(404)
    if not actions.can_act(current_user, item):
        raise PermissionDenied
    case_id = _case_argument()
    categories = forum.list_categories()
    form = MoveThreadForm(replies=actions.list_canned_replies())
    language = current_language()
    form.category.choices = [SelectChoice(category.id, category.name_in(language)[0]) for category in categories]
    if request.method == "GET":
        form.category.data = item.obj.category_id
        form.case_id.data = case_id or ""
    elif form.validate_on_submit():
        category = next(category for category in categories if category.id == form.category.data)
        try:
            actions.move(current_user, item, category, _decision(form, case_id))
        except actions.CaseMismatch:
            abort(404)
        except ActionRefused as refusal:
            if not refusal.field:
                return _refused(refusal, _item_url(ContentKind.THREAD, thread_id))
            show_refusal(form, refusal)
        else:
            flash(_("The thread was moved."), "success")
            return redirect(_item_url(ContentKind.THREAD, thread_id))
    return render_template("moderation/queue_move_thread.html", form=form, thread=item.obj), 422 if form.errors else 200


@bp.route("/account/moderation-replies/<int:entry_id>")
@login_required
def show_reply(entry_id):
    """A prepared reply of the moderators, as its recipient reads it (from a notification), in their language."""
    entry = actions.get_reply(current_user, entry_id)
    if entry is None:
        abort(404)
    bodies = entry.details.get("bodies", {})
    text = bodies.get(current_language()) or next((body for body in bodies.values() if body), "")
    kind = ContentKind(entry.target_kind)
    link = _item_url(kind, entry.target_id) if reports.find_item(kind, entry.target_id) is not None else None
    return render_template("moderation/queue_reply.html", entry=entry, text=text, link=link,
                           title=entry.details.get("title", ""), to_reporter=entry.details.get("to") == "reporters")
