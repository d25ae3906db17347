"""Errors that services raise, and the handlers that turn them and HTTP errors into translated pages."""

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from community.extensions import db


class PermissionDenied(Exception):
    """The current member may not do this; shown as a 403 page."""


class ActionRefused(Exception):
    """The action is understood but not allowed in the current state; views show `reason` to the member."""

    def __init__(self, reason, field: str | None = None):
        # Kept lazy: translated when shown, so a service may raise it outside a request (CLI, cron).
        super().__init__(reason)
        self.reason = reason
        self.field = field  # the form field the reason is about, when there is one


class Silenced(PermissionDenied):
    """The member is read-only for now (silenced or suspended by a moderator): a 403 page saying until when."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # a lazy string, translated when shown


# i18n: titles and explanations of the error pages.
ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you were looking for does not exist or has been removed.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large. Please send something smaller.")),
    429: (_l("Too many requests"), _l("You have made too many requests. Please wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. It has been logged; please try again later."),
    ),
}
CSRF_TEXT = _l("Your form expired or was sent from another site. Please reload the page and try again.")


def _render(code: int, message=None, headers=None):
    title, explanation = ERROR_TEXTS.get(code) or ERROR_TEXTS[400 if code < 500 else 500]
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title)), code, headers or {}
    page = render_template("errors/error.html", code=code, title=title, message=message or explanation)
    return page, code, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PermissionDenied)
    def permission_denied(_error):
        return _render(403)

    @app.errorhandler(Silenced)
    def silenced(error: Silenced):
        return _render(403, str(error.reason))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _render(400, CSRF_TEXT)

    # Unexpected exceptions reach this as InternalServerError (Flask logs them first); under TESTING
    # they propagate instead, so a test sees the real traceback.
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # The failure may have broken the transaction, and the page still reads the member.
            db.session.rollback()
        # Keep headers such as Allow (405) and Retry-After (429) that the error carries.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return _render(error.code, headers=headers)
