"""Editor pages: the queue, the side-by-side editor, and the reviewer's diff with approve / reject.

Plain HTML forms (no JavaScript needed); every POST carries the CSRF token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_datetime

from contentlib import workflow
from contentlib.errors import MediaRejected
from contentlib.model import LANGUAGES

from .auth import acting_user, needs
from .errors import REFUSALS
from .feedback import done
from .media import describe
from .resources import get_library
from .texts import lazy_gettext as _l
from .uploads import attach_upload

bp = Blueprint("editor", __name__, url_prefix="/editor")

UPLOAD_ROLES = {"": _l("Decide from the file"), "subtitle": _l("Subtitles"), "dub": _l("Dubbed audio or video"),
                "document": _l("Translated book or leaflet"), "cover": _l("Cover image"),
                "poster": _l("Printable poster")}


@bp.app_template_filter("timestamp")
def timestamp(value: float) -> str:
    return format_datetime(datetime.fromtimestamp(value, tz=UTC), "short")


@bp.app_context_processor
def workflow_helpers():
    def version_state(work_id: str, lang: str) -> str:
        """Where a language version stands (for editors' links on public pages)."""
        return get_library().version(work_id, lang).state
    return {"version_state": version_state}


def _source_lang(lang: str) -> str:
    src = request.values.get("source", "zh")
    return src if src in LANGUAGES and src != lang else ("zh" if lang != "zh" else "bo")


@bp.get("/")
@needs("edit", "review")
def queue():
    lib = get_library()
    items = lib.queue()
    return render_template("editor/queue.html", drafts=[i for i in items if i.state == "draft"],
                           reviews=[i for i in items if i.state == "in_review"], me=acting_user(),
                           wanted=lib.most_wanted())


@bp.get("/works/<work_id>/<lang>")
@needs("edit")
def edit(work_id, lang):
    return edit_page(work_id, lang)


def edit_page(work_id, lang, upload_error=None):
    view = get_library().editing(work_id, lang, _source_lang(lang))
    return render_template("editor/edit.html", work=view.work, st=view.status, lang=lang, source_lang=view.source_lang,
                           source=view.source, text=view.text, hints=view.hints, upload_error=upload_error, refusals=REFUSALS,
                           files=view.files, roles=UPLOAD_ROLES)


@bp.post("/works/<work_id>/<lang>")
@needs("edit")
def save(work_id, lang):
    fields = {k: request.form.get(k, "") for k in workflow.TEXT_FIELDS}
    fields["keywords"] = workflow.keywords_from_line(fields["keywords"])  # the form's one line; the API sends a list
    submit = request.form.get("then") == "submit"
    get_library().save_draft(acting_user(), work_id, lang, fields, submit=submit)
    if submit:
        return redirect(done(url_for("editor.queue"), "sent-to-review"))
    return redirect(done(url_for("editor.edit", work_id=work_id, lang=lang), "draft-saved"))


@bp.post("/works/<work_id>/<lang>/media")
@needs("edit")
def upload(work_id, lang):
    try:
        attach_upload(acting_user(), work_id, lang, request.files.get("file"), request.form.get("role"))
    except MediaRejected as exc:
        return edit_page(work_id, lang, upload_error=exc), 400
    return redirect(done(url_for("editor.edit", work_id=work_id, lang=lang), "file-attached", "files"))


@bp.post("/works/<work_id>/<lang>/submit")
@needs("edit")
def submit(work_id, lang):
    get_library().submit(acting_user(), work_id, lang)
    return redirect(done(url_for("editor.queue"), "sent-to-review"))


@bp.get("/works/<work_id>/<lang>/review")
@needs("edit", "review")
def review(work_id, lang):
    view = get_library().reviewing(acting_user(), work_id, lang, _source_lang(lang))
    files = [describe(m) | {"draft": bool(m.info.get("draft"))} for m in view.files]
    return render_template("editor/review.html", work=view.work, st=view.status, lang=lang, diffs=view.diffs,
                           files=files, roles={**UPLOAD_ROLES, "original": _l("Original")}, source=view.source,
                           source_lang=view.source_lang, may_review=view.may_review, history=view.history,
                           segments=view.segments)


@bp.post("/works/<work_id>/<lang>/approve")
@needs("review")
def approve(work_id, lang):
    get_library().approve(acting_user(), work_id, lang)
    return redirect(done(url_for("editor.queue"), "published"))


@bp.post("/works/<work_id>/<lang>/reject")
@needs("review")
def reject(work_id, lang):
    get_library().reject(acting_user(), work_id, lang, request.form.get("comment", ""))
    return redirect(done(url_for("editor.queue"), "sent-back"))
