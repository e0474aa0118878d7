"""The OpenAPI 3.0 description of the JSON API, generated from the views themselves.

Each API view carries its description beside it (``@openapi.doc(...)`` right under
the route decorator); ``/api/v1/openapi.json`` walks the app's URL map, so a new
route appears in the document as soon as it exists: with its parameters and
response schemas when documented, and as a bare JSON operation otherwise.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify

from contentlib.model import LANGUAGES, MEDIA_ROLES, STATES, WORK_TYPES
from contentlib.search_request import FILE_KINDS

from .public import base
from .resources import get_library

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
PREFIX = "/api/v1/"


def doc(summary: str, *, query: list[dict] = (), body: dict | None = None, multipart: dict | None = None,
        responses: dict[int, str | None], auth: bool = False, tag: str = "catalog"):
    """Describe an API view: its query parameters, request body and responses (status -> schema name).

    :param query: OpenAPI parameter objects (``name``, ``schema``, ...); ``in: query`` is added.
    :param body: a JSON request body's schema; ``multipart``: a form's schema.
    :param responses: each status with the name of a schema in :func:`schemas` (``None``: no body).
    :param auth: the view needs ``Authorization: Bearer TOKEN``.
    """
    def decorate(view):
        view.openapi = {"summary": summary, "query": list(query), "body": body, "multipart": multipart,
                        "responses": responses, "auth": auth, "tag": tag}
        return view
    return decorate


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
LANG = {"type": "string", "enum": list(LANGUAGES)}
MONTH = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$"}
LANG_MAP = {"type": "object", "additionalProperties": STR}


def schemas(vocabulary) -> dict:
    """The components: the record format, search response, version status, media, coverage, errors."""
    media = {"type": "object", "required": ["path", "role", "sha256", "url"], "properties": {
        "path": STR, "role": {"type": "string", "enum": list(MEDIA_ROLES)}, "lang": LANG, "sha256": STR,
        "size": _nullable(INT), "content_type": _nullable(STR), "kind": _nullable(STR),
        "url": _nullable(STR), "download_url": STR, "name": _nullable(STR), "ready": BOOL,
        "thumbnail_url": _nullable(STR), "thumbnail_jpeg_url": _nullable(STR), "image_url": _nullable(STR),
        "width": _nullable(INT), "height": _nullable(INT), "duration_seconds": _nullable(INT),
        "pages": _nullable(INT), "vtt_url": _nullable(STR)}}
    creator = {"type": "object", "required": ["name", "role"], "properties": {"name": LANG_MAP, "role": STR}}
    codes = {"type": "array", "items": STR}
    record = {"type": "object", "required": ["id", "type", "titles"], "properties": {
        "id": STR, "type": {"type": "string", "enum": list(WORK_TYPES)}, "titles": LANG_MAP,
        "descriptions": LANG_MAP, "keywords": {"type": "object", "additionalProperties": codes},
        "subjects": codes, "audiences": codes, "grades": codes, "year": INT, "duration_seconds": INT,
        "pages": INT, "creators": {"type": "array", "items": creator}, "license": STR, "attribution": STR,
        "source_url": STR, "media": {"type": "array", "items": {"$ref": "#/components/schemas/Media"}},
        "updated": LANG_MAP, "url": STR}}
    result = {"type": "object", "required": ["id", "type", "titles", "url"], "properties": {
        "id": STR, "type": STR, "titles": LANG_MAP, "languages": {"type": "array", "items": LANG},
        "score": _nullable(NUM), "highlights": LANG_MAP, "url": STR}}
    counts = {"type": "object", "additionalProperties": INT}
    search = {"type": "object", "required": ["query", "total", "page", "per_page", "results"], "properties": {
        "query": STR, "interpreted": {"type": "array", "items": {"type": "object"}}, "total": INT,
        "page": INT, "per_page": INT, "results": {"type": "array", "items": result},
        "facets": {"type": "object", "additionalProperties": counts},
        "other_language": {"type": "object", "required": ["lang", "total", "results"], "properties": {
            "lang": LANG, "total": INT, "results": {"type": "array", "items": {
                **result, "properties": {**result["properties"], "via": {"type": "array", "items": STR}}}}}}}}
    text = {"type": "object", "properties": {"title": _nullable(STR), "description": _nullable(STR),
                                             "keywords": codes}}
    status = {"type": "object", "required": ["work_id", "lang", "state"], "properties": {
        "work_id": STR, "lang": LANG, "state": {"type": "string", "enum": list(STATES) + ["missing"]},
        "public": _nullable(text), "working": _nullable(text), "updated_by": _nullable(STR),
        "updated_at": _nullable(NUM), "review_comment": _nullable(STR), "editors": codes}}
    change = {"type": "object", "required": ["lang", "at", "action"], "properties": {
        "lang": STR, "at": NUM, "actor": _nullable(STR), "action": STR, "from": _nullable(STR),
        "to": _nullable(STR), "changes": {"type": "object"}, "comment": _nullable(STR)}}
    per_state = {"type": "object", "additionalProperties": True}
    error = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": STR, "message": STR, "parameter": STR, "reason": STR}}}}
    return {
        "Media": media, "Record": record, "SearchResponse": search, "VersionStatus": status,
        "History": {"type": "object", "required": ["work_id", "history"],
                    "properties": {"work_id": STR, "history": {"type": "array", "items": change}}},
        "Coverage": {"type": "object", "required": ["total_works", "languages"], "properties": {
            "total_works": INT, "languages": {"type": "object", "additionalProperties": per_state},
            "by_subject": {"type": "object"}, "by_audience": {"type": "object"}, "by_type": {"type": "object"}}},
        "VersionText": {"type": "object", "additionalProperties": False, "properties": {
            "title": _nullable(STR), "description": _nullable(STR), "keywords": codes}},
        "Comment": {"type": "object", "required": ["comment"],
                    "properties": {"comment": {"type": "string", "pattern": r"\S"}}},
        "Upload": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "role": {"type": "string", "enum": [r for r in MEDIA_ROLES]}}},
        "Report": {"type": "object", "required": ["months", "totals"], "properties": {
            "months": {"type": "array", "items": {"type": "object", "required": ["month"],
                                                  "properties": {"month": MONTH}}},
            "totals": {"type": "object"}}},
        "Ask": {"type": "object", "required": ["lang"], "properties": {"lang": {"type": "string", "enum": ["bo", "zh"]}}},
        "Asked": {"type": "object", "required": ["work", "lang", "asked"],
                  "properties": {"work": STR, "lang": STR, "asked": BOOL}},
        "Demand": {"type": "object", "required": ["months", "wanted", "unmet_queries"], "properties": {
            "months": {"type": "array", "items": MONTH},
            "wanted": {"type": "array", "items": {"type": "object", "required": ["work", "lang", "asks", "searches"],
                                                  "properties": {"work": STR, "lang": STR, "asks": INT,
                                                                 "searches": INT}}},
            "unmet_queries": {"type": "array", "items": {"type": "object", "required": ["q", "lang", "count"],
                                                         "properties": {"q": STR, "lang": STR, "count": INT}}}}},
        "Error": error,
    }


def search_parameters(vocabulary) -> list[dict]:
    """The search request's parameters (``spec/search-api.md``), codes from the vocabulary."""
    def codes(name, scheme):
        enum = list(WORK_TYPES) if scheme == "types" else vocabulary.codes(scheme)
        return {"name": name, "style": "form", "explode": True,
                "schema": {"type": "array", "items": {"type": "string", "enum": enum}}}
    return [{"name": "q", "schema": {"type": "string", "maxLength": 500}},
            codes("type", "types"), codes("subject", "subjects"), codes("audience", "audiences"),
            codes("grade", "grades"),
            {"name": "lang", "style": "form", "explode": True, "schema": {"type": "array", "items": LANG}},
            {"name": "has", "style": "form", "explode": True,
             "schema": {"type": "array", "items": {"type": "string", "enum": list(FILE_KINDS)}}},
            {"name": "page", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
            {"name": "per_page", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}]


_PATH_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
DESCRIPTIONS = {200: "OK", 201: "Created", 400: "Bad parameter or body", 401: "No or unknown API token",
                403: "Not allowed for this account", 404: "Not found", 409: "Not allowed in this state",
                413: "Too large", 503: "Search index being rebuilt"}


def _operation(rule, view, method: str, vocabulary, example_id: str | None) -> dict:
    meta = getattr(view, "openapi", None)
    names = [m.group(2) for m in _PATH_PARAM.finditer(rule.rule)]
    params = [{"name": n, "in": "path", "required": True,
               "schema": LANG if n == "lang" else {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,64}$"}
               if n == "work_id" else STR} for n in names]
    for p in params:
        if p["name"] == "work_id" and example_id:
            p["example"] = example_id  # a work that exists, so clients and fuzzers reach past the 404
    op = {"operationId": rule.endpoint.replace(".", "_") + ("" if method == "get" else f"_{method}"),
          "parameters": params}
    if meta is None:  # undocumented: still listed, so nothing JSON hides from readers of this document
        op.update(summary=rule.endpoint, responses={"default": {"description": "JSON",
                                                                "content": {"application/json": {"schema": {}}}}})
        return op
    op.update(summary=meta["summary"], tags=[meta["tag"]])
    query = search_parameters(vocabulary) if meta["query"] == ["search"] else meta["query"]
    op["parameters"] += [{"in": "query", "required": False, **q} for q in query]
    if meta["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": meta["body"]}}}
    if meta["multipart"]:
        op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": meta["multipart"]}}}
    if meta["auth"]:
        op["security"] = [{"bearer": []}]
    responses = {}
    for code, schema in meta["responses"].items():
        entry = {"description": DESCRIPTIONS.get(code, "")}
        if schema:
            entry["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        responses[str(code)] = entry
    op["responses"] = responses
    return op


def document(app, vocabulary, server: str, example_id: str | None = None) -> dict:
    """The OpenAPI document of every route under ``/api/v1/``."""
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX) or rule.endpoint == "openapi.spec":
            continue
        view = app.view_functions[rule.endpoint]
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, method.lower(), vocabulary,
                                                                     example_id)
    return {"openapi": "3.0.3",
            "info": {"title": "contentlib JSON API", "version": "1",
                     "description": "Search (spec/search-api.md), works in the record format "
                                    "(spec/catalog-record.md), the translation workflow, media upload, coverage."},
            "servers": [{"url": server}],
            "paths": paths,
            "components": {"schemas": schemas(vocabulary),
                           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                          "description": "contentlib users token NAME"}}}}


@bp.get("/openapi.json")
def spec():
    lib = get_library()
    return jsonify(document(current_app, lib.vocabulary(), base(), lib.newest_work_id()))
