"""Domain exceptions mapped to HTTP statuses in one place."""

from flask import jsonify, render_template, request

from contentlib.errors import BadParameter, InvalidRecord, MediaRejected, NotAllowed, WorkNotFound


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str | None = None):
    if _wants_json():
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found"}
        return jsonify({"error": {"code": codes.get(status, "error"), "message": message or ""}}), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    app.register_error_handler(WorkNotFound, lambda e: _render(404))
    app.register_error_handler(404, lambda e: _render(404))
    app.register_error_handler(BadParameter, lambda e: _render(400, str(e)))
    app.register_error_handler(InvalidRecord, lambda e: _render(400, str(e)))
    app.register_error_handler(MediaRejected, lambda e: _render(400, str(e)))
    app.register_error_handler(NotAllowed, lambda e: _render(403))
