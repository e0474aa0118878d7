"""Coverage: what has a Tibetan (Chinese, English) version, as JSON, a chart page and CSV."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from contentlib import coverage as core

from . import openapi
from .resources import get_store

bp = Blueprint("coverage", __name__)
SHOWN = 200  # rows of the to-translate list on the page; the CSV has every row


def _filters(vocabulary) -> tuple[str | None, str | None]:
    subject = request.args.get("subject") or None
    audience = request.args.get("audience") or None
    subject = subject if subject and vocabulary.has("subjects", subject) else None
    audience = audience if audience and vocabulary.has("audiences", audience) else None
    return subject, audience


@bp.get("/api/v1/coverage")
@openapi.doc("How many works have a published, in-review, draft or missing version per language",
             responses={200: "Coverage"}, tag="coverage")
def api():
    return jsonify(core.coverage(get_store()))


@bp.get("/coverage")
def page():
    store = get_store()
    subject, audience = _filters(store.vocabulary())
    return render_template("coverage/coverage.html", body=core.coverage(store),
                           todo=core.to_translate(store, subject, audience), subject=subject, audience=audience,
                           vocabulary=store.vocabulary(), states=core.STATES, shown=SHOWN)


@bp.get("/coverage.csv")
def csv():
    store = get_store()
    subject, audience = _filters(store.vocabulary())
    text = core.to_translate_csv(core.to_translate(store, subject, audience),
                                 lambda work_id: url_for("works.show", work_id=work_id, _external=True))
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=to-translate-bo.csv"})
