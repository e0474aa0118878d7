"""The in-page reader: a work's PDF as page pictures with their text, an EPUB chapter by chapter.

Readable exactly when the file is downloadable (``Library.open_book`` applies the
file's own access): a draft's book is for staff only, sent privately, never cached.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, make_response, render_template, request, url_for

from .auth import acting_user
from .media import SHA, data_saver
from .resources import get_library

bp = Blueprint("reader", __name__)


def _number(name: str) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 6 else 1


@bp.get("/works/<work_id>/read/<sha256>")
def read(work_id, sha256):
    if not SHA.match(sha256):
        abort(404)
    book = get_library().open_book(work_id, sha256, acting_user(), page=_number("page"), chapter=_number("chapter"),
                                   image_url=lambda name: url_for("media.book", sha256=sha256, name=name))
    response = make_response(render_template("reader/book.html", book=book, saver=data_saver()))
    response.vary.add("Save-Data")  # data savers get the smaller pictures only
    if not book.public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/works/<work_id>/keep-books.json")
def books_to_keep(work_id):
    """The reader's pages and pictures of a published work's books that "Keep on this phone" stores (keep.js)."""
    kept = get_library().books_to_keep(work_id)
    return jsonify({"pages": [url_for("reader.read", work_id=work_id, sha256=b.sha256, **q) for b in kept for q in b.pages],
                    "files": [url_for("media.book", sha256=b.sha256, name=n) for b in kept for n in b.files]})
