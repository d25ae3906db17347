from functools import partial
from typing import NamedTuple

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forms import require_one_click, show_refusal
from community.forum import feeds, services
from community.forum.forms import CategoryForm, EditPostForm, NewThreadForm, ReplyForm
from community.forum.models import Category
from community.i18n import LANGUAGES, current_language
from community.notifications.services import register_target
from community.notifications.views import navigation_badge
from community.page_cache import (
    cached_for_visitors,
    cached_for_visitors_and_members,
    kept_piece,
    personal_part,
    shared_with_members,
)

bp = Blueprint("forum", __name__, template_folder="templates", url_prefix="/forum")

register_target(services.NOTIFICATION_TARGET, "forum.show_post", "post_id")
from community.forum import notification_emails  # noqa: E402, F401 - posts in notification e-mails


@bp.app_context_processor
def forum_helpers():
    return {
        "forum": services,  # the can_* predicates, for buttons
        "latest_forum_threads": lambda limit=5: services.list_latest_threads(current_user._get_current_object(), limit),
    }


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


def _category_or_404(slug: str) -> Category:
    category = services.get_category(slug)
    if category is None:
        abort(404)
    return category


def _thread_or_404(thread_id: int):
    """The thread, if the member may see it: a hidden thread, or another member's awaiting review, is a 404."""
    thread = services.get_thread(thread_id)
    if thread is None or not services.can_see_thread(current_user, thread):
        abort(404)
    return thread


def _post_or_404(post_id: int):
    post = services.get_post(post_id)
    if post is None or not services.can_see_thread(current_user, post.thread):
        abort(404)
    if not services.can_see_post(current_user, post):
        abort(404)
    return post


def _flash_held(item_awaits_review: bool, published) -> None:
    if item_awaits_review:
        flash(_("Your post will appear once a moderator has reviewed it."), "info")
    else:
        flash(published, "success")


def _list_filters():
    """The ?lang= and ?tag= filters of a thread list; unknown values are a 404, not an empty list."""
    language = request.args.get("lang") or None
    if language is not None and language not in LANGUAGES:
        abort(404)
    tag = None
    if request.args.get("tag"):
        tag = services.get_tag(request.args["tag"])
        if tag is None:
            abort(404)
    return language, tag


def _filter_args(language, tag) -> dict:
    return {key: value for key, value in (("lang", language), ("tag", tag.name if tag else None)) if value}


# Reading


@bp.route("/")
@cached_for_visitors
def index():
    return render_template("forum/index.html", categories=services.list_categories())


@bp.route("/latest")
@cached_for_visitors
def latest_threads():
    language, tag = _list_filters()
    pagination = services.list_threads(current_user, _page_argument(), language=language, tag=tag)
    if pagination.page > pagination.pages:
        abort(404)
    return render_template(
        "forum/latest.html", pagination=pagination, language=language, tag=tag, filters=_filter_args(language, tag)
    )


def _thread_list_audience() -> str | None:
    """Members share a thread list with those who read the same languages; one whose own thread awaits
    review sees it there, and gets their lists afresh."""
    if services.has_threads_awaiting_review(current_user):
        return None
    return ",".join(current_user.reading_languages)


@personal_part("thread-unread")
def _unread_markers(thread_ids: list[int]) -> dict[int, str]:
    marker = get_template_attribute("forum/_marks.html", "unread_marker")
    never_read = marker(0, 1, None)  # the same for every thread the member never opened: rendered once
    return {
        thread_id: never_read if read is None else marker(thread_id, posts, read)
        for thread_id, posts, read in services.read_positions(current_user, thread_ids)
    }


@personal_part("category-watch")
def _watch_forms(category_ids: list[int]) -> dict[int, str]:
    form = get_template_attribute("forum/_marks.html", "watch_category_form")
    forms = {}
    for category_id, slug, watching in services.watching_categories(current_user, category_ids):
        forms[category_id] = kept_piece(("category-watch", slug, watching), partial(form, slug, watching))
    return forms


@bp.route("/c/<slug>")
@cached_for_visitors_and_members(audience=_thread_list_audience)
def show_category(slug):
    category = _category_or_404(slug)
    language, tag = _list_filters()
    pagination = services.list_threads(current_user, _page_argument(), category=category, language=language, tag=tag)
    if pagination.page > pagination.pages:
        abort(404)
    return render_template(
        "forum/category.html",
        category=category,
        pagination=pagination,
        language=language,
        tag=tag,
        filters=_filter_args(language, tag),
        watching=services.is_watching_category(current_user, category),
    )


class ThreadReading(NamedTuple):
    """How far the member had read the thread they are reading, for the marks of a shared thread page."""

    thread_id: int
    post_count: int
    read_before: int
    watching: bool


@bp.route("/t/<int:thread_id>")
@cached_for_visitors
def show_thread(thread_id):
    if not current_user.is_authenticated:
        thread = services.get_thread_to_show(thread_id)
        if thread is None or not services.can_see_thread(current_user, thread):
            abort(404)
        return _render_thread(thread, _page_within(thread), read_before=0, watching=False)
    # A member most often gets a copy of the page kept for members: the thread's head decides which, and
    # the whole thread is read only to render a page afresh.
    head = services.get_thread_head(current_user, thread_id)
    if head is None or not services.can_see_thread(current_user, head):
        abort(404)  # a hidden thread is a 404 for all but moderators, as is one awaiting review but for its author
    page = _page_within(head)
    g.thread_reading = ThreadReading(head.id, head.post_count, head.read_before, head.watching)
    response = shared_with_members(
        lambda: _render_thread(_thread_to_show(head.id), page, head.read_before, head.watching),
        audience=lambda: _thread_page_audience(head, page),
    )
    # Recorded once the page is rendered: the commit would expire the objects it shows. The layout has
    # read the bell's number by then.
    services.mark_page_read(
        current_user, head, page, read_before=head.read_before,
        has_unread_notifications=navigation_badge("notifications") > 0,
    )  # fmt: skip
    return response


def _page_within(thread) -> int:
    page = _page_argument()
    if page > services.page_of(thread.post_count):
        abort(404)
    return page


def _thread_to_show(thread_id: int):
    thread = services.get_thread_to_show(thread_id)
    if thread is None:  # removed since its head was read
        abort(404)
    return thread


def _render_thread(thread, page: int, read_before: int, watching: bool) -> str:
    pagination = services.get_thread_page(thread, page)
    form = ReplyForm() if services.can_reply(current_user, thread) else None
    return render_template(
        "forum/thread.html",
        thread=thread,
        pagination=pagination,
        read_before=read_before,
        helpful=_marks_on_page(thread, page).helpful,
        watching=watching,
        form=form,
    )


def _marks_on_page(thread, page: int) -> services.PageMarks:
    """The member's marks on this page of the thread, read once per request: the shared page's audience,
    its helpful buttons and a page rendered afresh all need them."""
    if "thread_page_marks" not in g:
        g.thread_page_marks = services.marks_on_page(current_user, thread, page)
    return g.thread_page_marks


def _thread_page_audience(thread, page: int) -> str | None:
    """Members share a page of a thread as long as it has no new post and they wrote none of its posts
    (theirs have edit and delete buttons, and may await review); the number of posts is in the key, so
    a new reply shows at once, and the read marker never passes what the member was shown."""
    if _marks_on_page(thread, page).wrote_any:
        return None
    return f"{thread.post_count}:{int(thread.is_locked)}"


@personal_part("thread-reading")
def _reading_controls(thread_ids: list[int]) -> dict[int, str]:
    reading = g.thread_reading
    controls = get_template_attribute("forum/_marks.html", "reading_controls")
    # The controls show a link to the first unread post or not, and a button to watch or stop watching.
    unread, watching = reading.read_before < reading.post_count, reading.watching
    key = ("thread-reading", reading.thread_id, unread, watching)
    return {reading.thread_id: kept_piece(key, partial(controls, *reading))}


# The two marks below depend on one yes or no each: each is rendered twice at most, not once per post.


@personal_part("post-new")
def _new_post_markers(numbers: list[int]) -> dict[int, str]:
    marker = get_template_attribute("forum/_marks.html", "new_post_marker")
    read_before = g.thread_reading.read_before
    new, old = marker(read_before + 1, read_before), marker(read_before, read_before)
    return {number: new if number > read_before else old for number in numbers}


@personal_part("post-helpful")
def _helpful_buttons(post_ids: list[int]) -> dict[int, str]:
    tag = get_template_attribute("forum/_marks.html", "helpful_button_tag")
    # The slots are those of the page whose audience was just asked, so its marks are already read.
    marks = g.get("thread_page_marks")
    helpful = marks.helpful if marks is not None else services.helpful_among(current_user, post_ids)
    pressed, not_pressed = tag(True), tag(False)
    return {post_id: pressed if post_id in helpful else not_pressed for post_id in post_ids}


@bp.route("/t/<int:thread_id>/unread")
@login_required
def first_unread(thread_id):
    """Go to the first post the member has not read yet."""
    thread = _thread_or_404(thread_id)
    number = services.first_unread_number(current_user, thread)
    return redirect(
        url_for("forum.show_thread", thread_id=thread.id, page=services.page_of(number), _anchor=f"post-{number}")
    )


@bp.route("/posts/<int:post_id>")
def show_post(post_id):
    post = _post_or_404(post_id)
    return redirect(
        url_for(
            "forum.show_thread",
            thread_id=post.thread_id,
            page=services.page_of(post.number),
            _anchor=f"post-{post.number}",
        )
    )


@bp.route("/posts/<int:post_id>/history")
def post_history(post_id):
    post = _post_or_404(post_id)
    if post.is_deleted or not services.can_read_post(current_user, post):
        abort(404)
    return render_template("forum/history.html", post=post, thread=post.thread, revisions=services.list_revisions(post))


# Writing


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug):
    category = _category_or_404(slug)
    refuse_if_silenced(current_user)
    if not services.can_start_thread(current_user, category):
        raise PermissionDenied
    form = NewThreadForm()
    if request.method == "GET":
        form.language.data = current_user.locale
    if form.validate_on_submit():
        try:
            thread = services.start_thread(
                current_user, category, form.title.data, form.body.data, form.language.data, form.tags.data or ""
            )
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            _flash_held(thread.awaiting_review, _("Your thread was started."))
            return redirect(url_for("forum.show_thread", thread_id=thread.id))
    return render_template("forum/new_thread.html", category=category, form=form), 422 if form.errors else 200


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(thread_id):
    thread = _thread_or_404(thread_id)
    refuse_if_silenced(current_user)
    if not services.can_reply(current_user, thread):
        reason = services.CLOSED_FOR_REVIEW if services.is_held_or_hidden(thread) else services.LOCKED
        return render_template("forum/refused.html", thread=thread, reason=reason), 403
    form = ReplyForm()
    quoted = request.args.get("quote", type=int)
    if request.method == "GET" and quoted is not None:
        post = services.get_post(quoted)
        if post is None or post.thread_id != thread.id or post.is_deleted:
            abort(404)
        if not services.can_read_post(current_user, post):
            abort(404)
        form.body.data = services.quote(post, str(post.author.name))
    if form.validate_on_submit():
        try:
            post = services.reply_to_thread(current_user, thread, form.body.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            _flash_held(post.awaiting_review, _("Your reply was posted."))
            return redirect(url_for("forum.show_post", post_id=post.id))
    return render_template("forum/reply.html", thread=thread, form=form), 422 if form.errors else 200


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = _post_or_404(post_id)
    refuse_if_silenced(current_user)
    if not services.can_edit_post(current_user, post):
        raise PermissionDenied
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            _flash_held(post.awaiting_review, _("Your post was saved."))
            return redirect(url_for("forum.show_post", post_id=post.id))
    return render_template(
        "forum/edit_post.html", post=post, thread=post.thread, form=form
    ), 422 if form.errors else 200


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id):
    post = _post_or_404(post_id)
    require_one_click()
    services.delete_post(current_user, post)
    flash(_("Your post was deleted."), "success")
    return redirect(url_for("forum.show_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/helpful", methods=["POST"])
@login_required
def mark_helpful(post_id):
    post = _post_or_404(post_id)
    require_one_click()
    services.toggle_helpful(current_user, post)
    return redirect(url_for("forum.show_post", post_id=post.id))


@bp.route("/t/<int:thread_id>/watch", methods=["POST"])
@login_required
def watch_thread(thread_id):
    thread = _thread_or_404(thread_id)
    require_one_click()
    if request.form.get("watch") == "0":
        services.unwatch_thread(current_user, thread)
        flash(_("You no longer watch this thread."), "info")
    else:
        services.watch_thread(current_user, thread)
        flash(_("You watch this thread: new replies appear in your notifications."), "success")
    return redirect(url_for("forum.show_thread", thread_id=thread.id))


@bp.route("/c/<slug>/watch", methods=["POST"])
@login_required
def watch_category(slug):
    category = _category_or_404(slug)
    require_one_click()
    if request.form.get("watch") == "0":
        services.unwatch_category(current_user, category)
        flash(_("You no longer watch this category."), "info")
    else:
        services.watch_category(current_user, category)
        flash(_("You watch this category: new threads and replies appear in your notifications."), "success")
    return redirect(url_for("forum.show_category", slug=category.slug))


# Feeds


def _atom(body: bytes) -> Response:
    return Response(body, mimetype="application/atom+xml")


def _thread_url(thread) -> str:
    return url_for("forum.show_thread", thread_id=thread.id, _external=True)


@bp.route("/feed.atom")
def latest_feed():
    return _atom(
        feeds.build_atom_feed(
            feed_id=url_for("forum.latest_threads", _external=True),
            title=_("%(site)s forum: latest threads", site=_site_name()),
            subtitle=_("New threads in every category of the forum."),
            page_url=url_for("forum.latest_threads", _external=True),
            feed_url=url_for("forum.latest_feed", _external=True),
            language=current_language(),
            threads=services.list_threads_for_feed(),
            thread_url=_thread_url,
        )
    )


@bp.route("/c/<slug>/feed.atom")
def category_feed(slug):
    category = _category_or_404(slug)
    name, _language = category.name_in(current_language())
    return _atom(
        feeds.build_atom_feed(
            feed_id=url_for("forum.show_category", slug=category.slug, _external=True),
            title=_("%(site)s forum: %(category)s", site=_site_name(), category=name),
            subtitle=category.description_in(current_language())[0] or name,
            page_url=url_for("forum.show_category", slug=category.slug, _external=True),
            feed_url=url_for("forum.category_feed", slug=category.slug, _external=True),
            language=current_language(),
            threads=services.list_threads_for_feed(category),
            thread_url=_thread_url,
        )
    )


def _site_name() -> str:
    return current_app.config["SITE_NAME"]


# Categories (administrators)


def _require_category_admin() -> None:
    if not services.can_manage_categories(current_user):
        raise PermissionDenied


def _category_values(form: CategoryForm) -> dict:
    return {name: form[name].data for name in services.CATEGORY_FIELDS}


@bp.route("/admin/categories")
@login_required
def admin_categories():
    _require_category_admin()
    return render_template("forum/admin_categories.html", categories=services.list_categories())


@bp.route("/admin/categories/new", methods=["GET", "POST"])
@login_required
def new_category():
    _require_category_admin()
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            services.create_category(current_user, form.slug.data, _category_values(form), form.is_announcements.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The category was created."), "success")
            return redirect(url_for("forum.admin_categories"))
    return render_template("forum/category_form.html", form=form, category=None), 422 if form.errors else 200


@bp.route("/admin/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    _require_category_admin()
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            services.update_category(
                current_user, category, form.slug.data, _category_values(form), form.is_announcements.data
            )
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The category was saved."), "success")
            return redirect(url_for("forum.admin_categories"))
    return render_template("forum/category_form.html", form=form, category=category), 422 if form.errors else 200


@bp.route("/admin/categories/<int:category_id>/move", methods=["POST"])
@login_required
def move_category(category_id):
    _require_category_admin()
    category = db.get_or_404(Category, category_id)
    require_one_click()
    services.move_category(current_user, category, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("forum.admin_categories"))
