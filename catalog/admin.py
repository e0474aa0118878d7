"""Admin pages: accounts (create, role, enable/disable), vocabulary labels and the background jobs."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from contentlib.accounts import ROLES
from contentlib.errors import InvalidRecord, NotFound
from contentlib.model import LANGUAGES
from contentlib.vocabulary import SCHEME_KEYS

from .auth import acting_user, needs
from .errors import render_error
from .feedback import done
from .resources import get_library
from .texts import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")
# A job's state as the jobs page says it (contentlib.jobs' codes).
JOB_STATES = {"queued": _l("Queued"), "running": _l("Running"), "failed": _l("Failed"),
              "cancelling": _l("Stopping"), "cancelled": _l("Cancelled")}


def _users_page(problems=None, status=200):
    return render_template("admin/users.html", roster=get_library().accounts.roster(), roles=ROLES,
                           problems=problems, me=acting_user(), unlocked=request.args.get("unlocked")), status


@bp.get("/users")
@needs("users")
def users():
    return _users_page()


@bp.post("/users")
@needs("users")
def create_user():
    try:
        get_library().accounts.create(request.form.get("name", "").strip(), request.form.get("role", ""),
                                      request.form.get("password", ""))
    except InvalidRecord as exc:
        return _users_page(exc.problems, 400)
    return redirect(done(url_for("admin.users"), "user-created"))


@bp.post("/users/<name>/role")
@needs("users")
def set_role(name):
    get_library().accounts.set_role(name, request.form.get("role", ""))
    return redirect(done(url_for("admin.users"), "role-saved", f"user-{name}"))


@bp.post("/users/<name>/active")
@needs("users")
def set_active(name):
    active = request.form.get("active") == "1"
    get_library().accounts.set_active(name, active)
    return redirect(done(url_for("admin.users"), "user-enabled" if active else "user-disabled", f"user-{name}"))


@bp.post("/users/<name>/unlock")
@needs("users")
def unlock(name):
    """Forget a user's failed logins from every address (what ``contentlib users unlock NAME`` does)."""
    get_library().accounts.unlock(name)
    return redirect(url_for("admin.users", unlocked=name))


@bp.get("/vocabulary")
@needs("vocabulary")
def vocabulary():
    return render_template("admin/vocabulary.html", vocabulary=get_library().vocabulary(), schemes=SCHEME_KEYS,
                           languages=LANGUAGES)


@bp.post("/vocabulary/<scheme>/<code>")
@needs("vocabulary")
def set_labels(scheme, code):
    try:
        get_library().set_labels(scheme, code, {lang: request.form.get(lang, "") for lang in LANGUAGES})
    except NotFound:
        return render_error(404)
    return redirect(done(url_for("admin.vocabulary"), "labels-saved", f"{scheme}-{code}"))


@bp.get("/jobs")
@needs("users")
def jobs():
    return render_template("admin/jobs.html", jobs=get_library().recent_jobs(), states=JOB_STATES)


@bp.post("/jobs/<int:job_id>/cancel")
@needs("users")
def cancel_job(job_id):
    """Ask a job to stop (what ``contentlib jobs cancel ID`` does)."""
    try:
        state = get_library().cancel_job(job_id)
    except NotFound:
        return render_error(404)
    return redirect(done(url_for("admin.jobs"), "job-cancelled" if state == "cancelled" else "job-cancelling",
                         f"job-{job_id}"))
