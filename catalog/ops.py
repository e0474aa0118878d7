"""Operations: liveness and readiness probes, and one access-log line per request."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, g, jsonify, request

from .resources import get_library

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("contentlib.access")


@bp.get("/healthz")
def healthz():
    """The process is alive (nothing else is checked)."""
    return jsonify({"alive": True})


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers and this node's index is open (503 otherwise)."""
    report = get_library().readiness()
    if report["ready"]:
        return jsonify(report)
    return jsonify(report), 503, {"Retry-After": "5"}  # a balancer (or a person) asks again soon


def _start():
    g.started = time.perf_counter()


def _log(response):
    ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info("%s %s %s %.0fms", request.method, request.full_path.rstrip("?"), response.status_code, ms)
    return response


def configure_logging(level: str = "INFO") -> None:
    """Send the log to stderr (one line per record, tracebacks included) at ``level``."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" lines under load
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a dozen setup lines per process at every start


def init_app(app) -> None:
    if not app.config.get("TESTING"):
        configure_logging(app.config.get("CONTENTLIB_LOG_LEVEL", "INFO"))
    app.before_request(_start)
    app.after_request(_log)
