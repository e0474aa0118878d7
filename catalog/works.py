"""The work page: its language versions side by side."""

from datetime import UTC, datetime

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_babel import format_number
from flask_babel import gettext as _

from contentlib.attachments import kinds

from .counting import get_counter
from .i18n import content_lang
from .resources import get_library

bp = Blueprint("works", __name__)
bp.add_app_template_global(kinds, "work_kinds")  # what a card marks: has video, has a book


@bp.app_template_global()
def playing_time(seconds) -> str:
    """A file's playing time as people say it: seconds under a minute ("19 s", not "1 min"), else minutes rounded up."""
    seconds = float(seconds)
    if seconds < 59.5:
        return _("%(seconds)s s", seconds=format_number(max(1, round(seconds))))
    return _("%(minutes)s min", minutes=format_number(int((seconds + 59) // 60)))


@bp.get("/works/<work_id>")
def show(work_id):
    work = get_library().work(work_id)
    updated = datetime.fromtimestamp(work.updated_at, UTC) if work.updated_at else None
    response = make_response(render_template("works/work.html", work=work, updated=updated))
    response.vary.add("Save-Data")  # the player picks the light video for data savers
    return response


def wanted_language(work) -> str | None:
    """The language a reader of this page may ask for: the UI's (Tibetan or Chinese), else Tibetan."""
    for lang in (content_lang(), "bo", "zh"):
        if lang in ("bo", "zh") and lang not in work.languages:
            return lang
    return None


bp.add_app_template_global(wanted_language, "wanted_language")
ASKED_KEEP = 200  # asks remembered per browser session, so one reader counts once per work and language


@bp.post("/works/<work_id>/ask")
def ask(work_id):
    """The "Ask for a Tibetan version" button without JavaScript (a form with a CSRF token)."""
    lang = request.form.get("lang", "")
    key = f"{work_id}:{lang}"
    asked = list(session.get("asked") or [])
    counted = "1"
    if key not in asked:
        counted = "1" if get_library().ask_translation(work_id, lang, get_counter()) else "busy"
        if counted == "1":
            session["asked"] = (asked + [key])[-ASKED_KEEP:]
    return redirect(url_for("works.show", work_id=work_id, asked=counted, _anchor="ask"))
