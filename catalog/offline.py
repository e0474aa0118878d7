""""Take offline" (a bundle of a teacher's list or a search, built in the background) and bundle import for admins."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for

from contentlib import keys, lists
from contentlib.bundles import BundleLimits, BundleRefused, export as bundle_export, importer
from contentlib.bundles.offline import OfflineJobs
from contentlib.errors import BadParameter, NotAllowed, NotFound
from contentlib.selection import Selection, select_works

from .auth import acting_user, needs
from .resources import get_library

bp = Blueprint("offline", __name__)


def identity():
    """This library's signing identity, made on first use under the home."""
    name = current_app.config.get("CONTENTLIB_LIBRARY_NAME") or os.environ.get("CONTENTLIB_LIBRARY_NAME")
    return keys.identity(current_app.config["CONTENTLIB_INSTANCE_DIR"], name)


def jobs() -> OfflineJobs:
    found = current_app.extensions.get("contentlib_offline")
    if found is None:
        found = current_app.extensions["contentlib_offline"] = OfflineJobs(
            Path(current_app.config["CONTENTLIB_INSTANCE_DIR"]) / "offline")
    return found


def _selection(form) -> Selection:
    """The list or search the form names (the search page's own parameters)."""
    if form.get("list_id"):
        user = acting_user()
        try:
            wl = lists.get(get_library().store, user, int(form["list_id"]))
        except (ValueError, NotFound):
            abort(404)
        except NotAllowed:
            abort(403)
        return Selection(list_id=wl.id)
    return Selection(q=(form.get("q") or "").strip() or None, type=form.getlist("type"),
                     subject=form.getlist("subject"), audience=form.getlist("audience"), lang=form.getlist("lang"))


@bp.post("/offline")
@needs("lists")
def take_offline():
    """Start building the bundle of a list or a search; show its progress page."""
    lib = get_library()
    try:
        selection = _selection(request.form)
        ids = select_works(lib.store, selection, search=lib.search_ids)
    except BadParameter:
        abort(400)
    me, light, store, media = identity(), request.form.get("light") == "1", lib.store, lib.media
    count_use = current_app.config["CONTENTLIB_COUNT_USE"]

    def build(out, progress):
        return bundle_export.make_bundle(store, media, me, ids, selection.as_dict(), out, light=light,
                                         progress=progress, count_use=count_use)

    token = jobs().start(acting_user().name, len(ids), build)
    return redirect(url_for("offline.status", token=token))


def _job(token):
    try:
        state = jobs().status(token)
    except ValueError:
        state = None
    user = acting_user()
    if state is None or (state["owner"] != user.name and user.role != "admin"):
        abort(404)
    return state


@bp.get("/offline/<token>")
@needs("lists")
def status(token):
    state = _job(token)
    return render_template("offline/status.html", state=state, token=token)


@bp.get("/offline/<token>/bundle.zip")
@needs("lists")
def download(token):
    state = _job(token)
    if state["state"] != "done":
        abort(404)
    return send_file(jobs().zip_path(token), mimetype="application/zip", as_attachment=True,
                     download_name=f"contentlib-{token[:8]}.zip")


@bp.route("/admin/bundles", methods=["GET", "POST"])
@needs("bundles")
def import_page():
    """Import a bundle file; show the per-work report (or why it was refused)."""
    if request.method == "GET":
        return render_template("offline/import.html", report=None, refused=None)
    upload = request.files.get("bundle")
    if upload is None or not upload.filename:
        return render_template("offline/import.html", report=None, refused="no file"), 400
    lib = get_library()
    lib.media.tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=Path(current_app.config["CONTENTLIB_INSTANCE_DIR"]), prefix=".bundle-upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            upload.save(fh)
        try:
            report = importer.import_bundle(
                lib.store, lib.media, tmp, limits=BundleLimits(**current_app.config.get("CONTENTLIB_BUNDLE_LIMITS", {})),
                media_limits=lib.limits, allow_untrusted=request.form.get("allow_untrusted") == "1",
                actor=acting_user().name)
        except BundleRefused as exc:
            return render_template("offline/import.html", report=None, refused=str(exc)), 400
    finally:
        Path(tmp).unlink(missing_ok=True)
    from contentlib import attachments
    attachments.release(lib.store, lib.media, report.replaced_media)
    lib.changed(report.work_ids)  # thumbnails and light videos are made by the worker
    lib.sync()
    return render_template("offline/import.html", report=report, refused=None)
