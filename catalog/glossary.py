"""The glossary pages: list, add, edit, delete, CSV import and export."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from contentlib import glossary as core
from contentlib.errors import InvalidRecord

from .auth import acting_user, needs
from .resources import get_store

bp = Blueprint("glossary", __name__)
MAX_CSV = 5 * 1024 * 1024  # a glossary of tens of thousands of terms fits well within this


@bp.get("/glossary")
def index():
    q = request.args.get("q", "").strip()
    return render_template("glossary/index.html", entries=core.entries(get_store(), q or None), q=q,
                           edit_id=request.args.get("edit", type=int), problems=None)


@bp.post("/glossary")
@needs("glossary")
def add():
    try:
        core.add(get_store(), request.form.get("zh", ""), request.form.get("bo", ""), request.form.get("note"),
                 actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=core.entries(get_store()), q="", edit_id=None,
                               problems=exc.problems, form=request.form), 400
    return redirect(url_for("glossary.index"))


@bp.post("/glossary/<int:entry_id>")
@needs("glossary")
def update(entry_id):
    try:
        core.update(get_store(), entry_id, request.form.get("zh", ""), request.form.get("bo", ""),
                    request.form.get("note"), actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=core.entries(get_store()), q="", edit_id=entry_id,
                               problems=exc.problems), 400
    return redirect(url_for("glossary.index"))


@bp.post("/glossary/<int:entry_id>/delete")
@needs("glossary")
def delete(entry_id):
    core.delete(get_store(), entry_id)
    return redirect(url_for("glossary.index"))


@bp.post("/glossary/import")
@needs("glossary")
def import_csv():
    upload = request.files.get("file")
    data = upload.read(MAX_CSV + 1) if upload else b""
    try:
        if len(data) > MAX_CSV:
            raise InvalidRecord([("file", f"larger than {MAX_CSV // (1024 * 1024)} MB")])
        core.import_csv(get_store(), data.decode("utf-8-sig", errors="replace"), actor=acting_user().name)
    except InvalidRecord as exc:
        return render_template("glossary/index.html", entries=core.entries(get_store()), q="", edit_id=None,
                               problems=exc.problems), 400
    return redirect(url_for("glossary.index"))


@bp.get("/glossary.csv")
def export_csv():
    return Response("\ufeff" + core.export_csv(get_store()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=glossary.csv"})
