"""Domain exceptions mapped to HTTP statuses in one place."""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from contentlib.errors import BadParameter, InvalidRecord, MediaRejected, NotAllowed, WorkNotFound

FORM_EXPIRED = _l("This form has expired. Go back, reload the page and try again.")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str | None = None, translated: bool = False):
    """The error as JSON under /api/, else as a page; ``translated`` messages need no lang="en"."""
    if _wants_json():
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found"}
        return jsonify({"error": {"code": codes.get(status, "error"), "message": str(message or "")}}), status
    return render_template("errors/error.html", status=status, message=message, translated=translated), status


def _http(e: HTTPException):
    """Any other HTTP error (405, 413, 500 ...) as a page in the visitor's language, not Werkzeug's English one."""
    if e.code is None or e.code < 400:
        return e
    return _render(e.code)


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _http)
    # A form left open too long (or cookies cleared): say so, in the visitor's language.
    app.register_error_handler(CSRFError, lambda e: _render(400, FORM_EXPIRED, translated=True))
    app.register_error_handler(WorkNotFound, lambda e: _render(404))
    app.register_error_handler(404, lambda e: _render(404))
    app.register_error_handler(BadParameter, lambda e: _render(400, str(e)))
    app.register_error_handler(InvalidRecord, lambda e: _render(400, str(e)))
    app.register_error_handler(MediaRejected, lambda e: _render(400, str(e)))
    app.register_error_handler(NotAllowed, lambda e: _render(403))
