from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.digests import services
from community.digests.forms import DigestSettingsForm
from community.events.times import format_day_and_time, zone_label
from community.notifications import services as notifications
from community.notifications.forms import EmailPreferencesForm

bp = Blueprint("digests", __name__, template_folder="templates")


@bp.record_once
def _register_template_helpers(state) -> None:
    # "vie, 4 dic, 21:55": when an event of the digest starts, on the member's clock.
    state.app.jinja_env.globals["digest_when"] = format_day_and_time


def _settings_form(**kwargs) -> DigestSettingsForm:
    return DigestSettingsForm(zone_label=zone_label(current_user.timezone or "UTC"), **kwargs)


@bp.app_template_global()
def digest_settings_form() -> DigestSettingsForm:
    """The digest part of the e-mail settings page, filled with the member's saved choice."""
    saved = services.get_digest_settings(current_user)
    return _settings_form(
        formdata=None, data={"frequency": saved.frequency.value, "weekday": saved.weekday, "hour": saved.hour}
    )


@bp.route("/account/notifications/digest", methods=["GET", "POST"])
@login_required
def edit_settings():
    """Save the digest settings; the form lives on the e-mail settings page."""
    form = _settings_form()
    if not form.is_submitted():
        return redirect(url_for("notifications.edit_preferences", _anchor="digest"))
    if form.validate():
        services.save_digest_settings(current_user, form.chosen_frequency, form.weekday.data, form.hour.data)
        flash(_("Your digest settings were saved."), "success")
        return redirect(url_for("notifications.edit_preferences", _anchor="digest"))
    preferences = EmailPreferencesForm(formdata=None)
    saved = notifications.get_email_preferences(current_user)
    preferences.by_email.data = [topic.value for topic, by_email in saved.items() if by_email]
    return render_template("notifications/preferences.html", form=preferences, digest_form=form), 422


# The unsubscribe pages add their routes to this blueprint.
from community.digests import unsubscribe_views  # noqa: E402, F401
