"""An EPUB chapter's XHTML made into HTML a page may carry: nh3 (Ammonia) with a short allow-list.

Text, headings, lists, tables, figures, links within the book and its own pictures
stay. Scripts, styles, forms, frames, SVG, event handlers, classes and every
absolute URL (``http:``, ``javascript:``, ``file:``, ``data:``, ``//host``) go.
Whatever a chapter names is mapped by the caller's ``link`` and ``image``
functions; anything they do not map is dropped, so a link out of the book
keeps its words and loses its target.

A chapter is cleaned twice: when the worker renders it (names from the EPUB
mapped to the reader's) and again when a page shows it (:func:`for_page`),
which keeps only names of the reader's own shapes, so even a stored chapter
changed on disk cannot bring a script or a remote URL into a page.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
}
#: Removed with everything inside them (not just their tags).
DROPPED = {"script", "style", "title", "svg", "math", "iframe", "object", "embed", "template",
           "noscript", "textarea", "select", "audio", "video", "canvas", "head"}
ATTRIBUTES = {
    "*": {"id", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
}

ID_PREFIX = "c-"
IMAGE = re.compile(r"\Ai-[0-9a-f]{16}\.webp\Z")
LINK = re.compile(r"\A(\?chapter=[1-9][0-9]{0,5})?(#c-[A-Za-z0-9_.-]{1,100})?\Z")
ANCHOR = re.compile(r"\Ac-[A-Za-z0-9_.-]{1,100}\Z")
LANG = re.compile(r"\A[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}\Z")
_NUMBER = re.compile(r"\A[0-9]{1,5}\Z")
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]")


def anchor(fragment: str) -> str | None:
    """The page id for a chapter's own id or fragment (prefixed, so it cannot clash with the page's)."""
    fragment = _NOT_ID.sub("_", fragment or "")[:100]
    return ID_PREFIX + fragment if fragment else None


def _common(tag: str, attr: str, value: str) -> str | None:
    """Attributes other than links and pictures: kept only in their plain shapes."""
    if attr == "lang":
        return value if LANG.match(value) else None
    if attr == "dir":
        return value if value in ("ltr", "rtl", "auto") else None
    if attr in ("width", "height", "colspan", "rowspan", "start", "span"):
        return value if _NUMBER.match(value.strip()) else None
    if attr == "scope":
        return value if value in ("row", "col", "rowgroup", "colgroup") else None
    if attr in ("title", "alt"):
        return value[:500]
    return None


def _clean(html: str, rewrite) -> str:
    return nh3.clean(html, tags=TAGS, clean_content_tags=DROPPED, attributes=ATTRIBUTES, attribute_filter=rewrite,
                     strip_comments=True, link_rel=None, url_schemes=set())


def clean_chapter(html: str, link, image) -> str:
    """Clean one chapter as the worker renders it.

    :param link: ``link(href) -> str | None``: a link's target in the reader (``?chapter=N#c-id``) or None.
    :param image: ``image(src) -> str | None``: the stored picture's name (``i-<hex>.webp``) or None.
    """
    def rewrite(tag, attr, value):
        if attr == "href":
            return link(value)
        if attr == "src":
            return image(value)
        if attr == "id":
            return anchor(value)
        return _common(tag, attr, value)

    return _clean(html, rewrite)


def for_page(stored: str, image_url, link_url=None) -> str:
    """Clean a stored chapter again as a page shows it.

    :param image_url: ``image_url(name) -> str``: the URL of one of the book's pictures, by its stored name.
    :param link_url: ``link_url(href) -> str``: where a link within the book goes (``?chapter=N#c-id``
        by default, for the reader page; a ZIM names its chapters otherwise).
    """
    def rewrite(tag, attr, value):
        if attr == "href":
            if not value or not LINK.match(value):
                return None
            return link_url(value) if link_url else value
        if attr == "src":
            return image_url(value) if IMAGE.match(value) else None
        if attr == "id":
            return value if ANCHOR.match(value) else None
        return _common(tag, attr, value)

    return _clean(stored, rewrite)
