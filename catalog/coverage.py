"""Coverage: what has a Tibetan (Chinese, English) version, as JSON, a chart page and CSV."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from contentlib.coverage import STATES

from . import openapi
from .resources import get_library

bp = Blueprint("coverage", __name__)
SHOWN = 200  # rows of the to-translate list on the page; the CSV has every row


@bp.get("/api/v1/coverage")
@openapi.doc("How many works have a published, in-review, draft or missing version per language",
             responses={200: "Coverage"}, tag="coverage")
def api():
    return jsonify(get_library().coverage())


@bp.get("/coverage")
def page():
    lib = get_library()
    todo = lib.to_translate(request.args.get("subject"), request.args.get("audience"))
    return render_template("coverage/coverage.html", body=lib.coverage(), todo=todo.rows, subject=todo.subject,
                           wanted=lib.most_wanted(),
                           audience=todo.audience, vocabulary=lib.vocabulary(), states=STATES, shown=SHOWN)


@bp.get("/coverage.csv")
def csv():
    text = get_library().to_translate_csv(request.args.get("subject"), request.args.get("audience"),
                                          lambda work_id: url_for("works.show", work_id=work_id, _external=True))
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=to-translate-bo.csv"})
