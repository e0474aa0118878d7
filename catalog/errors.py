"""Domain exceptions mapped to HTTP statuses in one place."""

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from contentlib.errors import (
    BadParameter,
    InvalidRecord,
    InvalidTransition,
    LoginsBusy,
    MediaRejected,
    NotAllowed,
    NotFound,
    TooManyAttempts,
    WorkNotFound,
)

from .texts import lazy_gettext as _l

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
         413: "too_large", 429: "too_many_attempts", 500: "internal_error"}

FORM_EXPIRED = _l("This form has expired. Go back, reload the page and try again.")
LOCKED_OUT = _l("Too many failed logins. Wait and try again, or ask an admin to unlock the account.")
LOGINS_BUSY = _l("Many logins are being tried at once. Wait a moment and try again.")

# What a refused file's reason means, in the visitor's language; the checks'
# own detail follows in English.
REFUSALS = {
    "format": _l("This kind of file is not accepted."),
    "size": _l("This file is over the size limit."),
    "unsafe": _l("This file was refused for safety."),
    "missing": _l("No file was received, or the file is empty."),
    "damaged": _l("This file is damaged or could not be read."),
}


def media_rejected(e: MediaRejected):
    """A refused file: its reason for people, and for API clients in ``error.reason``."""
    if _wants_json():
        return jsonify({"error": {"code": "media_rejected", "reason": e.reason, "message": str(e)}}), 400
    return render_template("errors/error.html", status=400, message=str(e),
                           lead=REFUSALS[e.reason]), 400


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None, code: str | None = None, translated: bool = False):
    """The error as JSON under /api/, else as a page; ``translated`` messages need no lang="en"."""
    if _wants_json():
        return jsonify({"error": {"code": code or CODES.get(status, "error"), "message": str(message or "")}}), status
    return render_template("errors/error.html", status=status, message=message, translated=translated), status


def _http(e: HTTPException):
    """Any other HTTP error (500 ...) as a page in the visitor's language, not Werkzeug's English one."""
    if e.code is None or e.code < 400:
        return e
    return render_error(e.code)


def _method_not_allowed(e):
    """405 with the ``Allow`` header RFC 9110 requires (clients learn what the route does take)."""
    body, status = render_error(405, "method not allowed", "method_not_allowed")
    response = current_app.make_response((body, status))
    if getattr(e, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(e.valid_methods))
    return response


def _logins_busy(e: LoginsBusy):
    """429, not a 5xx: the server is fine, it only takes a few password checks at a time."""
    response = current_app.make_response(render_error(429, LOGINS_BUSY, "logins_busy", translated=True))
    response.headers["Retry-After"] = "2"
    return response


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(WorkNotFound, lambda e: render_error(404, f"no work {e}"))
    app.register_error_handler(NotFound, lambda e: render_error(404, f"not found: {e}"))
    app.register_error_handler(404, lambda e: render_error(404))
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(413, lambda e: render_error(413, "the request is too large", "too_large"))
    app.register_error_handler(BadParameter, lambda e: render_error(400, str(e)))
    app.register_error_handler(InvalidRecord, lambda e: render_error(400, str(e), "invalid"))
    app.register_error_handler(MediaRejected, media_rejected)
    app.register_error_handler(NotAllowed, lambda e: render_error(403, str(e)))
    app.register_error_handler(InvalidTransition, lambda e: render_error(409, str(e), "invalid_transition"))
    app.register_error_handler(TooManyAttempts, lambda e: render_error(429, LOCKED_OUT, translated=True))
    app.register_error_handler(LoginsBusy, _logins_busy)
    # A form left open too long (or cookies cleared): say so in the visitor's language.
    app.register_error_handler(CSRFError, lambda e: render_error(400, FORM_EXPIRED, "csrf", translated=True))
    from . import faults  # the database away, the disk full or read-only: 503 and 507
    faults.init_app(app)
