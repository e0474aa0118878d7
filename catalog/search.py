"""The HTML search page: the same search function as the API, filters kept in the URL."""

from flask import Blueprint, render_template, request, url_for

from contentlib.errors import BadParameter, IndexUnavailable

from .i18n import CONTENT_LANGUAGE_NAMES, label
from .resources import get_library
from .texts import lazy_gettext as _l

bp = Blueprint("search", __name__)

# What went wrong, in the visitor's language; the core's English detail stays in the API.
PROBLEMS = {"q": _l("the search words are too long."),
            "page": _l("there is no such page of results."),
            "per_page": _l("there is no such page of results.")}
# The `has` filter (search API): only works with a public file of this kind.
HAS_LABELS = {"video": _l("Has video"), "book": _l("Has a book"), "audio": _l("Has audio"),
              "subtitles": _l("Has subtitles")}
UNKNOWN_FILTER = _l("a filter names something this library does not know.")


def _options(vocabulary) -> dict:
    opts = {name: [(t.code, label(scheme, t.code)) for t in vocabulary.terms(scheme)]
            for name, scheme in (("type", "types"), ("subject", "subjects"), ("audience", "audiences"),
                                 ("grade", "grades"))}
    opts["lang"] = list(CONTENT_LANGUAGE_NAMES.items())
    opts["has"] = [(code, HAS_LABELS[code]) for code in HAS_LABELS]
    return opts


@bp.get("/search")
def page():
    lib = get_library()
    args = request.args.to_dict(flat=False)
    args.pop("done", None)  # an action's message (catalog/feedback.py) is not part of the search
    error, body, status = None, None, 200
    try:
        body = lib.search_query(args, other_language=True)
    except BadParameter as exc:
        error, status = PROBLEMS.get(exc.parameter, UNKNOWN_FILTER), 400
    except IndexUnavailable:
        error, status = "unavailable", 503

    # The results' works, for their pictures, what they have to play or read, and "save to list".
    works = {w.id: w for w in lib.works_of(body)} if body else {}

    def page_url(number):
        return url_for("search.page", **{**args, "page": [str(number)]})

    return render_template("search/search.html", body=body, error=error, args=args, works=works,
                           options=_options(lib.vocabulary()), page_url=page_url), status
