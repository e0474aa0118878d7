""""Take offline" (a bundle of a teacher's list or a search, built in the background) and bundle import for admins."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for

from contentlib.bundles import BundleRefused
from contentlib.errors import BadParameter, NotAllowed, NotFound, OverLimit
from contentlib.selection import Selection

from .auth import acting_user, needs
from .resources import get_library

bp = Blueprint("offline", __name__)


@bp.app_context_processor
def _forms():
    """The forms "Take offline" offers, from the exporters' registry (lists and search pages include its form)."""
    return {"offline_forms": lambda: get_library().offline_forms()}
# Each form's file name and type: a folder for any browser, a ZIM for Kiwix, a signed bundle.
DOWNLOADS = {"site": ("contentlib-site-{token}.zip", "application/zip"),
             "zim": ("contentlib-{token}.zim", "application/octet-stream"),
             "bundle": ("contentlib-{token}.zip", "application/zip")}


def _selection(form) -> Selection:
    """The list or search the form names (the search page's own parameters)."""
    if form.get("list_id"):
        try:
            return Selection(list_id=form["list_id"])
        except BadParameter:
            abort(404)
    return Selection(q=(form.get("q") or "").strip() or None, type=form.getlist("type"),
                     subject=form.getlist("subject"), audience=form.getlist("audience"), grade=form.getlist("grade"),
                     lang=form.getlist("lang"), has=form.getlist("has"))


@bp.post("/offline")
@needs("lists")
def take_offline():
    """Queue the bundle of a list or a search for a worker; show its progress page."""
    try:
        token = get_library().take_offline(acting_user(), _selection(request.form), request.form.get("light") == "1",
                                           form=request.form.get("form") or "bundle")
    except BadParameter:
        abort(400)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    except OverLimit as exc:
        return (render_template("offline/limit.html", limit=exc.limit, allowed=exc.allowed), 429,
                {"Retry-After": str(exc.retry_after)})
    return redirect(url_for("offline.status", token=token))


@bp.get("/offline/<token>")
@needs("lists")
def status(token):
    try:
        state = get_library().offline_state(acting_user(), token)
    except NotFound:
        abort(404)
    return render_template("offline/status.html", state=state, token=token)


@bp.get("/offline/<token>/bundle.zip")
@needs("lists")
def download(token):
    try:
        path = get_library().offline_zip(acting_user(), token)
        form = get_library().offline_state(acting_user(), token).get("form")
    except NotFound:
        abort(404)
    name, mimetype = DOWNLOADS.get(form, DOWNLOADS["bundle"])
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name.format(token=token[:8]))


@bp.route("/admin/bundles", methods=["GET", "POST"])
@needs("bundles")
def import_page():
    """Import a bundle file; show the per-work report (or why it was refused)."""
    if request.method == "GET":
        return render_template("offline/import.html", report=None, refused=None)
    upload = request.files.get("bundle")
    if upload is None or not upload.filename:
        return render_template("offline/import.html", report=None, refused="no file"), 400
    try:
        report = get_library().import_bundle_upload(upload.stream, request.form.get("allow_untrusted") == "1",
                                                    actor=acting_user().name)
    except BundleRefused as exc:
        return render_template("offline/import.html", report=None, refused=str(exc)), 400
    return render_template("offline/import.html", report=report, refused=None)
