"""``/editor/lexicon``: what the library learned across Tibetan and Chinese, and promoting it to the glossary."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .auth import needs
from .resources import get_library

bp = Blueprint("lexicon", __name__)


@bp.get("/editor/lexicon")
@needs("edit", "review")
def page():
    q = request.args.get("q", "").strip()[:100]
    found = get_library().lexicon_lookup(q) if q else None
    return render_template("lexicon/lexicon.html", q=q, found=found)
