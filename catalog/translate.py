"""The translation workbench page: source and target side by side, one plain form per segment.

Every segment saves without JavaScript (its own form, whose suggestion and glossary buttons
submit it too); ``static/js/workbench.js`` adds autosave, the keyboard, suggestions and terms
refreshed as the editor saves and moves, and the player following the cue being edited. Reviewers comment on a segment from the review page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from contentlib.translation.segments import append_term, source_language
from contentlib.translation.workbench import ChecksFailed

from .auth import acting_user, needs
from .resources import get_library

bp = Blueprint("translate", __name__, url_prefix="/editor/translate")


@bp.app_context_processor
def translation_helpers():
    return {"translation_source": source_language}  # the language a work is translated from (a pure function)


def _page(work_id, lang, failures=None, status=200):
    bench = get_library().translation.segments(acting_user(), work_id, lang)
    return render_template("editor/translate.html", bench=bench, work=bench.work, lang=lang,
                           failures=failures or [], saved=request.args.get("saved")), status


@bp.get("/<work_id>/<lang>")
@needs("edit", "review")
def page(work_id, lang):
    return _page(work_id, lang)


@bp.post("/<work_id>/<lang>/segments/<sid>")
@needs("edit")
def save(work_id, lang, sid):
    body = {"target": request.form.get("target", ""), "done": request.form.get("done") == "1"}
    if request.form.get("use") is not None:  # a suggestion's own button: its text becomes the target
        body["target"] = request.form.get("use", "")
    elif request.form.get("insert"):  # a glossary term's button (without JavaScript): the term goes at the end
        body["target"] = append_term(body["target"], request.form["insert"], lang)
    get_library().translation.save_segment(acting_user(), work_id, lang, sid, body)
    return redirect(url_for("translate.page", work_id=work_id, lang=lang, saved=sid) + f"#seg-{sid}")


@bp.post("/<work_id>/<lang>/submit")
@needs("edit")
def submit(work_id, lang):
    try:
        get_library().translation.submit(acting_user(), work_id, lang)
    except ChecksFailed as exc:
        return _page(work_id, lang, failures=exc.failures, status=409)
    return redirect(url_for("editor.queue"))


@bp.post("/<work_id>/<lang>/segments/<sid>/comments")
@needs("review")
def comment(work_id, lang, sid):
    get_library().translation.comment(acting_user(), work_id, lang, sid, request.form.get("text", ""))
    return redirect(url_for("editor.review", work_id=work_id, lang=lang) + f"#seg-{sid}")
