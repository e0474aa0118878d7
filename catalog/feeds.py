"""The Atom feed of new arrivals and the sitemap, for feed readers and search engines."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask_babel import gettext as _

from contentlib import feeds

from .i18n import content_lang
from .metadata import work_links
from .public import public_url
from .resources import get_library

bp = Blueprint("feeds", __name__)
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit of URLs per file


@bp.get("/feeds/new.atom")
def new_atom():
    lib = get_library()
    works, _total = lib.listing(page=1, per_page=current_app.config["CONTENTLIB_FEED_PAGE_SIZE"])
    self_url = public_url("feeds.new_atom")
    feed = feeds.Feed(id=self_url, title=_("New arrivals") + " · " + _("Science Library"),
                      links=[feeds.Link(self_url, "self", "application/atom+xml"),
                             feeds.Link(public_url("browse.home"), "alternate", "text/html")],
                      updated=lib.updated(works),
                      author=_("Science Library"))
    vocabulary, locale = lib.vocabulary(), content_lang()
    body = feeds.acquisition_feed(feed, [feeds.work_entry(w, work_links(w), vocabulary, locale) for w in works])
    return Response(body, content_type="application/atom+xml;charset=utf-8")


def _size() -> int:
    return current_app.config.get("CONTENTLIB_SITEMAP_SIZE", SITEMAP_SIZE)


@bp.get("/sitemap.xml")
def sitemap():
    """Home, browse pages and every work page; a sitemap index once there are more than fit one file."""
    lib = get_library()
    size, count = _size(), lib.count_works()
    if count + 1 > size:
        parts = -(-count // size)
        body = feeds.sitemap_index(public_url("feeds.sitemap_part", number=n) for n in range(1, parts + 1))
        return Response(body, content_type="application/xml;charset=utf-8")
    return Response(feeds.sitemap(_pages(lib) + _works(lib, 0, size)), content_type="application/xml;charset=utf-8")


@bp.get("/sitemaps/<int:number>.xml")
def sitemap_part(number):
    lib = get_library()
    size = _size()
    if number < 1 or (number - 1) * size >= lib.count_works():
        abort(404)
    urls = _works(lib, (number - 1) * size, size)
    if number == 1:
        urls = _pages(lib) + urls
    return Response(feeds.sitemap(urls), content_type="application/xml;charset=utf-8")


def _pages(lib) -> list[tuple[str, float | None]]:
    """The home page and the subjects that have works."""
    return [(public_url("browse.home"), lib.newest_change())] + [
        (public_url("browse.by_term", scheme="subjects", code=t.code), None) for t, _n in lib.used_terms("subjects")]


def _works(lib, offset: int, size: int) -> list[tuple[str, float | None]]:
    changes = lib.last_changes(offset, size)
    return [(public_url("works.show", work_id=work_id), changed) for work_id, changed in changes]
