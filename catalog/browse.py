"""Browsing: the home page and listings by subject, audience, grade and type."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from contentlib.model import WORK_TYPES

from .resources import get_store

bp = Blueprint("browse", __name__)

SCHEMES = {"subjects": "subjects", "audiences": "audiences", "grades": "grades"}


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@bp.get("/")
def home():
    store = get_store()
    newest, total = store.list_works(per_page=12)
    return render_template(
        "browse/home.html", newest=newest, total=total, by_language=store.count_by_language(),
        subjects=store.count_by_term("subjects"), audiences=store.count_by_term("audiences"),
        types=store.count_by_type(), vocabulary=store.vocabulary())


@bp.get("/<any(subjects, audiences, grades):scheme>/<code>")
def by_term(scheme, code):
    store = get_store()
    if not store.vocabulary().has(scheme, code):
        abort(404)
    per_page = current_app.config["CONTENTLIB_PER_PAGE"]
    works, total = store.list_works(scheme=scheme, code=code, page=_page(), per_page=per_page)
    return render_template("browse/listing.html", scheme=scheme, code=code, works=works, total=total,
                           page=_page(), per_page=per_page)


@bp.get("/types/<code>")
def by_type(code):
    if code not in WORK_TYPES:
        abort(404)
    per_page = current_app.config["CONTENTLIB_PER_PAGE"]
    works, total = get_store().list_works(type=code, page=_page(), per_page=per_page)
    return render_template("browse/listing.html", scheme="types", code=code, works=works, total=total,
                           page=_page(), per_page=per_page)
