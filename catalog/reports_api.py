"""The reports as JSON for tools: collection, translation and use per month (``contentlib.reports``).

``GET /api/v1/reports/<name>?from=YYYY-MM&to=YYYY-MM[&subject=&type=&audience=]``, with the
Bearer token of an admin or a reviewer (or their logged-in session).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from contentlib import reports as core
from contentlib.errors import BadParameter

from . import openapi
from .api import error
from .auth import needs
from .extensions import csrf
from .resources import get_library
from .workflow_api import authenticate

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")
csrf.exempt(bp)
bp.before_request(authenticate)  # the same Bearer token check as the workflow API
REPORTS = ("collection", "translation", "usage")


@bp.errorhandler(BadParameter)
def bad_parameter(exc: BadParameter):
    return error(400, "bad_parameter", exc.message, parameter=exc.parameter)


def read_args(args) -> tuple[core.Period, core.Filters]:
    """The period and filters of a report request (shared with the page and its CSV files).

    :raises BadParameter: naming the first bad parameter.
    """
    return get_library().report_request(_month(args, "from"), _month(args, "to"), args.get("subject"),
                                        args.get("type"), args.get("audience"))


def _month(args, name: str) -> str | None:
    """A month parameter: absent is the default; present, it must be a month (``to=`` is refused, as the schema says)."""
    value = args.get(name)
    if value is not None and not value:
        raise BadParameter(name, "must be a month as YYYY-MM, e.g. 2026-01")
    return value


@bp.get("/demand")
@openapi.doc("What readers want: works asked for in a language they lack, and unmet searches (asked 3 times or more)",
             auth=True, tag="reports",
             query=[{"name": "from", "schema": openapi.MONTH}, {"name": "to", "schema": openapi.MONTH}],
             responses={200: "Demand", 400: "Error", 401: "Error", 403: "Error"})
@needs("review")
def demand():
    lib = get_library()
    period, _ = lib.report_request(_month(request.args, "from"), _month(request.args, "to"))
    return jsonify(lib.demand_report(period))


@bp.get("/<name>")
@openapi.doc("A report per month: the collection (collection), translation (translation) or use (usage)",
             auth=True, tag="reports",
             query=[{"name": "from", "schema": openapi.MONTH}, {"name": "to", "schema": openapi.MONTH},
                    {"name": "subject", "schema": openapi.STR}, {"name": "type", "schema": openapi.STR},
                    {"name": "audience", "schema": openapi.STR},
                    {"name": "library", "schema": openapi.STR, "description": "usage only: one county library's id"}],
             responses={200: "Report", 400: "Error", 401: "Error", 403: "Error", 404: "Error"})
@needs("review")
def report(name):
    if name not in REPORTS:
        return error(404, "not_found", f"no report {name!r}; expected one of {', '.join(REPORTS)}")
    period, filters = read_args(request.args)
    return jsonify(get_library().report(name, period, filters, library=request.args.get("library") or None))
