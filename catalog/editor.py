"""Editor pages: the queue, the side-by-side editor, and the reviewer's diff with approve / reject.

Plain HTML forms (no JavaScript needed); every POST carries the CSRF token.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_datetime

from flask_babel import lazy_gettext as _l

from contentlib import glossary, workflow
from contentlib.errors import MediaRejected
from contentlib.model import LANGUAGES

from .auth import acting_user, needs
from .errors import REFUSALS
from .media import describe
from .resources import get_library, get_store
from .uploads import attach_upload

bp = Blueprint("editor", __name__, url_prefix="/editor")

UPLOAD_ROLES = {"": _l("Decide from the file"), "subtitle": _l("Subtitles"), "dub": _l("Dubbed audio or video"),
                "document": _l("Translated book or leaflet"), "cover": _l("Cover image"),
                "poster": _l("Printable poster")}


@bp.app_template_filter("timestamp")
def timestamp(value: float) -> str:
    return format_datetime(datetime.fromtimestamp(value, tz=timezone.utc), "short")


@bp.app_context_processor
def workflow_helpers():
    def version_state(work_id: str, lang: str) -> str:
        """Where a language version stands (for editors' links on public pages)."""
        return workflow.status(get_store(), work_id, lang).state
    return {"version_state": version_state}


def _source_lang(lang: str) -> str:
    src = request.values.get("source", "zh")
    return src if src in LANGUAGES and src != lang else ("zh" if lang != "zh" else "bo")


@bp.get("/")
@needs("edit", "review")
def queue():
    items = workflow.queue(get_store())
    return render_template("editor/queue.html", drafts=[i for i in items if i.state == "draft"],
                           reviews=[i for i in items if i.state == "in_review"], me=acting_user())


@bp.get("/works/<work_id>/<lang>")
@needs("edit")
def edit(work_id, lang):
    return edit_page(work_id, lang)


def edit_page(work_id, lang, upload_error=None):
    store = get_store()
    st = workflow.status(store, work_id, lang)
    source_lang = _source_lang(lang)
    work = store.get_work(work_id)
    source = work.versions.get(source_lang)
    source_text = " ".join(filter(None, [source.title, source.description, " ".join(source.keywords)])) \
        if source else ""
    return render_template("editor/edit.html", work=work, st=st, lang=lang, source_lang=source_lang, source=source,
                           text=st.working or st.public or workflow.VersionText(),
                           hints=glossary.found_in(store, source_text), saved=request.args.get("saved"),
                           uploaded=request.args.get("uploaded"), upload_error=upload_error, refusals=REFUSALS,
                           files=[m for m in store.get_work(work_id, public=False).media if m.lang == lang],
                           roles=UPLOAD_ROLES)


@bp.post("/works/<work_id>/<lang>")
@needs("edit")
def save(work_id, lang):
    fields = {k: request.form.get(k, "") for k in workflow.TEXT_FIELDS}
    get_library().save_draft(acting_user(), work_id, lang, fields)
    if request.form.get("then") == "submit":
        get_library().submit(acting_user(), work_id, lang)
        return redirect(url_for("editor.queue"))
    return redirect(url_for("editor.edit", work_id=work_id, lang=lang, saved=1))


@bp.post("/works/<work_id>/<lang>/media")
@needs("edit")
def upload(work_id, lang):
    try:
        attach_upload(acting_user(), work_id, lang, request.files.get("file"), request.form.get("role"))
    except MediaRejected as exc:
        return edit_page(work_id, lang, upload_error=exc), 400
    return redirect(url_for("editor.edit", work_id=work_id, lang=lang, uploaded=1))


@bp.post("/works/<work_id>/<lang>/submit")
@needs("edit")
def submit(work_id, lang):
    get_library().submit(acting_user(), work_id, lang)
    return redirect(url_for("editor.queue"))


@bp.get("/works/<work_id>/<lang>/review")
@needs("edit", "review")
def review(work_id, lang):
    store = get_store()
    st = workflow.status(store, work_id, lang)
    old, new = st.public or workflow.VersionText(), st.working or workflow.VersionText()
    diffs = [(name, workflow.diff(old.as_dict()[name] if name != "keywords" else ", ".join(old.keywords),
                                  new.as_dict()[name] if name != "keywords" else ", ".join(new.keywords)))
             for name in workflow.TEXT_FIELDS]
    work = store.get_work(work_id)
    user = acting_user()
    files = [describe(m) | {"draft": bool(m.info.get("draft"))}
             for m in store.get_work(work_id, public=False).media if m.lang == lang]
    return render_template("editor/review.html", work=work, st=st, lang=lang, diffs=diffs, files=files,
                           roles={**UPLOAD_ROLES, "original": _l("Original")},
                           source=work.versions.get(_source_lang(lang)), source_lang=_source_lang(lang),
                           may_review=user.can("review") and user.name not in st.editors,
                           history=[h for h in workflow.history(store, work_id) if h["lang"] == lang])


@bp.post("/works/<work_id>/<lang>/approve")
@needs("review")
def approve(work_id, lang):
    get_library().approve(acting_user(), work_id, lang)
    return redirect(url_for("editor.queue"))


@bp.post("/works/<work_id>/<lang>/reject")
@needs("review")
def reject(work_id, lang):
    get_library().reject(acting_user(), work_id, lang, request.form.get("comment", ""))
    return redirect(url_for("editor.queue"))
