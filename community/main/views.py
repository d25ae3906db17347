from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import refresh
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from community.accounts import services as accounts
from community.extensions import csrf, db
from community.i18n import SESSION_LOCALE_KEY
from community.main.forms import LanguageForm
from community.opportunities.dashboard import dashboard_matches
from community.page_cache import cached_for_visitors
from community.urls import safe_next_url

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
@cached_for_visitors
def index():
    if current_user.is_authenticated:
        # The "Matches for you" panel: opportunities in other countries that fit the member's profile.
        matches = dashboard_matches(current_user._get_current_object())  # the member, not Flask-Login's proxy
        return render_template("main/dashboard.html", opportunity_matches=matches)
    return render_template("main/home.html", member_count=accounts.count_members_shown())


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    locale = form.chosen_language(request.form)
    if not form.validate_on_submit() or locale is None:
        abort(400)
    session[SESSION_LOCALE_KEY] = locale
    if current_user.is_authenticated:
        accounts.set_language(current_user, locale)
    refresh()
    return redirect(safe_next_url(form.next.data) or url_for("main.index"))


@bp.route("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
