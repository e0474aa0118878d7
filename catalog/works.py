"""The work page: its language versions side by side."""

from datetime import datetime, timezone

from flask import Blueprint, make_response, render_template
from flask_babel import format_number, gettext as _

from contentlib.attachments import kinds

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
    updated = datetime.fromtimestamp(work.updated_at, timezone.utc) if work.updated_at else None
    response = make_response(render_template("works/work.html", work=work, updated=updated))
    response.vary.add("Save-Data")  # the player picks the light video for data savers
    return response
