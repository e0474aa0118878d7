"""Domain exceptions mapped to HTTP statuses in one place."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from contentlib.errors import (BadParameter, InvalidRecord, InvalidTransition, MediaRejected, NotAllowed, NotFound,
                               TooManyAttempts, WorkNotFound)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
         413: "too_large", 429: "too_many_attempts"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None, code: str | None = None):
    if _wants_json():
        return jsonify({"error": {"code": code or CODES.get(status, "error"), "message": message or ""}}), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    app.register_error_handler(WorkNotFound, lambda e: render_error(404, f"no work {e}"))
    app.register_error_handler(NotFound, lambda e: render_error(404, f"not found: {e}"))
    app.register_error_handler(404, lambda e: render_error(404))
    app.register_error_handler(405, lambda e: render_error(405, "method not allowed", "method_not_allowed"))
    app.register_error_handler(413, lambda e: render_error(413, "the request is too large", "too_large"))
    app.register_error_handler(BadParameter, lambda e: render_error(400, str(e)))
    app.register_error_handler(InvalidRecord, lambda e: render_error(400, str(e), "invalid"))
    app.register_error_handler(MediaRejected, lambda e: render_error(400, str(e), "media_rejected"))
    app.register_error_handler(NotAllowed, lambda e: render_error(403, str(e)))
    app.register_error_handler(InvalidTransition, lambda e: render_error(409, str(e), "invalid_transition"))
    app.register_error_handler(TooManyAttempts, lambda e: render_error(429, "too many failed logins; wait 15 minutes"))
    app.register_error_handler(CSRFError, lambda e: render_error(400, e.description, "csrf"))
