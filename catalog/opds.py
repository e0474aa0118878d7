"""OPDS 1.2 catalogs for e-reader apps: navigation, paged acquisition feeds, OpenSearch.

The feeds themselves are built by ``contentlib.feeds``; here only the URLs and
the page of works are chosen.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext

from contentlib import feeds
from contentlib.bounds import MAX_PAGE
from contentlib.errors import BadParameter, IndexUnavailable
from contentlib.model import LANGUAGES

from .i18n import CONTENT_LANGUAGE_NAMES, content_lang, label
from .metadata import work_links
from .public import public_url
from .resources import get_library

bp = Blueprint("opds", __name__, url_prefix="/opds")
_DIGITS = re.compile(r"[0-9]{1,9}")


def _xml(body: bytes, kind: str) -> Response:
    return Response(body, mimetype=kind.split(";")[0], content_type=f"{kind};charset=utf-8")


def _page() -> int:
    """The page asked for, 1 to ``MAX_PAGE`` in ASCII digits, else 400 (a huge one would overflow OFFSET)."""
    page = request.args.get("page", "1")
    if not _DIGITS.fullmatch(page) or not 1 <= int(page) <= MAX_PAGE:
        abort(400)
    return int(page)


def _paging_links(endpoint: str, page: int, total: int, size: int, values: dict) -> list[feeds.Link]:
    last = max(1, -(-total // size))
    if page > last:
        abort(404)
    links = [feeds.Link(public_url(endpoint, page=1, **values), "first", feeds.ACQUISITION),
             feeds.Link(public_url(endpoint, page=last, **values), "last", feeds.ACQUISITION)]
    if page > 1:
        links.append(feeds.Link(public_url(endpoint, page=page - 1, **values), "previous", feeds.ACQUISITION))
    if page < last:
        links.append(feeds.Link(public_url(endpoint, page=page + 1, **values), "next", feeds.ACQUISITION))
    return links


def _common_links(self_url: str, kind: str) -> list[feeds.Link]:
    return [feeds.Link(self_url, "self", kind), feeds.Link(public_url("opds.root"), "start", feeds.NAVIGATION),
            feeds.Link(public_url("opds.opensearch"), "search", feeds.OPENSEARCH_TYPE),
            feeds.Link(public_url("opds.root"), "up", feeds.NAVIGATION)]


def acquisition(endpoint: str, title: str, works, total: int, page: int, per_page: int, paged=True,
                values: dict | None = None) -> Response:
    """Render one page of works as an OPDS acquisition feed; ``values`` are the feed URL's arguments."""
    values = values or {}
    self_url = public_url(endpoint, page=page, **values) if paged else public_url(endpoint, **values)
    links = _common_links(self_url, feeds.ACQUISITION)
    if paged:
        links += _paging_links(endpoint, page, total, per_page, values)
    lib = get_library()
    vocabulary, locale, updated = lib.vocabulary(), content_lang(), lib.updated(works)
    feed = feeds.Feed(id=self_url, title=title, links=links, updated=updated, author=_("Science Library"),
                      total=total, per_page=per_page, start=(page - 1) * per_page + 1)
    entries = [feeds.work_entry(w, work_links(w), vocabulary, locale) for w in works]
    return _xml(feeds.acquisition_feed(feed, entries), feeds.ACQUISITION)


def _count(n: int) -> str:
    return ngettext("%(num)d work", "%(num)d works", n)


def _per_page() -> int:
    return current_app.config["CONTENTLIB_FEED_PAGE_SIZE"]


@bp.get("/")
def root():
    lib = get_library()
    self_url = public_url("opds.root")
    entries = [
        feeds.Navigation(public_url("opds.all"), _("All works"), public_url("opds.all"),
                         content=_("Every work, newest first.") + " " + _count(lib.count_works())),
        feeds.Navigation(public_url("opds.new"), _("New arrivals"), public_url("opds.new"),
                         content=_("The works added most recently.")),
        # Every entry has content (RFC 4287 4.1.2: an entry without atom:content needs rel="alternate").
        feeds.Navigation(public_url("opds.terms", scheme="subjects"), _("By subject"),
                         public_url("opds.terms", scheme="subjects"), feeds.NAVIGATION,
                         content=_("The works grouped by subject.")),
        feeds.Navigation(public_url("opds.terms", scheme="types"), _("By type"),
                         public_url("opds.terms", scheme="types"), feeds.NAVIGATION,
                         content=_("The works grouped by type: videos, animations, books, posters.")),
        feeds.Navigation(public_url("opds.languages"), _("By language"), public_url("opds.languages"),
                         feeds.NAVIGATION, content=_("The works grouped by the languages they are in.")),
        feeds.Navigation(public_url("opds.shared_lists"), _("Teachers' shared lists"),
                         public_url("opds.shared_lists"), feeds.NAVIGATION,
                         content=_("Each shared list has its own catalog: add its link to your reader.")),
    ]
    feed = feeds.Feed(id=self_url, title=_("Science Library"), links=_common_links(self_url, feeds.NAVIGATION)[:3],
                      updated=lib.newest_change(), author=_("Science Library"))
    return _xml(feeds.navigation_feed(feed, entries), feeds.NAVIGATION)


@bp.get("/all", endpoint="all")
def all_works():
    page, per_page = _page(), _per_page()
    works, total = get_library().listing(page=page, per_page=per_page)
    return acquisition("opds.all", _("All works"), works, total, page, per_page)


@bp.get("/new")
def new():
    per_page = _per_page()
    works, _total = get_library().listing(page=1, per_page=per_page)
    return acquisition("opds.new", _("New arrivals"), works, len(works), 1, per_page, paged=False)


@bp.get("/<any(subjects, types):scheme>")
def terms(scheme):
    lib = get_library()
    self_url = public_url("opds.terms", scheme=scheme)
    entries = [feeds.Navigation(public_url("opds.term", scheme=scheme, code=t.code), label(scheme, t.code),
                                public_url("opds.term", scheme=scheme, code=t.code), content=_count(count))
               for t, count in lib.used_terms(scheme)]
    title = _("By subject") if scheme == "subjects" else _("By type")
    feed = feeds.Feed(id=self_url, title=title, links=_common_links(self_url, feeds.NAVIGATION),
                      updated=lib.newest_change(), author=_("Science Library"))
    return _xml(feeds.navigation_feed(feed, entries), feeds.NAVIGATION)


@bp.get("/<any(subjects, types):scheme>/<code>")
def term(scheme, code):
    lib = get_library()
    if not lib.vocabulary().has(scheme, code):
        abort(404)
    page, per_page = _page(), _per_page()
    where = {"type": code} if scheme == "types" else {"scheme": scheme, "code": code}
    works, total = lib.listing(page=page, per_page=per_page, **where)
    return acquisition("opds.term", label(scheme, code), works, total, page, per_page,
                       values={"scheme": scheme, "code": code})


@bp.get("/languages")
def languages():
    lib = get_library()
    counts = lib.counts("languages")
    self_url = public_url("opds.languages")
    entries = [feeds.Navigation(public_url("opds.language", lang=lang), str(CONTENT_LANGUAGE_NAMES[lang]),
                                public_url("opds.language", lang=lang), content=_count(counts[lang]))
               for lang in LANGUAGES if counts.get(lang)]
    feed = feeds.Feed(id=self_url, title=_("By language"), links=_common_links(self_url, feeds.NAVIGATION),
                      updated=lib.newest_change(), author=_("Science Library"))
    return _xml(feeds.navigation_feed(feed, entries), feeds.NAVIGATION)


@bp.get("/languages/<any(bo, zh, en):lang>")
def language(lang):
    page, per_page = _page(), _per_page()
    works, total = get_library().by_language(lang, page, per_page)
    return acquisition("opds.language", str(CONTENT_LANGUAGE_NAMES[lang]), works, total, page, per_page,
                       values={"lang": lang})


@bp.get("/shared")
def shared_lists():
    """Shared lists are reached by their unguessable link only, so this feed names none of them."""
    self_url = public_url("opds.shared_lists")
    feed = feeds.Feed(id=self_url, title=_("Teachers' shared lists"),
                      links=_common_links(self_url, feeds.NAVIGATION),
                      updated=get_library().newest_change(), author=_("Science Library"))
    return _xml(feeds.navigation_feed(feed, []), feeds.NAVIGATION)


@bp.get("/shared/<token>")
def shared(token):
    page, per_page = _page(), _per_page()
    wl, works = get_library().lists.shared(token, (page - 1) * per_page, page * per_page)
    return acquisition("opds.shared", wl.name, works, len(wl.work_ids), page, per_page, values={"token": token})


# A template parameter a reader left as it was ("page={startPage?}"): OpenSearch 1.1 says an
# optional one it does not know is to be left out, so it is read as absent, not as a bad page.
_UNFILLED = re.compile(r"^\{[A-Za-z_][\w.:-]*\??\}$")


def _filled(args: dict[str, list[str]]) -> dict[str, list[str]]:
    """The query without the values that are still template parameters."""
    kept = {name: [v for v in values if not _UNFILLED.match(v)] for name, values in args.items()}
    return {name: values for name, values in kept.items() if values}


@bp.get("/search")
def search():
    """The site's search (the Library's, as ``GET /api/v1/search``) as an acquisition feed."""
    lib = get_library()
    args = _filled(request.args.to_dict(flat=False))
    try:
        result = lib.search_query(args, default_per_page=_per_page())
    except BadParameter as exc:
        return Response(f"bad parameter: {exc.parameter}", status=400, mimetype="text/plain")
    except IndexUnavailable:
        return Response("the search index is being rebuilt; try again shortly", status=503, mimetype="text/plain")
    values = {k: v for k, v in args.items() if k != "page"}
    title = _("Search: %(q)s", q=result.query) if result.query else _("Search")
    if result.total == 0:
        return acquisition("opds.search", title, [], 0, 1, result.per_page, paged=False, values=values)
    return acquisition("opds.search", title, lib.works_of(result), result.total, result.page, result.per_page,
                       values=values)


@bp.get("/opensearch.xml")
def opensearch():
    template = public_url("opds.search") + "?q={searchTerms}&page={startPage?}"
    body = feeds.opensearch_description(_("Science Library"), _("Search the science library in Tibetan, Chinese, "
                                                                 "Wylie or pinyin."), template)
    return _xml(body, feeds.OPENSEARCH_TYPE)
