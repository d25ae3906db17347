"""Opportunity pages. Reading is public, like events and the forum (the list, the pages and the feed:
what an institution offers is meant to be found); publishing, expressing interest and seeing who did
need an account.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.forms import show_refusal
from community.messages.services import DailyLimitReached
from community.messages.views import send_limited
from community.opportunities import matching, services
from community.opportunities.feeds import build_atom_feed
from community.opportunities.forms import (
    EditOpportunityForm,
    InterestForm,
    OpportunityFilterForm,
    OpportunityForm,
    StatusForm,
)
from community.opportunities.models import TRL_LABELS
from community.page_cache import cached_for_visitors

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities", template_folder="templates")


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.jinja_env.globals.update(trl_labels=TRL_LABELS)


def _page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


# --- the list ------------------------------------------------------------------------------------


@bp.route("/")
@cached_for_visitors
def list_opportunities():
    form = OpportunityFilterForm(request.args)
    filters = form.to_filters()
    pagination = services.list_opportunities(filters, page=_page_argument(), viewer=current_user)
    # Only the filters that are set go into the pagination links.
    filter_args = {name: value for name, value in request.args.items() if name != "page" and value and name in form}
    return render_template(
        "opportunities/list.html",
        form=form,
        pagination=pagination,
        opportunities=pagination.items,
        interested=services.interested_ids(current_user, pagination.items),
        filter_args=filter_args,
        can_publish=services.can_publish(current_user),
    )


@bp.route("/feed.atom")
def atom_feed():
    return Response(build_atom_feed(services.list_for_feed()), mimetype="application/atom+xml")


# --- one opportunity -----------------------------------------------------------------------------


def _get_opportunity_or_404(opportunity_id: int):
    """The opportunity, if the viewer may see it: hidden ones, or others' awaiting review, are a 404."""
    opportunity = services.get_opportunity_for(current_user, opportunity_id)
    if opportunity is None:
        abort(404)
    return opportunity


def _matches(opportunity) -> tuple[list, list]:
    """(members suggested to the author, matching opportunities for any member)."""
    if not current_user.is_authenticated:
        return [], []
    member_matches = matching.suggest_members(opportunity) if current_user.id == opportunity.author_id else []
    return member_matches, matching.matching_opportunities(opportunity)


def _render_opportunity(opportunity, status: int = 200, interest_form=None, status_form=None):
    can_see_interests = services.can_see_interests(current_user, opportunity)
    interests = services.interests_of(opportunity, page=_page_argument()) if can_see_interests else None
    if status_form is None:
        status_form = StatusForm(formdata=None, status=opportunity.status.value)
    member_matches, opportunity_matches = _matches(opportunity)
    page = render_template(
        "opportunities/opportunity.html",
        opportunity=opportunity,
        interest=services.get_interest(current_user, opportunity),
        interest_form=interest_form or InterestForm(formdata=None),
        status_form=status_form,
        interests=interests,
        can_edit=services.can_edit_opportunity(current_user, opportunity),
        can_express_interest=services.can_express_interest(current_user, opportunity),
        member_matches=member_matches,
        opportunity_matches=opportunity_matches,
    )
    return page, status


@bp.route("/<int:opportunity_id>")
@cached_for_visitors
def show_opportunity(opportunity_id):
    return _render_opportunity(_get_opportunity_or_404(opportunity_id))


def _flash_saved(opportunity, published: str) -> None:
    if opportunity.awaiting_review:
        flash(_("Your opportunity will appear once a moderator has reviewed it."), "info")
    else:
        flash(published, "success")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_opportunity():
    refuse_if_silenced(current_user)
    if not services.can_publish(current_user):
        raise PermissionDenied
    form = OpportunityForm()
    if request.method == "GET":
        profile = getattr(current_user, "profile", None)
        form.institution.data = profile.organization if profile is not None else ""
        form.country.data = current_user.country
        form.language.data = current_user.locale
    elif form.validate_on_submit():
        try:
            opportunity = services.publish_opportunity(current_user, form.to_data())
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            _flash_saved(opportunity, _("Your opportunity has been published."))
            return redirect(url_for("opportunities.show_opportunity", opportunity_id=opportunity.id))
    status = 422 if request.method == "POST" else 200
    return render_template("opportunities/edit.html", form=form, opportunity=None), status


@bp.route("/<int:opportunity_id>/edit", methods=["GET", "POST"])
@login_required
def edit_opportunity(opportunity_id):
    opportunity = _get_opportunity_or_404(opportunity_id)
    refuse_if_silenced(current_user)
    if not services.can_edit_opportunity(current_user, opportunity):
        raise PermissionDenied
    form = EditOpportunityForm()
    if request.method == "GET":
        form.fill(opportunity)
    elif form.validate_on_submit():
        try:
            services.edit_opportunity(current_user, opportunity, form.to_data())
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            _flash_saved(opportunity, _("The opportunity has been updated."))
            return redirect(url_for("opportunities.show_opportunity", opportunity_id=opportunity.id))
    status = 422 if request.method == "POST" else 200
    return render_template("opportunities/edit.html", form=form, opportunity=opportunity), status


@bp.route("/<int:opportunity_id>/status", methods=["POST"])
@login_required
def change_status(opportunity_id):
    opportunity = _get_opportunity_or_404(opportunity_id)
    refuse_if_silenced(current_user)
    if not services.can_edit_opportunity(current_user, opportunity):
        raise PermissionDenied
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(current_user, opportunity, form.status.data)
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            flash(_("The status has been changed."), "success")
            return redirect(url_for("opportunities.show_opportunity", opportunity_id=opportunity.id))
    return _render_opportunity(opportunity, 422, status_form=form)


@bp.route("/<int:opportunity_id>/interest", methods=["POST"])
@login_required
@send_limited  # the messages' budget: expressing interest starts a conversation
def express_interest(opportunity_id):
    opportunity = _get_opportunity_or_404(opportunity_id)
    form = InterestForm()
    if not form.validate_on_submit():
        return _render_opportunity(opportunity, 422, interest_form=form)
    try:
        interest = services.express_interest(current_user, opportunity, form.message.data)
    except DailyLimitReached as refusal:
        flash(str(refusal.reason), "danger")
        return _render_opportunity(opportunity, 429, interest_form=form)
    except ActionRefused as refusal:
        show_refusal(form, refusal)
        return _render_opportunity(opportunity, 422 if refusal.field in form else 409, interest_form=form)
    flash(_("Your interest has been recorded and your message sent to the author."), "success")
    if interest.conversation_id is not None:
        return redirect(url_for("messages.show_conversation", conversation_id=interest.conversation_id))
    return redirect(url_for("opportunities.show_opportunity", opportunity_id=opportunity.id))
