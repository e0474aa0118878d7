"""The glossary pages: list, add, edit, delete, CSV import and export."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from contentlib.errors import InvalidRecord

from .auth import acting_user, needs
from .feedback import done
from .resources import get_library

bp = Blueprint("glossary", __name__)
MAX_CSV = 5 * 1024 * 1024  # a glossary of tens of thousands of terms fits well within this


@bp.get("/glossary")
def index():
    q = request.args.get("q", "").strip()
    return render_template("glossary/index.html", entries=get_library().glossary.entries(q or None), q=q,
                           edit_id=request.args.get("edit", type=int), problems=None)


@bp.post("/glossary")
@needs("glossary")
def add():
    try:
        get_library().glossary.add(request.form.get("zh", ""), request.form.get("bo", ""), request.form.get("note"),
                                   actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=get_library().glossary.entries(), q="", edit_id=None,
                               problems=exc.problems, form=request.form), 400
    return redirect(done(url_for("glossary.index"), "term-added"))


@bp.post("/glossary/<int:entry_id>")
@needs("glossary")
def update(entry_id):
    try:
        get_library().glossary.update(entry_id, request.form.get("zh", ""), request.form.get("bo", ""),
                                      request.form.get("note"), actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=get_library().glossary.entries(), q="", edit_id=entry_id,
                               problems=exc.problems), 400
    return redirect(done(url_for("glossary.index"), "term-saved", f"term-{entry_id}"))


@bp.post("/glossary/<int:entry_id>/delete")
@needs("glossary")
def delete(entry_id):
    get_library().glossary.delete(entry_id)
    return redirect(done(url_for("glossary.index"), "term-deleted"))


@bp.post("/glossary/import")
@needs("glossary")
def import_csv():
    upload = request.files.get("file")
    data = upload.read(MAX_CSV + 1) if upload else b""
    try:
        if len(data) > MAX_CSV:
            raise InvalidRecord([("file", f"larger than {MAX_CSV // (1024 * 1024)} MB")])
        get_library().glossary.import_csv(data.decode("utf-8-sig", errors="replace"), actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=get_library().glossary.entries(), q="", edit_id=None,
                               problems=exc.problems), 400
    return redirect(done(url_for("glossary.index"), "terms-imported"))


@bp.get("/glossary.csv")
def export_csv():
    return Response("\ufeff" + get_library().glossary.export_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=glossary.csv"})
