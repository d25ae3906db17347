from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused
from community.extensions import db, limiter
from community.forms import require_one_click, show_refusal
from community.messages import services
from community.messages.forms import NewConversationForm, ReplyForm
from community.notifications.services import register_target
from community.notifications.views import navigation_badge
from community.urls import safe_next_url

bp = Blueprint("messages", __name__, template_folder="templates", url_prefix="/messages")

register_target(services.NOTIFICATION_TARGET, "messages.show_message", "message_id")
from community.messages import notification_emails  # noqa: E402, F401 - messages in notification e-mails


def _sender_key() -> str:
    # Per member, wherever they write from; visitors never get past login_required anyway.
    return f"member:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# Starting conversations and replying share one budget; reading stays free.
send_limited = limiter.shared_limit(
    lambda: current_app.config["MESSAGES_SEND_RATE_LIMIT"], scope="messages-send", key_func=_sender_key,
    methods=["POST"],
)  # fmt: skip


@bp.app_context_processor
def messages_helpers():
    # Read with the bell's count, in the one query of the navigation's numbers.
    return {"unread_message_count": lambda: navigation_badge("messages"), "messaging": services}


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


def _participation_or_404(conversation_id: int):
    participation = services.get_participation(current_user, conversation_id)
    if participation is None:
        abort(404)  # never 403: whether a conversation exists is nobody else's business
    return participation


def _member_or_404(user_id: int):
    member = services.get_member(user_id)
    if member is None:
        abort(404)
    return member


# The inbox


@bp.route("/")
@login_required
def list_conversations():
    return _conversation_list(archived=False)


@bp.route("/archived")
@login_required
def list_archived():
    return _conversation_list(archived=True)


def _conversation_list(archived: bool):
    pagination = services.list_conversations(current_user, _page_argument(), archived=archived)
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return render_template("messages/inbox.html", pagination=pagination, archived=archived)


# A conversation


def _render_conversation(participation, form, page: int | None = None, status: int = 200):
    conversation = participation.conversation
    if page is None:
        page = services.opening_page(conversation, participation)
    if page > services.page_count(conversation, participation):
        abort(404)
    read_before = participation.last_read_number
    services.mark_page_read(current_user, conversation, participation, page)
    participants = services.list_participants(conversation)
    refusal = services.reply_refusal(current_user, conversation, participation, participants)
    return render_template(
        "messages/conversation.html",
        conversation=conversation,
        participation=participation,
        participants=participants,
        pagination=services.get_messages_page(conversation, participation, page),
        read_before=read_before,
        refusal=refusal,
        form=form if refusal is None else None,
    ), status


@bp.route("/<int:conversation_id>")
@login_required
def show_conversation(conversation_id):
    participation = _participation_or_404(conversation_id)
    page = _page_argument() if "page" in request.args else None
    return _render_conversation(participation, ReplyForm(), page)


@bp.route("/<int:conversation_id>/reply", methods=["POST"])
@login_required
@send_limited
def reply(conversation_id):
    participation = _participation_or_404(conversation_id)
    refuse_if_silenced(current_user)
    conversation = participation.conversation
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            message = services.reply(current_user, conversation, form.body.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your reply was sent."), "success")
            return redirect(url_for("messages.show_message", message_id=message.id))
    # Shown on the last page, where the reply would have gone.
    return _render_conversation(participation, form, services.page_count(conversation, participation), 422)


@bp.route("/m/<int:message_id>")
@login_required
def show_message(message_id):
    """Go to the message on its page of the conversation (links from notifications, and later reports)."""
    found = services.get_message_for(current_user, message_id)
    if found is None:
        abort(404)
    message, _participation = found
    return redirect(
        url_for(
            "messages.show_conversation",
            conversation_id=message.conversation_id,
            page=services.page_of(message.number),
            _anchor=f"message-{message.id}",
        )
    )


@bp.route("/<int:conversation_id>/archive", methods=["POST"])
@login_required
def archive_conversation(conversation_id):
    participation = _participation_or_404(conversation_id)
    require_one_click()
    archived = request.form.get("archive") != "0"
    services.set_archived(current_user, participation, archived)
    if archived:
        flash(_("The conversation was archived. It comes back to your inbox when someone writes in it."), "success")
        return redirect(url_for("messages.list_conversations"))
    flash(_("The conversation is back in your inbox."), "success")
    return redirect(url_for("messages.show_conversation", conversation_id=conversation_id))


@bp.route("/<int:conversation_id>/leave", methods=["POST"])
@login_required
def leave_conversation(conversation_id):
    participation = _participation_or_404(conversation_id)
    require_one_click()
    try:
        services.leave_conversation(current_user, participation)
    except ActionRefused as refusal:
        flash(str(refusal.reason), "danger")
        return redirect(url_for("messages.show_conversation", conversation_id=conversation_id))
    flash(_("You left the conversation. You can still read what was written before."), "success")
    return redirect(url_for("messages.list_conversations"))


# Starting a conversation


@bp.route("/new", methods=["GET", "POST"])
@login_required
@send_limited
def new_conversation():
    refuse_if_silenced(current_user)
    form = NewConversationForm()
    if request.method == "GET" and request.args.getlist("to"):
        # "Send message" on a profile: the address names the member by id.
        ids = request.args.getlist("to", type=int)
        if len(ids) != len(request.args.getlist("to")) or len(ids) >= services.MAX_PARTICIPANTS:
            abort(400)
        form.recipients.data = ", ".join(f"@{_member_or_404(user_id).handle}" for user_id in dict.fromkeys(ids))
    status = 200
    if form.validate_on_submit():
        try:
            recipients = services.find_recipients(form.recipients.data)
            conversation = services.start_conversation(current_user, recipients, form.subject.data, form.body.data)
        except services.DailyLimitReached as refusal:
            show_refusal(form, refusal)
            status = 429
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your message was sent."), "success")
            return redirect(url_for("messages.show_conversation", conversation_id=conversation.id))
    if form.errors and status == 200:
        status = 422
    return render_template("messages/new.html", form=form, can_send=services.can_send_messages(current_user)), status


# Blocking


@bp.route("/blocked")
@login_required
def list_blocked():
    pagination = services.list_blocked(current_user, _page_argument())
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return render_template("messages/blocked.html", pagination=pagination)


def _back(default: str) -> str:
    return safe_next_url(request.form.get("next")) or default


@bp.route("/block/<int:user_id>", methods=["POST"])
@login_required
def block_member(user_id):
    member = _member_or_404(user_id)
    require_one_click()
    back = _back(url_for("profiles.show_profile", user_id=member.id))
    try:
        services.block_member(current_user, member)
    except ActionRefused as refusal:
        flash(str(refusal.reason), "danger")
        return redirect(back)
    flash(_("You blocked %(name)s: they can no longer send you messages.", name=member.name), "success")
    return redirect(back)


@bp.route("/unblock/<int:user_id>", methods=["POST"])
@login_required
def unblock_member(user_id):
    member = db.get_or_404(User, user_id)  # also a member who has left the network since
    require_one_click()
    services.unblock_member(current_user, member)
    flash(_("You unblocked %(name)s.", name=member.name), "success")
    return redirect(_back(url_for("messages.list_blocked")))
