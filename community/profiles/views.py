from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db, login_manager
from community.forms import require_one_click, show_refusal
from community.i18n import current_language
from community.page_cache import cached_for_visitors, cached_for_visitors_and_members
from community.profiles import counterparts, directory, services
from community.profiles.avatars import MAX_UPLOAD_BYTES, initials, initials_colour
from community.profiles.forms import (
    AvatarForm,
    DirectoryForm,
    DomainForm,
    EditExpertiseAreaForm,
    EditProfileForm,
    ExpertiseAreaForm,
    InstitutionForm,
    VerifyMemberForm,
)
from community.profiles.models import ExpertiseArea, Institution, InstitutionDomain, OrganizationType
from community.profiles.taxonomy import spoken_language_name

bp = Blueprint("profiles", __name__, template_folder="templates")

SEARCH_PARAMETERS = ("q", "country", "type", "expertise", "language", "open_to", "sort")
OPEN_TO_FLAGS = {
    "collaboration": "open_to_collaboration",
    "mentoring": "open_to_mentoring",
    "speaking": "open_to_speaking",
}


@bp.app_template_global()
def avatar_initials(name) -> str:
    return initials(name)


@bp.app_template_global()
def avatar_colour(user_id: int) -> str:
    return initials_colour(user_id)


@bp.app_template_global()
def can_see_email(viewer, member) -> bool:
    return services.can_see_email(viewer, member)


@bp.app_template_filter("spoken_language")
def spoken_language_filter(code: str) -> str:
    return spoken_language_name(code, current_language())


@bp.app_template_global()
def profile_counterparts(user):
    """The dashboard's counterparts panel asks for its members here, so the dashboard view need not know."""
    return counterparts.counterparts_panel(user)


@bp.route("/members")
@cached_for_visitors_and_members
def list_members():
    form = DirectoryForm(directory.list_member_countries(), formdata=request.args)
    if request.args and not form.validate():
        return render_template("profiles/directory.html", form=form, pagination=None, filters=None), 422
    filters = directory.DirectoryFilters(
        query=form.q.data or "",
        countries=form.country.data or [],
        organization_type=OrganizationType(form.type.data) if form.type.data else None,
        expertise=form.expertise.data or [],
        languages=form.language.data or [],
        sort=form.sort.data or "name",
        **{flag: name in (form.open_to.data or []) for name, flag in OPEN_TO_FLAGS.items()},
    )
    page = request.args.get("page", 1, type=int)
    pagination = directory.search_members(current_user, filters, page=page)
    # The search in the links of the other pages (page itself excluded).
    shared = {key: request.args.getlist(key) for key in SEARCH_PARAMETERS if key in request.args}
    return render_template("profiles/directory.html", form=form, pagination=pagination, filters=filters, shared=shared)


@bp.route("/members/<int:user_id>")
@cached_for_visitors
def show_profile(user_id):
    member = db.get_or_404(User, user_id)
    if not services.can_see_profile(current_user, member):
        if not current_user.is_authenticated and services.is_listed(member):
            return login_manager.unauthorized()  # a members-only profile: log in to see it
        abort(404)
    verify_form = VerifyMemberForm() if services.can_verify_members(current_user) else None
    if verify_form and member.profile and member.profile.institution_id:
        verify_form.institution.data = member.profile.institution_id
    return render_template("profiles/profile.html", member=member, profile=member.profile, verify_form=verify_form)


@bp.route("/members/<int:user_id>/avatar")
def show_avatar(user_id):
    found = services.get_avatar(user_id)
    if found is None or not services.can_see_profile(current_user, found[1].user):
        abort(404)
    avatar, profile = found
    response = make_response(avatar.image)
    response.headers["Content-Type"] = avatar.content_type
    response.set_etag(profile.avatar_key)
    # Private: a members-only avatar must not sit in a shared cache. Addresses carry the key, so a new
    # upload gets a new address and a long lifetime is safe.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response.make_conditional(request)


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    refuse_if_silenced(current_user)
    profile = current_user.profile
    form = EditProfileForm(obj=_form_values(current_user, profile) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                country=form.country.data,
                headline=form.headline.data,
                bio=form.bio.data,
                city=form.city.data,
                organization=form.organization.data,
                organization_type=form.organization_type.data,
                job_title=form.job_title.data,
                expertise=form.expertise.data or [],
                languages=form.languages.data or [],
                website=form.website.data,
                linkedin=form.linkedin.data,
                orcid=form.orcid.data,
                open_to_collaboration=form.open_to_collaboration.data,
                open_to_mentoring=form.open_to_mentoring.data,
                open_to_speaking=form.open_to_speaking.data,
                visibility=form.visibility.data,
                show_email=form.show_email.data,
            )
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("profiles.show_profile", user_id=current_user.id))
    return _edit_page(form, AvatarForm(formdata=None))


def _edit_page(form, avatar_form):
    profile = current_user.profile
    completeness = services.profile_completeness(current_user, profile) if profile else None
    status = 422 if form.errors or avatar_form.errors else 200
    page = render_template(
        "profiles/edit_profile.html",
        form=form,
        avatar_form=avatar_form,
        profile=profile,
        completeness=completeness,
    )
    return page, status


def _form_values(user, profile):
    """The form's starting values: the member's saved profile, or an empty one."""

    class Values:
        pass

    values = Values()
    values.display_name = user.display_name
    values.country = user.country
    for name in ("headline", "bio", "city", "organization", "job_title", "website", "linkedin", "orcid",
                 "open_to_collaboration", "open_to_mentoring", "open_to_speaking", "show_email"):
        setattr(values, name, getattr(profile, name) if profile else None)
    values.organization_type = profile.organization_type.value if profile and profile.organization_type else ""
    values.visibility = profile.visibility.value if profile else "members"
    values.expertise = [area.slug for area in profile.expertise] if profile else []
    values.languages = profile.language_codes if profile else [current_language()]
    return values


@bp.route("/profile/avatar", methods=["POST"])
@login_required
def upload_avatar():
    refuse_if_silenced(current_user)
    avatar_form = AvatarForm()
    if avatar_form.validate_on_submit():
        with avatar_form.avatar.data.stream as stream:  # large uploads are spooled to a temporary file
            data = stream.read(MAX_UPLOAD_BYTES + 1)
        try:
            services.set_avatar(current_user, data)
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(avatar_form, refusal)
        else:
            flash(_("Your photo was saved."), "success")
            return redirect(url_for("profiles.edit_profile"))
    form = EditProfileForm(obj=_form_values(current_user, current_user.profile), formdata=None)
    return _edit_page(form, avatar_form)


@bp.route("/profile/avatar/remove", methods=["POST"])
@login_required
def remove_avatar():
    refuse_if_silenced(current_user)
    require_one_click()
    services.remove_avatar(current_user)
    flash(_("Your photo was removed."), "info")
    return redirect(url_for("profiles.edit_profile"))


# --- moderators: verification by hand ---------------------------------------------------------


@bp.route("/members/<int:user_id>/verify", methods=["POST"])
@login_required
def verify_member(user_id):
    if not services.can_verify_members(current_user):
        raise PermissionDenied
    member = db.get_or_404(User, user_id)
    form = VerifyMemberForm()
    if not form.validate_on_submit():
        abort(400)
    institution = db.get_or_404(Institution, form.institution.data)
    try:
        services.verify_member(current_user, member, institution)
    except ActionRefused as refusal:
        flash(str(refusal.reason), "warning")
    else:
        flash(_("%(name)s is now verified as a member of %(institution)s.", name=member.display_name,
                institution=institution.name), "success")
    return redirect(url_for("profiles.show_profile", user_id=member.id))


@bp.route("/members/<int:user_id>/unverify", methods=["POST"])
@login_required
def remove_verification(user_id):
    if not services.can_verify_members(current_user):
        raise PermissionDenied
    member = db.get_or_404(User, user_id)
    require_one_click()
    services.remove_verification(current_user, member)
    flash(_("The verification was removed."), "info")
    return redirect(url_for("profiles.show_profile", user_id=member.id))


# --- admins: expertise taxonomy and institutions -----------------------------------------------


def _require_admin():
    if not services.can_manage_directory(current_user):
        raise PermissionDenied


@bp.route("/admin/expertise", methods=["GET", "POST"])
@login_required
def manage_expertise():
    _require_admin()
    form = ExpertiseAreaForm()
    if form.validate_on_submit():
        try:
            area = services.add_expertise_area(current_user, form.name_en.data, form.name_es.data, form.name_pt.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The expertise area “%(name)s” was added.", name=area.name(current_language())), "success")
            return redirect(url_for("profiles.manage_expertise"))
    page = render_template(
        "profiles/admin_expertise.html",
        form=form,
        areas=services.list_expertise_areas(),
        counts=services.count_members_per_area(),
    )
    return page, 422 if form.errors else 200


@bp.route("/admin/expertise/<int:area_id>", methods=["GET", "POST"])
@login_required
def edit_expertise_area(area_id):
    _require_admin()
    area = db.get_or_404(ExpertiseArea, area_id)
    form = EditExpertiseAreaForm(obj=area)
    if form.validate_on_submit():
        try:
            services.update_expertise_area(
                current_user, area, form.name_en.data, form.name_es.data, form.name_pt.data, form.position.data
            )
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The expertise area was saved."), "success")
            return redirect(url_for("profiles.manage_expertise"))
    return render_template("profiles/edit_expertise_area.html", form=form, area=area), 422 if form.errors else 200


@bp.route("/admin/institutions", methods=["GET", "POST"])
@login_required
def manage_institutions():
    _require_admin()
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            institution = services.create_institution(current_user, form.name.data, form.country.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The institution was added. Now link its e-mail domains."), "success")
            return redirect(url_for("profiles.show_institution", institution_id=institution.id))
    pagination = services.list_institutions(request.args.get("page", 1, type=int))
    page = render_template("profiles/admin_institutions.html", form=form, pagination=pagination)
    return page, 422 if form.errors else 200


@bp.route("/admin/institutions/<int:institution_id>", methods=["GET", "POST"])
@login_required
def show_institution(institution_id):
    _require_admin()
    institution = db.get_or_404(Institution, institution_id)
    form = InstitutionForm(obj=institution)
    domain_form = DomainForm(formdata=None)
    if form.validate_on_submit():
        try:
            services.update_institution(current_user, institution, form.name.data, form.country.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The institution was saved."), "success")
            return redirect(url_for("profiles.show_institution", institution_id=institution.id))
    return _institution_page(institution, form, domain_form)


def _institution_page(institution, form, domain_form):
    status = 422 if form.errors or domain_form.errors else 200
    return render_template(
        "profiles/institution.html", institution=institution, form=form, domain_form=domain_form
    ), status


@bp.route("/admin/institutions/<int:institution_id>/domains", methods=["POST"])
@login_required
def link_domain(institution_id):
    _require_admin()
    institution = db.get_or_404(Institution, institution_id)
    domain_form = DomainForm()
    if domain_form.validate_on_submit():
        try:
            link = services.link_domain(current_user, institution, domain_form.domain.data)
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(domain_form, refusal)
        else:
            flash(_("Members with a confirmed address on %(domain)s are now verified.", domain=link.domain), "success")
            return redirect(url_for("profiles.show_institution", institution_id=institution.id))
    return _institution_page(institution, InstitutionForm(obj=institution, formdata=None), domain_form)


@bp.route("/admin/institutions/<int:institution_id>/domains/<int:domain_id>/remove", methods=["POST"])
@login_required
def unlink_domain(institution_id, domain_id):
    _require_admin()
    link = db.get_or_404(InstitutionDomain, domain_id)
    if link.institution_id != institution_id:
        abort(404)
    require_one_click()
    domain = link.domain
    services.unlink_domain(current_user, link)
    flash(_("The domain %(domain)s was removed.", domain=domain), "info")
    return redirect(url_for("profiles.show_institution", institution_id=institution_id))
