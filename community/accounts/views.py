from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from community.accounts import services
from community.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EmailOnlyForm,
    LoginForm,
    PreferencesForm,
    RegisterForm,
    ResetPasswordForm,
)
from community.errors import ActionRefused
from community.extensions import limiter
from community.forms import ConfirmForm, show_refusal
from community.urls import safe_next_url

bp = Blueprint("accounts", __name__, template_folder="templates")


def auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


# Only submissions count against the limit: reading the form stays free.
rate_limited = limiter.limit(auth_limit, methods=["POST"])


@bp.route("/join", methods=["GET", "POST"])
@rate_limited
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register_member(
            form.email.data, form.password.data, form.display_name.data, form.country.data, form.locale.data
        )
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/join/check-your-email")
def check_email():
    return render_template("accounts/check_email.html")


@bp.route("/confirm/<token>")
def confirm_email(token):
    try:
        user = services.confirm_email(token)
    except ActionRefused as refusal:
        return render_template("accounts/link_refused.html", reason=refusal.reason), 400
    if user.is_approved:
        flash(_("Thank you, your e-mail address is confirmed. You can log in now."), "success")
    else:
        flash(_("Thank you, your e-mail address is confirmed. A moderator will approve your membership soon."),
              "success")
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@rate_limited
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/resend_confirmation.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@rate_limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except ActionRefused as refusal:
            flash(str(refusal.reason), "danger")
            status = 401
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s!", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            services.log_out(current_user)
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate_limited
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If this address belongs to an account, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limited
def reset_password(token):
    try:
        services.check_reset_token(token)
    except ActionRefused as refusal:
        return render_template("accounts/link_refused.html", reason=refusal.reason), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        logout_user()
        flash(_("Your password has been changed. Please log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_preferences(
                current_user, form.locale.data, form.timezone.data, form.content_languages.data, form.handle.data
            )
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your preferences were saved."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form), 422 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            # The token changed: log this session in again so only the others end, renewing "keep me
            # logged in" if this device had it (its old cookie carries the old token).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password has been changed. Your other sessions have been closed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.current_password.data, form.email.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("We have sent a confirmation link to %(email)s. Your address changes when you follow it.",
                    email=form.email.data), "info")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_email.html", form=form), 422 if form.errors else 200


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token):
    try:
        services.confirm_email_change(token)
    except ActionRefused as refusal:
        return render_template("accounts/link_refused.html", reason=refusal.reason), 400
    flash(_("Your e-mail address has been changed."), "success")
    return redirect(url_for("accounts.settings" if current_user.is_authenticated else "accounts.login"))


@bp.route("/account/log-out-everywhere", methods=["POST"])
@login_required
def log_out_everywhere():
    if ConfirmForm().validate_on_submit():
        services.log_out_everywhere(current_user)
        logout_user()
        flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.current_password.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            logout_user()
            flash(_("Your account has been deleted. Thank you for having been part of the network."), "info")
            return redirect(url_for("main.index"))
    return render_template("accounts/delete_account.html", form=form), 422 if form.errors else 200
