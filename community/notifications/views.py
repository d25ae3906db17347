from flask import Blueprint, abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.forms import require_one_click
from community.notifications import services
from community.notifications.forms import EmailPreferencesForm
from community.urls import safe_next_url

bp = Blueprint("notifications", __name__, template_folder="templates")


def navigation_badge(name: str) -> int:
    """A number of the navigation (e.g. "notifications", "messages") for the member; 0 for visitors."""
    return navigation_badges().get(name, 0)


def navigation_badges() -> dict[str, int]:
    """Every number of the navigation for the member, by name; none for visitors.

    They come with the member (`load_member`); a request that has written since reads them again, in one
    query, when the layout asks.
    """
    member = current_user._get_current_object()  # each look through Flask-Login's proxy costs a little
    if not member.is_authenticated:  # a refused session's numbers may have been read with it
        return {}
    badges = g.get("navigation_badges")
    if badges is None:
        badges = g.navigation_badges = services.count_badges(member)
    return badges


def load_member(user_id: int):
    """The member of this request, with the navigation's numbers read in the same statement."""
    found = services.load_member_with_badges(user_id)
    if found is None:
        return None
    member, g.navigation_badges = found
    return member


@event.listens_for(Session, "after_commit")
def _forget_badges(_session) -> None:
    # A commit may have changed them (a notification read, a message sent): read them again if shown.
    if has_request_context():
        g.pop("navigation_badges", None)


@bp.app_context_processor
def bell():
    return {"unread_notification_count": lambda: navigation_badge("notifications")}


@bp.app_template_global()
def notification_url(notification) -> str | None:
    target = services.target_endpoint(notification)
    return url_for(target[0], **target[1]) if target else None


@bp.route("/notifications")
@login_required
def list_notifications():
    page = request.args.get("page", 1, type=int)
    pagination = services.list_notifications(current_user, page)
    if page > 1 and not pagination.items:
        abort(404)
    return render_template("notifications/list.html", pagination=pagination)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id):
    """Mark the notification read and go to what it is about."""
    notification = services.get_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    require_one_click()
    services.mark_read(notification)
    return redirect(notification_url(notification) or url_for("notifications.list_notifications"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    notification = services.get_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    require_one_click()
    services.mark_read(notification)
    return redirect(safe_next_url(request.form.get("next")) or url_for("notifications.list_notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    require_one_click()
    if services.mark_all_read(current_user):
        flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def edit_preferences():
    form = EmailPreferencesForm()
    if form.validate_on_submit():
        services.set_email_preferences(current_user, form.choices())
        flash(_("Your notification settings were saved."), "success")
        return redirect(url_for("notifications.edit_preferences"))
    if not form.is_submitted():
        saved = services.get_email_preferences(current_user)
        form.by_email.data = [topic.value for topic, by_email in saved.items() if by_email]
    return render_template("notifications/preferences.html", form=form), 422 if form.errors else 200
