"""Logging in and out, the session user, and the permission checks every view uses.

Browsers use a cookie session (Flask-Login); tools use ``Authorization: Bearer
TOKEN`` on the JSON API (see ``workflow_api``). Both end in a
``contentlib.accounts.User`` that the core checks again.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from contentlib import accounts

from .errors import render_error
from .extensions import login_manager
from .i18n import _safe_next
from .resources import get_library

bp = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    """A logged-in account as Flask-Login wants it."""

    def __init__(self, user: accounts.User):
        self.user = user

    def get_id(self) -> str:
        """What the session cookie keeps: the name and the account's session generation."""
        return f"{self.user.name}:{self.user.session_generation}"

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, permission: str) -> bool:
        return self.user.can(permission)


@login_manager.user_loader
def load_user(session_id: str):
    """The session's user, unless the account logged out (or was disabled) since the session began."""
    name, _, generation = session_id.rpartition(":")
    user = get_library().accounts.get(name) if name else None
    if user is None or not user.active or str(user.session_generation) != generation:
        return None
    return SessionUser(user)


login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return render_error(401, "log in or send Authorization: Bearer TOKEN")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def acting_user() -> accounts.User | None:
    """The user behind this request: the API token's, else the session's."""
    if getattr(g, "api_user", None) is not None:
        return g.api_user
    if current_user.is_authenticated:
        return current_user.user
    return None


def needs(*permissions: str):
    """Let the view run only for a user holding one of ``permissions`` (401/login if none, else 403)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = acting_user()
            if user is None:
                return login_manager.unauthorized()
            if not any(user.can(p) for p in permissions):
                return render_error(403, "your role may not do this")
            return view(*args, **kwargs)
        return wrapper
    return decorate


@bp.app_context_processor
def account_helpers():
    user = acting_user()
    return {"account": user, "can": (lambda p: user is not None and user.can(p))}


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    name = request.form.get("name", "").strip()
    if request.method == "POST":
        user = get_library().accounts.authenticate(name, request.form.get("password", ""),
                                                   request.remote_addr or "")
        if user is not None:
            session.clear()  # a fresh session: nothing from before the login survives (fixation)
            login_user(SessionUser(user))
            return redirect(_safe_next(request.form.get("next")))
        error, status = True, 401
    return render_template("auth/login.html", error=error, name=name,
                           next=request.values.get("next", "")), status


@bp.post("/logout")
@login_required
def logout():
    get_library().accounts.end_sessions(current_user.name)  # copies of this cookie stop working too
    logout_user()
    session.clear()
    return redirect(url_for("browse.home"))
