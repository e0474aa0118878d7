"""The translation workbench's JSON API (``shared/spec/translation-api.md``): segments, saving, submit,
comments, XLIFF 2.0 out and in, and memory look-ups.

Editors, reviewers and admins only (anonymous 401, teacher 403), by ``Authorization: Bearer TOKEN``
or a browser session (which sends its CSRF token on writes, as the versions API wants).
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from flask_login import current_user

from contentlib import jsonsafe
from contentlib.errors import InvalidRecord
from contentlib.translation.workbench import ChecksFailed
from contentlib.translation.xliff import CONTENT_TYPE

from . import openapi
from .auth import acting_user, needs
from .errors import render_error
from .extensions import csrf
from .resources import get_library

bp = Blueprint("translation_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below, for cookie sessions only
MAX_JSON = 1024 * 1024  # as the versions API: a longer target than allowed is a 400 that says so, not a 413
BASE = "/works/<work_id>/translation/<lang>"
ANSWERS = {200: None, 400: "Error", 401: "Error", 403: "Error", 404: "Error", 409: "Error"}


@bp.before_request
def authenticate():
    if not request.path.endswith("/xliff"):  # an XLIFF file is read in a stream, under its own limits
        request.max_content_length = MAX_JSON
    header = request.headers.get("Authorization", "")
    g.api_user = None
    if header:
        scheme, _, token = header.partition(" ")
        user = get_library().accounts.for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return render_error(401, "unknown or malformed API token")
        g.api_user = user
    elif current_user.is_authenticated and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.errorhandler(ChecksFailed)
def checks_failed(exc: ChecksFailed):
    return jsonify({"error": {"code": "checks_failed", "message": str(exc)},
                    "checks": [{"sid": sid, "code": code} for sid, code in exc.failures]}), 409


def _body() -> dict:
    try:
        body = jsonsafe.loads(request.get_data(cache=True), MAX_JSON)
    except jsonsafe.JSONRefused as exc:
        raise InvalidRecord([("body", f"send a JSON object ({exc})")]) from None
    if not isinstance(body, dict):
        raise InvalidRecord([("body", "send a JSON object")])
    return body


@bp.get(BASE)
@openapi.doc("A version segment by segment: targets, memory suggestions, glossary terms, checks, comments",
             auth=True, tag="translation", responses=ANSWERS)
@needs("edit", "review")
def segments(work_id, lang):
    return jsonify(get_library().translation.segments(acting_user(), work_id, lang).as_dict())


@bp.get(BASE + "/segments/<sid>")
@openapi.doc("One segment as it is now, with its suggestions, terms, checks and comments", auth=True,
             tag="translation", responses={k: v for k, v in ANSWERS.items() if k != 409})
@needs("edit", "review")
def segment(work_id, lang, sid):
    return jsonify(get_library().translation.segment(acting_user(), work_id, lang, sid).as_dict())


@bp.put(BASE + "/segments/<sid>")
@openapi.doc("Save one segment of the draft", auth=True, tag="translation", responses=ANSWERS,
             body={"type": "object", "required": ["target"],
                   "properties": {"target": {"type": "string", "maxLength": 2000}, "done": openapi.BOOL}})
@needs("edit")
def save_segment(work_id, lang, sid):
    state = get_library().translation.save_segment(acting_user(), work_id, lang, sid, _body())
    return jsonify(state.as_dict())


@bp.post(BASE + "/submit")
@openapi.doc("Build the version from its segments and send it to review", auth=True, tag="translation",
             responses=ANSWERS)
@needs("edit")
def submit(work_id, lang):
    st = get_library().translation.submit(acting_user(), work_id, lang)
    return jsonify({"work_id": st.work_id, "lang": st.lang, "state": st.state})


@bp.post(BASE + "/segments/<sid>/comments")
@openapi.doc("A reviewer's comment on one segment", auth=True, tag="translation",
             responses={**ANSWERS, 201: None}, body={"type": "object", "required": ["text"],
                                                     "properties": {"text": {"type": "string"}}})
@needs("review")
def comment(work_id, lang, sid):
    return jsonify(get_library().translation.comment(acting_user(), work_id, lang, sid, _body().get("text"))), 201


@bp.get(BASE + "/xliff")
@openapi.doc("The version's segments as XLIFF 2.0 (application/xliff+xml)", auth=True, tag="translation",
             responses=ANSWERS)
@needs("edit", "review")
def xliff(work_id, lang):
    data = get_library().translation.xliff(acting_user(), work_id, lang)
    return Response(data, content_type=f"{CONTENT_TYPE}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{work_id}.{lang}.xlf"'})


@bp.put(BASE + "/xliff")
@openapi.doc("Set the targets an XLIFF 2.0 file carries (all or nothing)", auth=True, tag="translation",
             responses=ANSWERS)
@needs("edit")
def xliff_import(work_id, lang):
    _work, _lang, count = get_library().translation.import_xliff(acting_user(), request.stream, work_id, lang)
    return jsonify({"work": work_id, "lang": lang, "units": count})


@bp.get("/memory")
@openapi.doc("Look a text up in the translation memory", auth=True, tag="translation",
             responses={k: v for k, v in ANSWERS.items() if k != 409},
             query=[{"name": "q", "required": True, "schema": {"type": "string", "maxLength": 2000}},
                    {"name": "from", "required": True, "schema": openapi.LANG},
                    {"name": "to", "required": True, "schema": openapi.LANG}])
@needs("edit", "review")
def memory():
    found = get_library().translation.lookup(acting_user(), request.args.get("q"), request.args.get("from"),
                                             request.args.get("to"))
    return jsonify({"suggestions": [s.as_dict() for s in found]})
