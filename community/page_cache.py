"""Whole pages kept rendered for a few seconds: for visitors, and on pages alike for every member, for members.

Most readers of a public thread or event are not logged in, and their pages are all alike: the same
page in the same language. A visitor's page differs from another's only in its CSRF token (the language
switcher's form), so the kept copy has a slot in its place and every answer puts the visitor's own token
back (`cached_for_visitors`, VISITOR_PAGE_CACHE_SECONDS).

The directory, search, the list of events, an event's page, a category's threads and a page of a thread
show every plain member the same page too, given the same language and timezone: only the member's menu
(their profile link, unread counts, log-out form), CSRF token and a few marks of their own (their answer
to each listed event, the unread marks of each thread or post, the helpful buttons they pressed) are
theirs. Those views are marked `cached_for_visitors_and_members`; a member's copy has a slot for the menu
and for each such mark (`member_slot`), and every answer fills them for the member asking: the menu, each
kind of mark by the function registered with `personal_part` for it, one query for all of a page's marks
(MEMBER_PAGE_CACHE_SECONDS). Pieces that their inputs decide (a member's menu for their counts, an event's
answer panel for a given answer, the navigation bar and footer of every page: `layout_part`) are kept
rendered by each worker (`kept_piece`). A view
whose page differs between groups of members names the member's group (`audience`); a view with work of
its own to do for each member around the page (the thread page moves the read marker; an event's page
reads the member's answer, which fills its answer panel) calls `shared_with_members` where it would
render. Moderators and admins (their pages show what they moderate) and silenced members (a notice)
always get fresh pages, and so, for MEMBER_PAGE_CACHE_SECONDS, does a member who has just sent a form:
they see their own change at once, everyone else up to that many seconds later. Members' other pages (the
dashboard, messages) are theirs alone and are never kept; an event's organizers get its page afresh.

Pages with flashed messages are neither kept nor served from the cache; neither is anything but a 200
HTML answer.

Members' own pages keep parts too, by what those parts show (`kept_fragment`): the dashboard's panels and
the inbox's list are read from the database on every visit, and only their HTML is reused, by each
worker, when the same data is shown again in the same language and timezone.
"""

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache, partial, wraps
from operator import attrgetter

from cachetools import LRUCache
from flask import Flask, Response, current_app, g, has_request_context, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, get_timezone
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from community.accounts.models import Role
from community.extensions import cache
from community.template_i18n import READER

MEMBER_MENU = "_member_menu.html"
# What each worker keeps of the pieces it rendered (`kept_piece`), by their length: the least recently used
# go first. A member's menu is about 1,100 characters, a dashboard panel 2,000 to 5,000, an inbox's list
# of 20 conversations about 15,000: a few megabytes of a worker's memory.
PIECES_KEPT_CHARACTERS = 3_000_000
# The member's own parts of a shared page by name (such as their answer to each event of a list): a
# function from the ids of the page's slots of that name to each one's HTML, found with one query.
PERSONAL_PARTS: dict[str, Callable[[list[int]], dict[int, str]]] = {}
# When the member last sent a form (seconds since the epoch), in their session.
WROTE_AT = "wrote_at"
# The kept pieces are one cache per worker; a threaded server (`flask run`, gthread workers) shares it.
_PIECES_LOCK = threading.Lock()


def init_app(app: Flask) -> None:
    app.before_request(_remember_when_members_write)
    app.add_template_global(member_menu_slot)
    app.add_template_global(member_slot)
    app.add_template_global(layout_part)
    app.add_template_global(kept_fragment)


def personal_part(name: str):
    """Register the function that fills a shared page's slots called `name` (see `member_slot`)."""

    def register(fill: Callable[[list[int]], dict[int, str]]):
        PERSONAL_PARTS[name] = fill
        return fill

    return register


def _remember_when_members_write() -> None:
    # Before the view: logging in is a POST by someone not yet a member, and needs no fresh pages.
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        session[WROTE_AT] = int(time.time())


def wrote_since(moment: float) -> bool:
    """Whether the member has sent a form since `moment` (seconds since the epoch) or in its second.

    Outside a request (a command, a job) no session can tell: they may have."""
    return not has_request_context() or session.get(WROTE_AT, 0) >= int(moment)


def _slot(name: str) -> str:
    """A stand-in for a piece of a page that no page can contain by chance, the same in every worker."""
    return _slot_for(current_app.secret_key, name)


@lru_cache(maxsize=64)
def _slot_for(secret_key: str, name: str) -> str:
    # Every member's answer fills several slots: their names are worked out once, not on each request.
    digest = hmac.new(secret_key.encode(), f"page-cache-{name}-slot".encode(), hashlib.sha256)
    return f"{name}-slot-{digest.hexdigest()[:32]}"


# What follows the secret prefix of a member's own part: its name and item id ("answer-12.").
_PART_NAME_AND_ID = re.compile(r"-([a-z-]+)-(\d+)\.")


def member_menu_slot() -> Markup:
    """What the layout's navigation bar has in place of the member's menu, filled for each member."""
    return Markup(_slot("member-menu"))  # noqa: S704 - our own constant


@pass_context
def layout_part(context: Context, name: str) -> Markup:
    """The part `name` of the layout around every page (templates/_layout/<name>.html) for this request.

    The navigation bar and the footer differ between two visitors, or two plain members, only in the
    member's menu, the CSRF token and the address the language switcher returns to, yet rendering them
    took 0.2 ms of every page rendered for a member (a twentieth of their inbox): each worker keeps them
    rendered per language with slots for those three. Moderators' and admins' bars show counts of their
    own and are rendered afresh.
    """
    user = current_user._get_current_object()  # read a few times: once through Flask-Login's proxy
    secret_key = current_app.secret_key
    language = _language_of(context)
    template = f"_layout/{name}.html"
    return_address_slot = _slot_for(secret_key, "return-address")
    render = partial(render_template, template, return_address_slot=Markup(return_address_slot))  # noqa: S704
    member = user.is_authenticated
    if member and user.role is not Role.MEMBER:
        html = render()
    else:
        html = kept_piece(("layout", name, member), render, language)
    menu_slot = _slot_for(secret_key, "member-menu")
    if member and not g.get("page_for_members") and menu_slot in html:
        # A page kept for every member keeps the slot, filled on each answer (`_fill_slots`). The footer
        # has none: finding the member's menu for it cost a page as much as finding it for the header.
        html = html.replace(menu_slot, _member_menu(language))
    html = html.replace(_slot_for(secret_key, "csrf"), generate_csrf())
    return_address = request.full_path.rstrip("?") if request.method == "GET" else ""
    return Markup(html.replace(return_address_slot, str(escape(return_address))))  # noqa: S704 - rendered by Jinja


def _language_of(context: Context) -> str | None:
    """The language a template is being rendered in, as its context holds it (template_i18n.READER)."""
    reader = context.get(READER)
    return reader[0] if reader else None


def member_slot(name: str, item_id: int) -> Markup:
    """A slot for the member's own part `name` of item `item_id`, filled on every answer by its function."""
    return Markup(f"{_slot('part')}-{name}-{int(item_id)}.")  # noqa: S704 - our own constant and a number


def _fill_personal_parts(body: str) -> str:
    # Every member's own part starts with the same secret prefix, so the page is cut at it once, at the
    # speed of str.split: a regular expression over the page, twice (to find the parts, then to fill them),
    # had cost a thread page 40 µs even when it had none.
    prefix = _slot("part")
    pieces = body.split(prefix)
    if len(pieces) == 1:
        return body
    slots: list[tuple[str, int, int] | None] = []  # each piece's part (name, id, where its text starts)
    wanted: dict[str, set[int]] = {}
    for piece in pieces[1:]:
        found = _PART_NAME_AND_ID.match(piece)
        if found is None:
            slots.append(None)
            continue
        name, item_id = found.group(1), int(found.group(2))
        slots.append((name, item_id, found.end()))
        wanted.setdefault(name, set()).add(item_id)
    parts: dict[tuple[str, int], str] = {}
    for name, fill in PERSONAL_PARTS.items():
        if name in wanted:
            parts.update(((name, item_id), html) for item_id, html in fill(sorted(wanted[name])).items())
    filled = [pieces[0]]
    for piece, slot in zip(pieces[1:], slots, strict=True):
        if slot is None:
            filled.append(prefix + piece)
        else:
            name, item_id, end = slot
            filled.append(parts.get((name, item_id), ""))
            filled.append(piece[end:])
    return "".join(filled)


def _shares_members_pages() -> bool:
    """Whether this member sees the pages every plain member sees (and may be answered with a kept copy)."""
    seconds = current_app.config["MEMBER_PAGE_CACHE_SECONDS"]
    return (
        seconds > 0
        and current_user.role is Role.MEMBER
        and not current_user.is_silenced
        and time.time() - session.get(WROTE_AT, 0) >= seconds
    )


def _key(members_too: bool, audience: Callable[[], str | None] | None) -> tuple[str, int] | None:
    """The kept copy this request may be answered with (its key and lifetime), or None: render afresh."""
    if request.method != "GET" or session.get("_flashes"):
        return None
    if not current_user.is_authenticated:
        seconds = current_app.config["VISITOR_PAGE_CACHE_SECONDS"]
        # The language decides the page's text; the path and query string decide everything else.
        return (f"visitor-page:{get_locale()}:{request.full_path}", seconds) if seconds > 0 else None
    if members_too and _shares_members_pages():
        group = audience() if audience else ""
        if group is None:
            return None
        # Members' pages show dates and times in their own timezone. The number is the slots' format: a
        # copy kept in a shared cache by an older version of the site is not served with slots unfilled.
        key = f"member-page:2:{get_locale()}:{get_timezone()}:{group}:{request.full_path}"
        return key, current_app.config["MEMBER_PAGE_CACHE_SECONDS"]
    return None


def _token_of_this_request() -> str | None:
    """The CSRF token the page was rendered with, if it has a form (Flask-WTF keeps it on `g`)."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def _fill_slots(body: str) -> str:
    if current_user.is_authenticated:
        body = body.replace(_slot("member-menu"), _member_menu())
        body = _fill_personal_parts(body)
    return body.replace(_slot("csrf"), generate_csrf())


def _member_menu(language: str | None = None) -> str:
    """The member's menu, its CSRF token left as a slot: on every member's page, shared or not.

    Rendering it cost a fifth of a shared page, yet it changes only with the member's language and counts.
    """
    from community.notifications.views import navigation_badges

    badges = navigation_badges()
    key = ("member-menu", current_user.id, badges.get("notifications", 0), badges.get("messages", 0))
    return kept_piece(key, lambda: render_template(MEMBER_MENU), language)


def kept_piece(key: tuple, render: Callable[[], str], language: str | None = None) -> str:
    """A piece of a member's page that `key` decides, in the reader's language: rendered once per worker.

    Each worker keeps the pieces it used most recently, up to PIECES_KEPT_CHARACTERS in all (such as a
    member's menu, the answer panel of an event for a given answer, a dashboard's panel): the layout's
    parts, used on every page, are never pushed out by a run of members' own panels. A CSRF token in the
    piece is kept as a slot, which the page's answer fills. A template passes its `language`, which
    its rendering has already found; finding it again cost 6 µs a piece.
    """
    full_key = (language or str(get_locale()), request.script_root, *key)
    pieces = current_app.extensions.get("kept_pieces")
    if pieces is None:
        pieces = current_app.extensions["kept_pieces"] = LRUCache(PIECES_KEPT_CHARACTERS, getsizeof=len)
    try:
        with _PIECES_LOCK:
            piece = pieces[full_key]  # one look-up: get() looks the key up twice
    except KeyError:
        piece = None
    if piece is None:
        piece = render().replace(generate_csrf(), _slot("csrf"))
        if len(piece) <= PIECES_KEPT_CHARACTERS:
            with _PIECES_LOCK:
                pieces[full_key] = piece
    return piece


@pass_context
def kept_fragment(context: Context, name: str, *inputs, caller: Callable[[], str]) -> Markup:
    """`{% call kept_fragment(name, inputs...) %}...{% endcall %}`: the block rendered once per worker for
    the same inputs, in the reader's language (`kept_piece`).

    For a panel of a page of the member's own, such as the dashboard's, whose HTML nothing but what it
    shows decides: the view or template reads that afresh on every request, and only the rendering is
    saved when it is the same as before. `inputs` must be everything the block shows or uses, the
    reader's timezone included when it shows times, as plain values: numbers, text (translated text
    too), dates, enums, and lists, tuples and dataclasses of them. Anything else (a database object,
    whose content may change under the same identity) is refused.
    """
    key = ("fragment", name, *(_frozen(value) for value in inputs))
    piece = kept_piece(key, caller, _language_of(context))
    # A member's own page is not answered through `_fill_slots`: a form in the block gets its token here.
    csrf_slot = _slot("csrf")
    if csrf_slot in piece:
        piece = piece.replace(csrf_slot, generate_csrf())
    return Markup(piece)  # noqa: S704 - rendered by Jinja, escaped there


_PLAIN = (str, int, float, date, Enum, type(None))  # bool is an int; datetime a date
# Plain types known by their type alone: the usual ones, and each enum once it has been seen.
_PLAIN_TYPES = {str, int, float, bool, type(None), date, datetime}


def _frozen(value):
    """`value` as a key: lists and dataclasses become tuples, plain values stay as they are."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if isinstance(value, tuple | list):
        if kind is not list and _all_plain(value):
            return value  # a row of plain values (a named tuple read as columns) is a key as it is
        return tuple(map(_frozen, value))
    if isinstance(value, _PLAIN):
        if isinstance(value, Enum):
            _PLAIN_TYPES.add(kind)
        return value
    if isinstance(value, LazyString):  # such as "Former member": text in the reader's language, in the key
        return str(value)
    fields_of = _dataclass_fields(kind)
    if fields_of is None:
        raise TypeError(f"kept_fragment takes plain values, not {kind.__name__}")
    values = fields_of(value)
    return values if _all_plain(values) else tuple(map(_frozen, values))


def _all_plain(values: tuple) -> bool:
    """Whether `values` holds plain values and tuples of them (named tuples too), at any depth: a key as it is.

    The types are looked up without a Python call per item first: the dashboard's keys have a few hundred.
    """
    if all(map(_PLAIN_TYPES.__contains__, map(type, values))):
        return True
    return all(type(value) in _PLAIN_TYPES or (isinstance(value, tuple) and _all_plain(value)) for value in values)


@lru_cache(maxsize=64)
def _dataclass_fields(kind: type) -> Callable[[object], tuple] | None:
    # A whole list of rows is a key on every visit (the inbox's 20): one getter per class, not a look at
    # the class's fields per row, made the inbox's key three times cheaper.
    if not is_dataclass(kind):
        return None
    names = [field.name for field in fields(kind)]
    return attrgetter(*names) if len(names) > 1 else lambda value: tuple(getattr(value, name) for name in names)


def _kept(view, members_too: bool, audience: Callable[[], str | None] | None = None):
    @wraps(view)
    def wrapper(*args, **kwargs):
        return _serve(lambda: view(*args, **kwargs), members_too, audience)

    return wrapper


def shared_with_members(render: Callable[[], ResponseReturnValue], audience: Callable[[], str | None]) -> Response:
    """A member's page from the copy kept for members of their `audience`, or from `render` (then kept).

    For a view that must do work of its own for each member around the page (checks, a read marker), and
    so cannot be decorated: the view calls this where it would render.
    """
    return _serve(render, members_too=True, audience=audience)


def _serve(render: Callable[[], ResponseReturnValue], members_too: bool, audience) -> Response:
    found = _key(members_too, audience)
    if found is None:
        return make_response(render())
    key, seconds = found
    kept = cache.get(key)
    if kept is not None:
        body, content_type = kept
        return current_app.response_class(_fill_slots(body), content_type=content_type)
    g.page_for_members = current_user.is_authenticated
    try:
        response = make_response(render())
    finally:
        g.page_for_members = False  # an error page rendered after an abort() has the menu itself
    if response.mimetype != "text/html":
        return response
    if response.status_code == 200 and not session.get("_flashes"):
        body = response.get_data(as_text=True)
        token = _token_of_this_request()
        if token:
            body = body.replace(token, _slot("csrf"))
        cache.set(key, (body, response.content_type), timeout=seconds)
        response.set_data(_fill_slots(body))
    elif current_user.is_authenticated:  # not kept (a form's errors): the member's menu goes in its slot
        response.set_data(_fill_slots(response.get_data(as_text=True)))
    return response


def cached_for_visitors(view):
    """Serve the view's page to visitors from the cache when a recent copy exists, and keep new copies."""
    return _kept(view, members_too=False)


def cached_for_visitors_and_members(view=None, *, audience: Callable[[], str | None] | None = None):
    """The same, and for plain members too: the view's page is the same for every one of them.

    When it differs between groups of members (say, by the languages they read), `audience` names the
    member's group, and members share a copy only within it; None renders the member's page afresh.
    """
    if view is None:
        return lambda view: _kept(view, members_too=True, audience=audience)
    return _kept(view, members_too=True, audience=audience)
