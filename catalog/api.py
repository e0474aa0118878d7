"""The JSON API: search (``spec/search-api.md``) and works in the record format."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from contentlib.errors import BadParameter, IndexUnavailable
from contentlib.records import work_to_record
from contentlib.search.results import SearchResult

from . import openapi
from .counting import get_counter
from .extensions import csrf
from .media import describe
from .resources import get_library

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
    """Search works (``spec/search-api.md``); a fault other than a missing index is a logged 500."""
    try:
        result = get_library().search_query(request.args.to_dict(flat=False), other_language=True)
    except IndexUnavailable:
        return error(503, "index_unavailable", "The search index is being rebuilt; try again shortly.")
    return jsonify(search_body(result))


def search_body(result: SearchResult) -> dict:
    """The search API's JSON for one page of results."""
    body = result.as_dict()
    for hit in body["results"]:
        hit["url"] = url_for("works.show", work_id=hit["id"])
    for hit in body.get("other_language", {}).get("results", ()):  # when the query read as bo or zh
        hit["url"] = url_for("works.show", work_id=hit["id"])
    return body


@bp.post("/works/<work_id>/ask")
@openapi.doc("Ask for a version of a work in Tibetan or Chinese (counted, aggregate only)",
             body={"$ref": "#/components/schemas/Ask"},
             responses={202: "Asked", 400: "Error", 404: "Error", 429: "Error"}, tag="works")
def ask(work_id):
    """Anyone may ask; only the count per work, language and day is kept. No session, so no CSRF token."""
    body = request.get_json(silent=True)
    lang = body.get("lang") if isinstance(body, dict) else None
    if not isinstance(lang, str):
        raise BadParameter("lang", "a JSON body {\"lang\": \"bo\"} or {\"lang\": \"zh\"} is required")
    if not get_library().ask_translation(work_id, lang, get_counter()):
        return error(429, "too_many_asks", "Too many requests for translations right now; try again later.")
    return jsonify({"work": work_id, "lang": lang, "asked": True}), 202


@bp.get("/works/<work_id>")
@openapi.doc("A work in the record format, its media with URLs", responses={200: "Record", 404: "Error"},
             tag="works")
def work(work_id):
    """The work in the record format, each media entry with its URLs and facts."""
    work = get_library().work(work_id)
    body = work_to_record(work)
    if work.media:
        body["media"] = [describe(m) for m in work.media]
    body["url"] = url_for("works.show", work_id=work.id)
    return jsonify(body)
