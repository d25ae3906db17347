from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from community.extensions import limiter
from community.page_cache import cached_for_visitors_and_members
from community.search import services
from community.search.forms import SearchForm

bp = Blueprint("search", __name__, template_folder="templates")

# The query string of a search, kept by its tabs and pages.
SEARCH_PARAMETERS = ("q", "category", "country", "language", "date_from", "date_to")


def search_limit() -> str:
    return current_app.config["SEARCH_RATE_LIMIT"]


@bp.route("/search")
@limiter.limit(search_limit)
@cached_for_visitors_and_members
def show_results():
    kind = request.args.get("kind") or "all"
    page = request.args.get("page", 1, type=int)
    if kind not in services.TABS or page < 1:
        abort(404)
    form = SearchForm(formdata=request.args)
    shared = {key: request.args[key] for key in SEARCH_PARAMETERS if request.args.get(key)}
    if not form.validate():
        return render_template("search/results.html", form=form, results=None, kind=kind, shared=shared), 422
    filters = services.SearchFilters(
        category_id=form.categories[form.category.data].id if form.category.data else None,
        country=form.country.data or None,
        language=form.language.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        timezone=current_user.timezone if current_user.is_authenticated else "UTC",
    )
    results = services.search(form.q.data or "", current_user, kind=kind, filters=filters, page=page)
    if page > results.page.pages:
        abort(404)
    return render_template(
        "search/results.html", form=form, results=results, kind=kind, shared=shared, filters=filters
    )
