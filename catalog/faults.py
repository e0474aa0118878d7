"""What a visitor sees when the database is away or the disk is full or read-only: 503 or 507, never a 500.

``DatabaseUnavailable`` answers 503 with ``Retry-After`` (JSON under /api/, else a short page in the
visitor's language that asks nothing of the database: not even who is logged in). A full or read-only
disk answers 507 Insufficient Storage. Either way the request changed nothing, and the answer says so.
"""

from __future__ import annotations

import logging
import time

from flask import current_app, jsonify, render_template, request
from flask_babel import get_locale

from contentlib.errors import CannotWrite, DatabaseUnavailable, NoSpace, ReadOnlyStorage, storage_error

from .texts import lazy_gettext as _l

log = logging.getLogger("contentlib.faults")
QUIET_SECONDS = 10.0  # one log line per process this often while the database is away (the access log has each)
_last_said = [0.0]

UNAVAILABLE_API = "the database is not available for a moment; nothing was changed. Try again in a few seconds."
FULL = _l("The server's disk is full. Nothing was saved; please tell the library's administrator.")
READ_ONLY = _l("The server cannot write its files at the moment. Nothing was saved; "
               "please tell the library's administrator.")
STORAGE_API = {"full": "no space left on the server's disk; nothing was saved",
               "read-only": "the server's files cannot be written now (read-only); nothing was saved"}


def _api() -> bool:
    return request.path.startswith("/api/")


def unavailable(e: DatabaseUnavailable):
    """503 with ``Retry-After``; the page is rendered without the context processors (they ask the database)."""
    if time.monotonic() - _last_said[0] >= QUIET_SECONDS:
        _last_said[0] = time.monotonic()
        log.warning("answering 503: %s", e)
    if _api():
        response = jsonify({"error": {"code": "unavailable", "message": UNAVAILABLE_API}})
    else:
        locale = str(get_locale() or "bo")
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            html_lang={"zh_Hans": "zh-Hans"}.get(locale, locale), retry_after=e.retry_after)
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(e.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def cannot_store(e: CannotWrite):
    """507 Insufficient Storage for a full or read-only disk; any other ``CannotWrite`` is a 500 (a bug here)."""
    if not isinstance(e, (NoSpace, ReadOnlyStorage)):
        raise e
    reason = "full" if isinstance(e, NoSpace) else "read-only"
    log.error("507 %s %s: %s", request.method, request.path, e)
    if _api():
        return jsonify({"error": {"code": "insufficient_storage", "reason": reason,
                                  "message": STORAGE_API[reason]}}), 507
    return render_template("errors/error.html", status=507, lead=FULL if reason == "full" else READ_ONLY), 507


def os_error(e: OSError):
    """A full or read-only disk met outside the core's own checks; any other ``OSError`` stays a 500."""
    fault = storage_error(e)
    if fault is None:
        raise e
    return cannot_store(fault)


def low_disks() -> list:
    """The disks under ``CONTENTLIB_MIN_FREE_MB`` (admins see a warning on every page while there are any)."""
    from .resources import get_library

    try:
        return [d for d in get_library().disks() if d.low or d.read_only]
    except OSError:
        return []


def init_app(app) -> None:
    app.context_processor(lambda: {"low_disks": low_disks})
    app.register_error_handler(DatabaseUnavailable, unavailable)
    app.register_error_handler(CannotWrite, cannot_store)
    app.register_error_handler(OSError, os_error)
