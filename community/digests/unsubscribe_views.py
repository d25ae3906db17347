"""The pages of the unsubscribe link: GET shows what it stops; POST stops it (one-click, RFC 8058)."""

from flask import abort, render_template, request

from community.digests import unsubscribe as services
from community.digests.unsubscribe_forms import UnsubscribeForm
from community.digests.views import bp
from community.extensions import csrf
from community.mail.unsubscribe import InvalidUnsubscribeToken, read_unsubscribe_token

ONE_CLICK = "One-Click"


# Exempt from the site-wide CSRF check: mail providers POST "List-Unsubscribe=One-Click" with no token and
# no session (RFC 8058); the signed link is what authorizes. The landing page's own form still carries and
# checks its CSRF token.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    try:
        member, topic = read_unsubscribe_token(token)
    except InvalidUnsubscribeToken:
        return render_template("digests/unsubscribe_invalid.html"), 400
    label = services.topic_label(topic)
    if request.method == "POST":
        if request.form.get("List-Unsubscribe") == ONE_CLICK:
            services.unsubscribe(member, topic)
            return render_template("digests/unsubscribed.html", label=label, topic=topic)
        form = UnsubscribeForm()
        if not form.validate_on_submit():
            abort(400)
        if form.less_often.data and services.can_receive_less_often(member, topic):
            frequency = services.receive_less_often(member)
            return render_template("digests/unsubscribed.html", label=label, topic=topic, frequency=frequency)
        services.unsubscribe(member, topic)
        return render_template("digests/unsubscribed.html", label=label, topic=topic)
    return render_template(
        "digests/unsubscribe.html",
        form=UnsubscribeForm(),
        label=label,
        topic=topic,
        subscribed=services.is_subscribed(member, topic),
        rarer=services.can_receive_less_often(member, topic),
    )
