"""Machine-readable metadata of a work page: Dublin Core ``<meta>`` tags and schema.org JSON-LD."""

from __future__ import annotations

from markupsafe import Markup, escape

from contentlib import dublincore, feeds, media_kinds, schemaorg

from .media import cover_url, describe
from .public import absolute, public_url
from .resources import get_library

FILE_KINDS = (media_kinds.VIDEO, media_kinds.BOOK, media_kinds.AUDIO)


def work_links(work) -> feeds.WorkLinks:
    """The work's page, cover, thumbnail and downloadable files as absolute public URLs."""
    links = feeds.WorkLinks(page=public_url("works.show", work_id=work.id))
    for role in ("cover", "poster", "original", "document", "dub"):
        described = [describe(m) for m in work.media if m.role == role]
        image = next((d["image_url"] for d in described if d.get("image_url")), None)
        if image:
            links.cover = absolute(image)
            break
    links.thumbnail = absolute(cover_url(work, 320))
    if links.cover is None:
        links.cover = absolute(cover_url(work, 640)) or links.thumbnail
    for m in work.media:
        if media_kinds.offered_kind(m) in FILE_KINDS:  # a played original or dub, a book or document
            d = describe(m)
            title = m.original_name or m.path.rsplit("/", 1)[-1]
            links.files.append((absolute(d["url"]), m.content_type or "application/octet-stream", title))
    return links


def work_metadata(work) -> Markup:
    """The ``<head>`` lines describing a work: DC ``<meta>`` per element and one JSON-LD block."""
    links = work_links(work)
    vocabulary = get_library().vocabulary()
    lines = ['<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">',
             f'<link rel="canonical" href="{escape(links.page)}">']
    for e in dublincore.elements(work, links.page, vocabulary):
        lang = f' lang="{escape(e.lang)}"' if e.lang else ""
        lines.append(f'<meta name="DC.{e.name}"{lang} content="{escape(e.value)}">')
    data = schemaorg.work_jsonld(work, links.page, image=links.cover, thumbnail=links.thumbnail,
                                 files=[(href, kind) for href, kind, _ in links.files], vocabulary=vocabulary)
    lines.append(f'<script type="application/ld+json">{schemaorg.script_json(data)}</script>')
    return Markup("\n".join(lines))  # every value above is escaped (attributes) or JSON-escaped (script)


def init_app(app) -> None:
    app.jinja_env.globals.update(work_metadata=work_metadata)
