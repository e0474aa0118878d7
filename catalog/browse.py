"""Browsing: the home page and listings by subject, audience, grade and type."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from contentlib.bounds import MAX_PAGE
from contentlib.model import WORK_TYPES

from .i18n import preferred_languages
from .resources import get_library

bp = Blueprint("browse", __name__)

SCHEMES = {"subjects": "subjects", "audiences": "audiences", "grades": "grades"}
SORTS = ("newest", "title")


def _sort() -> str:
    sort = request.args.get("sort", "newest")
    return sort if sort in SORTS else "newest"


def _listing(heading: tuple[str, str], **where):
    """Render one page of a listing in the requested order (newest, or by title in dictionary order)."""
    per_page, page, sort = current_app.config["CONTENTLIB_PER_PAGE"], _page(), _sort()
    works, total = get_library().listing(page=page, per_page=per_page, order=sort,
                                         prefer=preferred_languages(), **where)
    return render_template("browse/listing.html", scheme=heading[0], code=heading[1], works=works,
                           total=total, page=page, per_page=per_page, sort=sort)


def _page() -> int:
    """The page asked for, from 1 to ``MAX_PAGE`` (a huge number would overflow the database's OFFSET)."""
    raw = request.args.get("page", "1")
    if len(raw) > 8 or not raw.isdigit():
        return 1
    return min(max(1, int(raw)), MAX_PAGE)


@bp.get("/")
def home():
    view = get_library().overview(newest=12)
    return render_template(
        "browse/home.html", newest=view.newest, total=view.total, by_language=view.by_language,
        subjects=view.subjects, audiences=view.audiences, types=view.types, vocabulary=view.vocabulary)


@bp.get("/<any(subjects, audiences, grades):scheme>/<code>")
def by_term(scheme, code):
    if not get_library().vocabulary().has(scheme, code):
        abort(404)
    return _listing((scheme, code), scheme=scheme, code=code)


@bp.get("/types/<code>")
def by_type(code):
    if code not in WORK_TYPES:
        abort(404)
    return _listing(("types", code), type=code)
