"""The JSON API: search (``spec/search-api.md``) and works in the record format."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from contentlib import glossary
from contentlib.errors import BadParameter, IndexUnavailable
from contentlib.records import work_to_record
from contentlib.search_request import parse_search_args

from .extensions import csrf
from . import openapi
from .media import describe
from .resources import get, get_store

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated JSON API, no cookies involved


def error(status: int, code: str, message: str, **extra):
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


@bp.errorhandler(BadParameter)
def bad_parameter(exc: BadParameter):
    return error(400, "bad_parameter", exc.message, parameter=exc.parameter)


@bp.get("/search")
@openapi.doc("Search works (spec/search-api.md)", query=["search"],
             responses={200: "SearchResponse", 400: "Error", 503: "Error"}, tag="search")
def search():
    req = parse_search_args(request.args.to_dict(flat=False), get_store().vocabulary())
    try:
        body = get().index.search(req.q, req.filters, req.page, req.per_page,
                                  expansions=glossary.expansions(get_store(), req.q))
    except IndexUnavailable:
        get().rebuild_in_background()
        return error(503, "index_unavailable", "The search index is being rebuilt; try again shortly.")
    except Exception:  # the contract: never a 500 from search
        current_app.logger.exception("search failed for %r", req.q)
        get().rebuild_in_background()
        return error(503, "index_unavailable", "The search index is being rebuilt; try again shortly.")
    for result in body["results"]:
        result["url"] = url_for("works.show", work_id=result["id"])
    return jsonify(body)


@bp.get("/works/<work_id>")
@openapi.doc("A work in the record format, its media with URLs", responses={200: "Record", 404: "Error"},
             tag="works")
def work(work_id):
    """The work in the record format, each media entry with its URLs and facts."""
    work = get_store().get_work(work_id)
    body = work_to_record(work)
    if work.media:
        body["media"] = [describe(m) for m in work.media]
    body["url"] = url_for("works.show", work_id=work.id)
    return jsonify(body)
