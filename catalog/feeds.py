"""The Atom feed of new arrivals and the sitemap, for feed readers and search engines."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask_babel import gettext as _

from contentlib import feeds, listing

from .i18n import content_lang
from .metadata import work_links
from .public import public_url
from .resources import get_store

bp = Blueprint("feeds", __name__)
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit of URLs per file


@bp.get("/feeds/new.atom")
def new_atom():
    store = get_store()
    works, _total = store.list_works(page=1, per_page=current_app.config["CONTENTLIB_FEED_PAGE_SIZE"])
    self_url = public_url("feeds.new_atom")
    feed = feeds.Feed(id=self_url, title=_("New arrivals") + " · " + _("Science Library"),
                      links=[feeds.Link(self_url, "self", "application/atom+xml"),
                             feeds.Link(public_url("browse.home"), "alternate", "text/html")],
                      updated=max((w.updated_at or 0 for w in works), default=listing.newest_change(store)),
                      author=_("Science Library"))
    vocabulary, locale = store.vocabulary(), content_lang()
    body = feeds.acquisition_feed(feed, [feeds.work_entry(w, work_links(w), vocabulary, locale) for w in works])
    return Response(body, content_type="application/atom+xml;charset=utf-8")


def _size() -> int:
    return current_app.config.get("CONTENTLIB_SITEMAP_SIZE", SITEMAP_SIZE)


@bp.get("/sitemap.xml")
def sitemap():
    """Home, browse pages and every work page; a sitemap index once there are more than fit one file."""
    store = get_store()
    size, count = _size(), store.count_works()
    if count + 1 > size:
        parts = -(-count // size)
        body = feeds.sitemap_index(public_url("feeds.sitemap_part", number=n) for n in range(1, parts + 1))
        return Response(body, content_type="application/xml;charset=utf-8")
    return Response(feeds.sitemap(_pages(store) + _works(store, 0, size)), content_type="application/xml;charset=utf-8")


@bp.get("/sitemaps/<int:number>.xml")
def sitemap_part(number):
    store = get_store()
    size = _size()
    if number < 1 or (number - 1) * size >= store.count_works():
        abort(404)
    urls = _works(store, (number - 1) * size, size)
    if number == 1:
        urls = _pages(store) + urls
    return Response(feeds.sitemap(urls), content_type="application/xml;charset=utf-8")


def _pages(store) -> list[tuple[str, float | None]]:
    newest = listing.newest_change(store)
    pages = [(public_url("browse.home"), newest)]
    vocabulary = store.vocabulary()
    for scheme, counts in (("subjects", store.count_by_term("subjects")),):
        pages += [(public_url("browse.by_term", scheme=scheme, code=t.code), None)
                  for t in vocabulary.terms(scheme) if counts.get(t.code)]
    return pages


def _works(store, offset: int, size: int) -> list[tuple[str, float | None]]:
    changes = listing.last_changes(store, offset, size)
    return [(public_url("works.show", work_id=work_id), changed) for work_id, changed in changes]
