"""Atom feeds (OPDS 1.2 catalogs and the new-arrivals feed), OpenSearch descriptions and sitemaps.

Builders take plain values (works, links, absolute URLs) and return XML bytes;
the web layer decides the URLs. Entries carry every language version, each
marked with its language, since a reader may read either script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree as ET

from .model import Work
from .xmltext import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS, "opensearch": OPENSEARCH}

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ENTRY_TYPE = "application/atom+xml;type=entry;profile=opds-catalog"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
REL_IMAGE = "http://opds-spec.org/image"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
REL_OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
ORDER = ("bo", "zh", "en")


@dataclass
class Link:
    href: str
    rel: str
    type: str | None = None
    title: str | None = None
    lang: str | None = None


@dataclass
class WorkLinks:
    """The absolute URLs of one work: its page, pictures and files ``(url, media type, title)``."""

    page: str
    cover: str | None = None
    thumbnail: str | None = None
    files: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Navigation:
    """An entry of a navigation feed: a titled link to another feed."""

    id: str
    title: str
    href: str
    type: str = ACQUISITION
    content: str | None = None


@dataclass
class Feed:
    id: str
    title: str
    links: list[Link]
    updated: float | None = None
    author: str | None = None
    total: int | None = None
    per_page: int | None = None
    start: int | None = None
    lang: str | None = None


def iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or 0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent, tag: str, text: str | None = None, **attrs):
    """A child element; its text and attributes lose what XML cannot carry (``xmltext``), never a 500."""
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_safe(text)
    return el


def _link(parent, link: Link) -> None:
    attrs = {"rel": link.rel, "href": link.href, "type": link.type, "title": link.title}
    if link.lang:
        attrs["hreflang"] = link.lang
    _sub(parent, f"{{{ATOM}}}link", **attrs)


def _feed(feed: Feed):
    root = ET.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    if feed.lang:
        root.set(XML_LANG, feed.lang)
    _sub(root, f"{{{ATOM}}}id", feed.id)
    _sub(root, f"{{{ATOM}}}title", feed.title)
    _sub(root, f"{{{ATOM}}}updated", iso(feed.updated))
    author = _sub(root, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", feed.author or feed.title)
    for link in feed.links:
        _link(root, link)
    if feed.total is not None:
        _sub(root, f"{{{OPENSEARCH}}}totalResults", str(feed.total))
        _sub(root, f"{{{OPENSEARCH}}}itemsPerPage", str(feed.per_page))
        _sub(root, f"{{{OPENSEARCH}}}startIndex", str(feed.start))
    return root


def _bytes(root) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def navigation_feed(feed: Feed, entries: list[Navigation]) -> bytes:
    """An OPDS navigation feed: each entry leads to another feed."""
    root = _feed(feed)
    for nav in entries:
        entry = _sub(root, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}id", nav.id)
        _sub(entry, f"{{{ATOM}}}title", nav.title)
        _sub(entry, f"{{{ATOM}}}updated", iso(feed.updated))
        _link(entry, Link(nav.href, "subsection", nav.type, nav.title))
        if nav.content:
            _sub(entry, f"{{{ATOM}}}content", nav.content, type="text")
    return _bytes(root)


def titles(work: Work) -> str:
    """Every title of a work, Tibetan first: one line a reader in either script recognizes."""
    found = [v.title.strip() for lang in ORDER
             if (v := work.versions.get(lang)) is not None and v.title is not None and v.has_title]
    return " · ".join(dict.fromkeys(found)) or work.id


def work_entry(work: Work, links: WorkLinks, vocabulary=None, locale: str = "bo"):
    """An Atom entry for a work (an OPDS acquisition entry when ``links.files`` is non-empty)."""
    entry = ET.Element(f"{{{ATOM}}}entry", nsmap=NSMAP)
    _sub(entry, f"{{{ATOM}}}id", links.page)
    _sub(entry, f"{{{ATOM}}}title", titles(work))
    _sub(entry, f"{{{ATOM}}}updated", iso(work.updated_at))
    for v in (work.versions[lang] for lang in ORDER if lang in work.versions):
        if v.title is not None and v.has_title:
            _sub(entry, f"{{{DC}}}title", v.title, **{XML_LANG: v.lang})
    for c in work.creators:
        author = _sub(entry, f"{{{ATOM}}}author")
        _sub(author, f"{{{ATOM}}}name", " · ".join(dict.fromkeys(c.name[lang] for lang in ORDER if c.name.get(lang))))
    for lang in work.languages:
        _sub(entry, f"{{{DC}}}language", lang)
    if work.year:
        _sub(entry, f"{{{DC}}}issued", str(work.year))
    if work.license:
        _sub(entry, f"{{{DC}}}rights", work.license)
    for code in work.subjects:
        term = vocabulary.get("subjects", code) if vocabulary is not None else None
        _sub(entry, f"{{{ATOM}}}category", term=code, scheme="subjects",
             label=term.label(locale) if term else code)
    summary = "\n\n".join(d.strip() for lang in ORDER if (ver := work.versions.get(lang))
                          and (d := ver.description) and d.strip())
    if summary:
        _sub(entry, f"{{{ATOM}}}summary", summary, type="text")
    _link(entry, Link(links.page, "alternate", "text/html", titles(work)))
    if links.cover:
        _link(entry, Link(links.cover, REL_IMAGE, _image_type(links.cover)))
    if links.thumbnail:
        _link(entry, Link(links.thumbnail, REL_THUMBNAIL, _image_type(links.thumbnail)))
    for href, media_type, title in links.files:
        _link(entry, Link(href, REL_OPEN_ACCESS, media_type, title))
    return entry


def _image_type(url: str) -> str:
    path = url.split("?")[0].lower()
    for suffix, media_type in ((".webp", "image/webp"), (".png", "image/png"), (".svg", "image/svg+xml")):
        if path.endswith(suffix):
            return media_type
    return "image/jpeg"


def acquisition_feed(feed: Feed, entries) -> bytes:
    """An OPDS acquisition feed (or a plain Atom feed) of work entries from :func:`work_entry`."""
    root = _feed(feed)
    for entry in entries:
        root.append(entry)
    return _bytes(root)


def opensearch_description(short_name: str, description: str, template: str, icon: str | None = None) -> bytes:
    """An OpenSearch 1.1 description whose one URL template answers with an acquisition feed."""
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription", nsmap={None: OPENSEARCH})
    _sub(root, f"{{{OPENSEARCH}}}ShortName", short_name[:16])
    _sub(root, f"{{{OPENSEARCH}}}Description", description)
    _sub(root, f"{{{OPENSEARCH}}}InputEncoding", "UTF-8")
    _sub(root, f"{{{OPENSEARCH}}}OutputEncoding", "UTF-8")
    for lang in ("bo", "zh", "en"):
        _sub(root, f"{{{OPENSEARCH}}}Language", lang)
    _sub(root, f"{{{OPENSEARCH}}}Url", type=ACQUISITION, template=template)
    _sub(root, f"{{{OPENSEARCH}}}Url", type="application/atom+xml", template=template)
    if icon:
        _sub(root, f"{{{OPENSEARCH}}}Image", icon)
    return _bytes(root)


def sitemap(urls) -> bytes:
    """A sitemap of ``(url, last change as Unix time or None)``; at most 50,000 URLs per the protocol."""
    root = ET.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP})
    for loc, changed in urls:
        url = _sub(root, f"{{{SITEMAP}}}url")
        _sub(url, f"{{{SITEMAP}}}loc", loc)
        if changed:
            _sub(url, f"{{{SITEMAP}}}lastmod", iso(changed))
    return _bytes(root)


def sitemap_index(urls) -> bytes:
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex", nsmap={None: SITEMAP})
    for loc in urls:
        _sub(_sub(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc", loc)
    return _bytes(root)
