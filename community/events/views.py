import calendar as calendar_module
from datetime import date

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
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.events import calendars, services
from community.events.feeds import build_atom_feed
from community.events.forms import (
    EditEventForm,
    EventFilterForm,
    EventForm,
    MessageForm,
    MinutesForm,
    RemindersForm,
    RSVPForm,
)
from community.events.ics import ICS_CONTENT_TYPE, build_calendar, google_calendar_url, outlook_calendar_url
from community.events.models import (
    FORMAT_LABELS,
    KIND_LABELS,
    RSVP_LABELS,
    STATUS_LABELS,
    EventFormat,
    EventKind,
    RSVPStatus,
)
from community.events.services import EventData, EventFilters
from community.events.times import (
    format_date_in_zone,
    format_in_zone,
    format_time_in_zone,
    reader_time,
    region_times,
    to_local,
    zone_label,
)
from community.extensions import db
from community.forms import show_refusal
from community.i18n import LANGUAGES, is_country
from community.notifications.services import register_target
from community.page_cache import (
    cached_for_visitors,
    cached_for_visitors_and_members,
    kept_piece,
    personal_part,
    shared_with_members,
)
from community.types import utcnow

bp = Blueprint("events", __name__, url_prefix="/events", template_folder="templates")
register_target(services.NOTIFICATION_TARGET, "events.show_event", "event_id")


@bp.record_once
def _register_template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        event_zone_label=zone_label,
        event_format_in_zone=format_in_zone,
        event_time_in_zone=format_time_in_zone,
        event_date_in_zone=format_date_in_zone,
        event_reader_time=reader_time,
        event_kind_label=KIND_LABELS.get,
        event_format_label=FORMAT_LABELS.get,
        event_status_label=STATUS_LABELS.get,
        rsvp_label=RSVP_LABELS.get,
        rsvp_status=RSVPStatus,
        dashboard_events=services.dashboard_events,
    )


def _reader_zone() -> str | None:
    return current_user.timezone if current_user.is_authenticated else None


def _filters_from(form: EventFilterForm) -> EventFilters:
    args = request.args
    country = args.get("country") or None
    return EventFilters(
        country=country if country and is_country(country) else None,
        format=_enum_or_none(EventFormat, args.get("format")),
        kind=_enum_or_none(EventKind, args.get("kind")),
        language=args.get("language") if args.get("language") in LANGUAGES else None,
    )


def _enum_or_none(enum_class, value):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def _filter_args(filters: EventFilters) -> dict:
    values = {
        "country": filters.country,
        "format": filters.format.value if filters.format else None,
        "kind": filters.kind.value if filters.kind else None,
        "language": filters.language,
    }
    return {key: value for key, value in values.items() if value}


# --- lists ---------------------------------------------------------------------------------------


def _render_list(past: bool):
    form = EventFilterForm(request.args)
    filters = _filters_from(form)
    pagination = services.list_events(past=past, filters=filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "events/list.html",
        past=past,
        form=form,
        pagination=pagination,
        events=pagination.items,
        answers=services.answers_of(current_user, pagination.items),
        filter_args=_filter_args(filters),
        can_announce=services.can_announce(current_user),
    )


@bp.route("/")
@cached_for_visitors_and_members
def list_events():
    return _render_list(past=False)


@personal_part("event-answer")
def _answer_badges(event_ids: list[int]) -> dict[int, str]:
    """The member's answer to each event of a list kept for every member, as the list shows it."""
    badge = get_template_attribute("events/_macros.html", "answer_badge")
    return {event_id: badge(answer) for event_id, answer in services.answers_to(current_user, event_ids).items()}


@bp.route("/past")
def list_past_events():
    return _render_list(past=True)


@bp.route("/calendar")
def show_this_month():
    today = utcnow().date()
    return redirect(url_for("events.show_month", year=today.year, month=today.month, **request.args))


@bp.route("/calendar/<int:year>/<int:month>")
def show_month(year, month):
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    form = EventFilterForm(request.args)
    filters = _filters_from(form)
    zone = _reader_zone() or "UTC"
    days = services.list_month(year, month, zone, filters)
    locale = get_locale()
    first_weekday = locale.first_week_day if locale else 0
    weeks = calendar_module.Calendar(firstweekday=first_weekday).monthdatescalendar(year, month)
    previous = date(year - (month == 1), (month - 2) % 12 + 1, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return render_template(
        "events/month.html",
        form=form,
        weeks=weeks,
        days=days,
        month=date(year, month, 1),
        zone=zone,
        previous=previous if previous.year >= 2000 else None,
        following=following if following.year <= 2100 else None,
        weekday_names=[locale.days["format"]["abbreviated"][(first_weekday + i) % 7] for i in range(7)],
        weekday_full_names=[locale.days["format"]["wide"][(first_weekday + i) % 7] for i in range(7)],
        filter_args=_filter_args(filters),
        month_title=format_date(date(year, month, 1), "MMMM y").capitalize(),
    )


@bp.route("/feed.atom")
def atom_feed():
    events = services.list_upcoming_for_feed()
    return Response(build_atom_feed(events), mimetype="application/atom+xml")


# --- one event -----------------------------------------------------------------------------------


def _get_event_or_404(event_id: int):
    """The event, if the member may see it: a hidden event, or one awaiting review but for its organizers, is a 404."""
    event = services.get_event(event_id)
    if event is None or not services.can_see_event(current_user, event):
        abort(404)
    return event


def _flash_saved(event, published) -> None:
    if event.awaiting_review:
        flash(_("Your event will appear once a moderator has reviewed it."), "info")
    else:
        flash(published, "success")


def _render_event(event, status: int = 200, rsvp_form=None, reminders_form=None, reading=None):
    """The event's page; `reading` (from `get_event_for_member`) saves reading the member's answer again."""
    rsvp = reading.rsvp if reading is not None else services.get_rsvp(current_user, event)
    rsvp_form = rsvp_form if rsvp_form is not None else _rsvp_form(rsvp)
    reminders_form = reminders_form if reminders_form is not None else _reminders_form(rsvp)
    page = render_template(
        "events/event.html",
        event=event,
        rsvp=rsvp,
        rsvp_form=rsvp_form,
        reminders_form=reminders_form,
        counts=services.count_answers(event),
        follow_ups=services.list_follow_ups(event),
        reader_zone=_reader_zone(),
        region_times=region_times(event.starts_at, event.timezone),
        can_edit=services.can_edit_event(current_user, event),
        can_rsvp=services.can_rsvp(current_user, event),
        can_announce=services.can_announce(current_user),
        can_post_minutes=services.can_post_minutes(current_user, event),
        show_online_url=services.can_see_online_url(current_user, event, rsvp),
        google_url=google_calendar_url(event),
        outlook_url=outlook_calendar_url(event),
        thread_url=_thread_url(event),
        now=utcnow(),
    )
    return page, status


def _rsvp_form(rsvp) -> RSVPForm:
    """The answer form as the member's answer fills it (a waitlisted member chose "going")."""
    form = RSVPForm(formdata=None)
    if rsvp is not None:
        form.answer.data = "going" if rsvp.status is RSVPStatus.WAITLISTED else rsvp.status.value
    return form


def _reminders_form(rsvp) -> RemindersForm | None:
    return RemindersForm(formdata=None, obj=rsvp) if rsvp is not None else None


def _thread_url(event) -> str | None:
    if event.thread_id is None or "forum.show_thread" not in current_app.view_functions:
        return None
    return url_for("forum.show_thread", thread_id=event.thread_id)


@bp.route("/<int:event_id>")
@cached_for_visitors
def show_event(event_id):
    if not current_user.is_authenticated:
        return _render_event(_get_event_or_404(event_id))
    reading = services.get_event_for_member(current_user, event_id)
    if reading is None or not services.can_see_event(current_user, reading.event):
        abort(404)
    g.event_reading = reading
    return shared_with_members(
        lambda: _render_event(services.get_event(event_id), reading=reading),
        audience=lambda: _event_page_audience(reading),
    )


def _event_page_audience(reading) -> str | None:
    """Members share an event's page, but for its organizers (their tools); those going share their own
    copy, which shows the online link."""
    if reading.organizes:
        return None
    return "going" if reading.rsvp is not None and reading.rsvp.status is RSVPStatus.GOING else ""


@personal_part("event-rsvp")
def _answer_panel(event_ids: list[int]) -> dict[int, str]:
    """The member's answer, its form and their reminders, on an event page kept for every member."""
    event, _organizes, rsvp = g.event_reading
    can_rsvp = services.can_rsvp(current_user, event)
    # The panel is the same for every member with the same answer and reminders: rendering its forms cost
    # a third of the page, so each worker keeps it by what it shows.
    key = ("event-answer", event.id, event.status.value, event.is_full, can_rsvp,
           *((rsvp.status.value, rsvp.remind_day_before, rsvp.remind_hour_before) if rsvp else ()))  # fmt: skip

    def render() -> str:
        panel = get_template_attribute("events/_answer.html", "answer_panel")
        return panel(event, rsvp, _rsvp_form(rsvp), _reminders_form(rsvp), can_rsvp, True)

    return {event.id: kept_piece(key, render)}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_event():
    refuse_if_silenced(current_user)
    if not services.can_announce(current_user):
        raise PermissionDenied
    form = EventForm()
    previous = None
    follow_up_of = request.args.get("follow_up_of", type=int)
    if follow_up_of is not None:
        previous = services.get_event(follow_up_of)
        if previous is None or not services.can_see_event(current_user, previous):
            abort(404)
    if request.method == "GET":
        if previous is not None:
            form.fill(services.follow_up_template(previous))
        else:
            form.timezone.data = current_user.timezone
            form.country.data = current_user.country
            form.language.data = current_user.locale
    elif form.validate_on_submit():
        try:
            event = services.create_event(current_user, form.to_data())
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            _flash_saved(event, _("Your event has been announced."))
            return redirect(url_for("events.show_event", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("events/edit.html", form=form, event=None, previous=previous), status


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id):
    event = _get_event_or_404(event_id)
    refuse_if_silenced(current_user)
    if not services.can_edit_event(current_user, event):
        raise PermissionDenied
    form = EditEventForm()
    if request.method == "GET":
        form.fill(
            EventData(
                title=event.title,
                description=event.description,
                language=event.language,
                kind=event.kind,
                starts_local=to_local(event.starts_at, event.timezone),
                ends_local=to_local(event.ends_at, event.timezone),
                timezone=event.timezone,
                format=event.format,
                venue=event.venue,
                city=event.city,
                country=event.country,
                online_url=event.online_url,
                capacity=event.capacity,
                deadline_local=to_local(event.registration_deadline, event.timezone)
                if event.registration_deadline
                else None,
            )
        )
        form.status.data = event.status.value
    elif form.validate_on_submit():
        try:
            services.update_event(current_user, event, form.to_data())
        except ActionRefused as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            _flash_saved(event, _("The event has been updated."))
            return redirect(url_for("events.show_event", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("events/edit.html", form=form, event=event, previous=None), status


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_event(event_id):
    event = _get_event_or_404(event_id)
    services.cancel_event(current_user, event)
    flash(_("The event has been cancelled. The members who answered have been told."), "success")
    return redirect(url_for("events.show_event", event_id=event.id))


@bp.route("/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id):
    event = _get_event_or_404(event_id)
    form = RSVPForm()
    if not form.validate_on_submit():
        return _render_event(event, 422, rsvp_form=form)
    try:
        answer = services.rsvp_to_event(current_user, event, RSVPStatus(form.answer.data))
    except ActionRefused as refusal:
        db.session.rollback()
        flash(str(refusal.reason), "danger")
        return _render_event(event, 409, rsvp_form=form)
    if answer.status is RSVPStatus.WAITLISTED:
        flash(_("The event is full: you are on the waitlist and will be told when a seat frees up."), "info")
    else:
        flash(_("Your answer has been saved."), "success")
    return redirect(url_for("events.show_event", event_id=event.id))


@bp.route("/<int:event_id>/reminders", methods=["POST"])
@login_required
def set_reminders(event_id):
    event = _get_event_or_404(event_id)
    form = RemindersForm()
    if not form.validate_on_submit():
        return _render_event(event, 422, reminders_form=form)
    try:
        services.set_reminders(
            current_user,
            event,
            day_before=form.remind_day_before.data,
            hour_before=form.remind_hour_before.data,
        )
    except ActionRefused as refusal:
        flash(str(refusal.reason), "danger")
        return _render_event(event, 409, reminders_form=form)
    flash(_("Your reminders have been saved."), "success")
    return redirect(url_for("events.show_event", event_id=event.id))


@bp.route("/<int:event_id>/event.ics")
def download_ics(event_id):
    event = _get_event_or_404(event_id)
    rsvp = services.get_rsvp(current_user, event)
    body = calendars.event_ics(event, with_online_url=services.can_see_online_url(current_user, event, rsvp))
    return Response(
        body,
        content_type=ICS_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )


# --- organizers ----------------------------------------------------------------------------------


def _get_organized_event(event_id: int):
    event = _get_event_or_404(event_id)
    if not services.can_see_attendees(current_user, event):
        raise PermissionDenied
    return event


@bp.route("/<int:event_id>/attendees")
@login_required
def list_attendees(event_id):
    event = _get_organized_event(event_id)
    pagination = services.list_attendees(event, page=request.args.get("page", 1, type=int))
    co_organizer_ids = {member.id for member in event.co_organizers}
    return render_template(
        "events/attendees.html",
        event=event,
        pagination=pagination,
        counts=services.count_answers(event),
        co_organizer_ids=co_organizer_ids,
    )


@bp.route("/<int:event_id>/attendees.csv")
@login_required
def export_attendees(event_id):
    event = _get_organized_event(event_id)
    return Response(
        services.export_attendees_csv(event),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-attendees.csv"'},
    )


@bp.route("/<int:event_id>/co-organizers", methods=["POST"])
@login_required
def add_co_organizer(event_id):
    event = _get_organized_event(event_id)
    refuse_if_silenced(current_user)
    member_id = request.form.get("member_id", type=int)
    if member_id is None:
        abort(400)
    try:
        member = services.add_co_organizer(current_user, event, member_id)
    except ActionRefused as refusal:
        flash(str(refusal.reason), "danger")
    else:
        flash(_("%(name)s is now a co-organizer.", name=member.name), "success")
    return redirect(url_for("events.list_attendees", event_id=event.id))


@bp.route("/<int:event_id>/co-organizers/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_co_organizer(event_id, member_id):
    event = _get_organized_event(event_id)
    services.remove_co_organizer(current_user, event, member_id)
    flash(_("The co-organizer has been removed."), "success")
    return redirect(url_for("events.list_attendees", event_id=event.id))


@bp.route("/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def message_attendees(event_id):
    event = _get_organized_event(event_id)
    refuse_if_silenced(current_user)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            count = services.send_message_to_attendees(current_user, event, form.body.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your message is on its way to %(count)d members.", count=count), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("events/message.html", event=event, form=form), status


@bp.route("/<int:event_id>/minutes", methods=["GET", "POST"])
@login_required
def post_minutes(event_id):
    event = _get_event_or_404(event_id)
    refuse_if_silenced(current_user)
    if not services.can_post_minutes(current_user, event):
        raise PermissionDenied
    form = MinutesForm()
    if request.method == "GET" and event.minutes:
        form.body.data = event.minutes
    if form.validate_on_submit():
        try:
            services.post_minutes(current_user, event, form.body.data)
        except ActionRefused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The minutes have been published."), "success")
            return redirect(url_for("events.show_event", event_id=event.id, _anchor="minutes"))
    status = 422 if request.method == "POST" else 200
    return render_template("events/minutes.html", event=event, form=form), status


# --- calendars -----------------------------------------------------------------------------------


@bp.route("/my-calendar")
@login_required
def show_calendar_feed():
    feed = calendars.get_calendar_feed(current_user)
    feed_url = url_for("events.calendar_feed", token=feed.token, _external=True)
    return render_template("events/calendar_feed.html", feed_url=feed_url)


@bp.route("/my-calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_feed():
    calendars.revoke_calendar_feed(current_user)
    flash(_("Your calendar has a new address. The old one no longer works."), "success")
    return redirect(url_for("events.show_calendar_feed"))


@bp.route("/calendar-feed/<token>.ics")
def calendar_feed(token):
    member = calendars.get_feed_owner(token)
    if member is None:
        abort(404)
    events = calendars.list_feed_events(member)
    body = build_calendar(events, name="Conecta TT", online_url_for=lambda _event: True)
    return Response(body, content_type=ICS_CONTENT_TYPE)
