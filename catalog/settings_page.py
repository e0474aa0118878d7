"""The admin's settings page (``/admin/settings``): the library's name and its public address.

A separate blueprint from ``admin`` so that page's account screens and this one change apart.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from contentlib.errors import InvalidRecord

from .auth import needs
from .public import base
from .resources import get_library

bp = Blueprint("site_settings", __name__, url_prefix="/admin")


def _page(problems=None, typed=None, status=200):
    return render_template("admin/settings.html", settings={s.key: s for s in get_library().site.all()},
                           problems=problems or [], typed=typed or {}, request_base=base(),
                           saved=request.args.get("saved") == "1"), status


@bp.get("/settings")
@needs("users")  # admins only, as every account and vocabulary page
def page():
    return _page()


@bp.post("/settings")
@needs("users")
def save():
    typed = {key: request.form[key] for key in ("name", "public-url") if key in request.form}
    try:
        get_library().site.update(typed)
    except InvalidRecord as exc:
        return _page(exc.problems, typed, 400)
    return redirect(url_for("site_settings.page", saved=1))
