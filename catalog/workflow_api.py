"""The JSON API for tools and bulk work: drafts, review moves and history of language versions.

Tools authenticate with ``Authorization: Bearer TOKEN`` (``contentlib users token NAME``);
those requests carry no cookies an attacker could ride, so they skip CSRF. A
browser's cookie session may use the API too, but then must send the CSRF
token (``X-CSRFToken`` header or ``csrf_token`` field) on every write.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from contentlib import jsonsafe, workflow
from contentlib.errors import InvalidRecord

from . import openapi
from .auth import acting_user, needs
from .errors import render_error
from .extensions import csrf
from .media import describe
from .resources import get_library
from .uploads import attach_upload

bp = Blueprint("workflow_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below, for cookie sessions only
VERSION_RESPONSES = {200: "VersionStatus", 400: "Error", 401: "Error", 403: "Error", 404: "Error", 409: "Error"}
MAX_JSON = 1024 * 1024  # a version's text is far smaller; media uploads will set their own limit


@bp.before_request
def authenticate():
    if not request.path.endswith("/media"):
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
        csrf.protect()  # anonymous requests fall through to a 401 from the view's permission check


def _status(st: workflow.VersionStatus) -> dict:
    return {"work_id": st.work_id, "lang": st.lang, "state": st.state,
            "public": st.public.as_dict() if st.public else None,
            "working": st.working.as_dict() if st.working else None,
            "updated_by": st.updated_by, "updated_at": st.updated_at,
            "review_comment": st.review_comment, "editors": st.editors}


def _body() -> dict:
    """The request's JSON object, parsed within bounds (depth, size, real Unicode), else 400."""
    try:
        body = jsonsafe.loads(request.get_data(cache=True), MAX_JSON)
    except jsonsafe.JSONRefused as exc:
        raise InvalidRecord([("body", f"send a JSON object ({exc})")]) from None
    if not isinstance(body, dict):
        raise InvalidRecord([("body", "send a JSON object")])
    return body


@bp.get("/works/<work_id>/versions/<lang>")
@openapi.doc("The state, public text and working draft of a language version", auth=True, tag="versions",
             responses=VERSION_RESPONSES)
@needs("edit", "review")
def version(work_id, lang):
    return jsonify(_status(get_library().version(work_id, lang)))


@bp.post("/works/<work_id>/versions/<lang>")
@openapi.doc("Save a draft of a language version", auth=True, tag="versions",
             body={"$ref": "#/components/schemas/VersionText"}, responses=VERSION_RESPONSES)
@needs("edit")
def save(work_id, lang):
    return jsonify(_status(get_library().save_draft(acting_user(), work_id, lang, _body())))


@bp.post("/works/<work_id>/versions/<lang>/submit")
@openapi.doc("Submit a draft for review", auth=True, tag="versions", responses=VERSION_RESPONSES)
@needs("edit")
def submit(work_id, lang):
    return jsonify(_status(get_library().submit(acting_user(), work_id, lang)))


@bp.post("/works/<work_id>/versions/<lang>/approve")
@openapi.doc("Approve a version in review: it is published", auth=True, tag="versions", responses=VERSION_RESPONSES)
@needs("review")
def approve(work_id, lang):
    return jsonify(_status(get_library().approve(acting_user(), work_id, lang)))


@bp.post("/works/<work_id>/versions/<lang>/reject")
@openapi.doc("Send a version in review back to draft, with a comment", auth=True, tag="versions",
             body={"$ref": "#/components/schemas/Comment"}, responses=VERSION_RESPONSES)
@needs("review")
def reject(work_id, lang):
    return jsonify(_status(get_library().reject(acting_user(), work_id, lang, _body().get("comment"))))


@bp.post("/works/<work_id>/versions/<lang>/media")
@openapi.doc("Upload a file for a language version (a draft until approved)", auth=True, tag="media",
             multipart={"$ref": "#/components/schemas/Upload"},
             responses={**{k: v for k, v in VERSION_RESPONSES.items() if k != 200}, 201: "Media", 413: "Error"})
@needs("edit")
def media(work_id, lang):
    """Upload a file (multipart ``file``, optional ``role``) for a language version, as a draft."""
    entry = attach_upload(acting_user(), work_id, lang, request.files.get("file"), request.form.get("role"))
    return jsonify(describe(entry)), 201


@bp.get("/works/<work_id>/history")
@openapi.doc("Every change to the versions of a work, oldest first", auth=True, tag="versions",
             responses={**VERSION_RESPONSES, 200: "History"})
@needs("edit", "review")
def history(work_id):
    return jsonify({"work_id": work_id, "history": get_library().history(work_id)})
