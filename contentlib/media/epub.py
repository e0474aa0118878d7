"""An EPUB for the in-page reader: clean chapters, its own pictures, and a table of contents.

:func:`render_book` writes ``c0001.html`` ... (sanitised HTML fragments, see
``sanitize.py``) and ``i-<hex>.webp`` (the book's raster pictures, re-encoded)
into a folder and returns what it made. Limits keep a hostile book small:
chapters past ``limits.reader_chapters`` are left to the download, a chapter
over ``limits.reader_chapter_bytes`` or one that declares XML entities is not
shown, and a picture is decoded only within the image limits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from contentlib.errors import MediaRejected

from . import images, sanitize
from .epubfiles import DC, HTML_TYPES, NCX, OCF, OPF, OPS, XHTML, declares_entities, parse_xml, resolve, safe_name
from .limits import Limits

PICTURE_WIDTH = 1000
TOC_MAX = 2000
TITLE_MAX = 300
RASTER = ("image/jpeg", "image/png", "image/webp")  # what images.open_image decodes
_LANG = re.compile(rb"<html\b[^>]*?\b(?:xml:)?lang\s*=\s*[\"']([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3})[\"']",
                   re.I | re.S)
_TITLE = re.compile(r"<(title|h[1-3])\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


@dataclasses.dataclass
class Package:
    """What the package document says: the reading order, the files by path, the navigation."""

    opf_path: str
    spine: list[str]                   # archive paths of the chapters, in reading order
    types: dict[str, str]              # archive path -> media type
    nav: str | None                    # the EPUB 3 navigation document
    ncx: str | None                    # the EPUB 2 table of contents
    language: str | None
    title: str


def read_package(zf: zipfile.ZipFile) -> Package:
    """Read the container and package documents. :raises MediaRejected: when they are missing or unsafe."""
    container = parse_xml(zf, "META-INF/container.xml", "container file")
    rootfile = container.find(f".//{{{OCF}}}rootfile")
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path or not safe_name(opf_path):
        raise MediaRejected("The EPUB's container file names no package document.")
    opf = parse_xml(zf, opf_path, "package document")
    base = posixpath.dirname(opf_path)
    by_id, types, nav = {}, {}, None
    for item in opf.iterfind(f"{{{OPF}}}manifest/{{{OPF}}}item"):
        path, _fragment = resolve(base, item.get("href") or "")
        if not path:
            continue
        by_id[item.get("id")] = path
        types[path] = (item.get("media-type") or "").strip().lower()
        if "nav" in (item.get("properties") or "").split():
            nav = path
    spine_el = opf.find(f"{{{OPF}}}spine")
    spine = []
    if spine_el is not None:
        spine = [by_id[ref.get("idref")] for ref in spine_el.iterfind(f"{{{OPF}}}itemref")
                 if ref.get("idref") in by_id]
    ncx = by_id.get(spine_el.get("toc")) if spine_el is not None else None
    lang_el = opf.find(f"{{{OPF}}}metadata/{{{DC}}}language")
    language = (lang_el.text or "").strip() if lang_el is not None else ""
    title_el = opf.find(f"{{{OPF}}}metadata/{{{DC}}}title")
    title = (title_el.text or "").strip()[:TITLE_MAX] if title_el is not None else ""
    return Package(opf_path, spine, types, nav, ncx, language if sanitize.LANG.match(language) else None, title)


# --- the table of contents ---

def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())[:TITLE_MAX]


def _entry(doc_dir: str, href: str, title: str, depth: int, chapters: dict[str, int]) -> dict | None:
    path, fragment = resolve(doc_dir, href)
    if not path or path not in chapters or not title:
        return None
    return {"title": title, "chapter": chapters[path], "anchor": sanitize.anchor(fragment), "depth": depth}


def _nav_toc(zf, nav: str, chapters: dict[str, int]) -> list[dict]:
    root = parse_xml(zf, nav, "navigation document")
    navs = list(root.iter(f"{{{XHTML}}}nav"))
    toc_nav = next((n for n in navs if "toc" in (n.get(f"{{{OPS}}}type") or "").split()), navs[0] if navs else None)
    out: list[dict] = []

    def walk(ol, depth):
        for li in ol.findall(f"{{{XHTML}}}li"):
            if len(out) >= TOC_MAX:
                return
            a = li.find(f"{{{XHTML}}}a")
            if a is not None:
                found = _entry(posixpath.dirname(nav), a.get("href") or "", _text(a), depth, chapters)
                if found:
                    out.append(found)
            sub = li.find(f"{{{XHTML}}}ol")
            if sub is not None and depth < 5:
                walk(sub, depth + 1)

    top = toc_nav.find(f"{{{XHTML}}}ol") if toc_nav is not None else None
    if top is not None:
        walk(top, 0)
    return out


def _ncx_toc(zf, ncx: str, chapters: dict[str, int]) -> list[dict]:
    root = parse_xml(zf, ncx, "table of contents")
    out: list[dict] = []

    def walk(parent, depth):
        for point in parent.findall(f"{{{NCX}}}navPoint"):
            if len(out) >= TOC_MAX:
                return
            label = point.find(f"{{{NCX}}}navLabel/{{{NCX}}}text")
            content = point.find(f"{{{NCX}}}content")
            if label is not None and content is not None:
                found = _entry(posixpath.dirname(ncx), content.get("src") or "", _text(label), depth, chapters)
                if found:
                    out.append(found)
            if depth < 5:
                walk(point, depth + 1)

    nav_map = root.find(f"{{{NCX}}}navMap")
    if nav_map is not None:
        walk(nav_map, 0)
    return out


def table_of_contents(zf, package: Package, chapters: dict[str, int]) -> list[dict]:
    """The book's own contents (EPUB 3 navigation, else the NCX), each entry ``{title, chapter, anchor, depth}``.

    An entry that points outside the shown chapters is left out; an unreadable navigation gives none.
    """
    for source, reader in ((package.nav, _nav_toc), (package.ncx, _ncx_toc)):
        if source and source in zf.namelist():
            try:
                found = reader(zf, source, chapters)
            except MediaRejected:
                continue
            if found:
                return found
    return []


# --- chapters and their pictures ---

class _Pictures:
    """The book's raster pictures, each written once as ``i-<hex>.webp`` when a chapter first shows it."""

    def __init__(self, zf, package: Package, out: Path, limits: Limits):
        self.zf, self.package, self.out, self.limits = zf, package, out, limits
        self.names: dict[str, str | None] = {}

    def name(self, path: str) -> str | None:
        if path not in self.names:
            self.names[path] = self._write(path)
        return self.names[path]

    def _write(self, path: str) -> str | None:
        if self.package.types.get(path) not in RASTER:
            return None
        try:
            info = self.zf.getinfo(path)
        except KeyError:
            return None
        if info.file_size > self.limits.image_bytes:
            return None
        try:
            picture = images.open_image(io.BytesIO(self.zf.read(info)), self.limits, what="A picture in the EPUB")
            picture = images.thumbnail(images.clean_copy(picture), PICTURE_WIDTH)
        except (MediaRejected, OSError, ValueError, zipfile.BadZipFile, zlib.error):
            return None  # a broken picture loses itself, not its chapter
        name = f"i-{hashlib.sha256(path.encode('utf-8')).hexdigest()[:16]}.webp"
        images.save_image(picture, self.out / name, "webp", quality=75)
        return name


def _title_of(html: str) -> str:
    for _tag, inner in _TITLE.findall(html):
        text = " ".join(_TAG.sub(" ", inner).split())
        if text:
            return text[:TITLE_MAX]
    return ""


def _chapter(zf, package: Package, path: str, number: int, chapters: dict[str, int], pictures: _Pictures,
             out: Path, limits: Limits) -> dict:
    """Render one chapter to ``cNNNN.html``; return ``{file, lang, title}`` or ``{error}``."""
    if package.types.get(path) not in HTML_TYPES:
        return {"error": "not_html"}
    try:
        info = zf.getinfo(path)
    except KeyError:
        return {"error": "missing"}
    if info.file_size > limits.reader_chapter_bytes:
        return {"error": "too_large", "bytes": info.file_size}
    data = zf.read(info)
    if declares_entities(data):
        return {"error": "unsafe"}
    here = posixpath.dirname(path)

    def link(href: str) -> str | None:
        target, fragment = resolve(here, href)
        page_id = sanitize.anchor(fragment)  # None just when there is no fragment
        if target == "":
            return "#" + page_id if page_id else None
        if target not in chapters:
            return None
        shown = f"?chapter={chapters[target]}"
        return shown + "#" + page_id if page_id else shown

    def image(src: str) -> str | None:
        target, _fragment = resolve(here, src)
        return pictures.name(target) if target else None

    text = data.decode("utf-8-sig", errors="replace") if not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
        else data.decode("utf-16", errors="replace")
    lang = _LANG.search(text.encode("utf-8", errors="replace")[:4096])
    html = sanitize.clean_chapter(text, link, image)
    name = f"c{number:04d}.html"
    (out / name).write_text(html, "utf-8")
    return {"file": name, "lang": lang.group(1).decode() if lang else package.language, "title": _title_of(text)}


def render_book(src, out: Path, limits: Limits | None = None) -> dict:
    """Render an EPUB's chapters, pictures and contents into ``out``; return what was made.

    :returns: ``{"chapters": in the reading order, "rendered": how many are here, "stopped":
        "cap" or None, "title", "language", "items": [{file, lang, title} or {error}], "toc": [...]}``.
    :raises MediaRejected: when the archive or its package cannot be read.
    """
    limits = limits or Limits()
    out = Path(out)
    try:
        with zipfile.ZipFile(src) as zf:
            package = read_package(zf)
            shown = package.spine[:limits.reader_chapters]
            chapters: dict[str, int] = {}
            for path in shown:
                chapters.setdefault(path, len(chapters) + 1)
            pictures = _Pictures(zf, package, out, limits)
            items = [_chapter(zf, package, path, n, chapters, pictures, out, limits)
                     for path, n in chapters.items()]
            toc = table_of_contents(zf, package, chapters)
    except MediaRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error) as exc:
        raise MediaRejected(f"The EPUB could not be read ({exc}).", reason="damaged") from None
    if not items:
        raise MediaRejected("The EPUB has no chapters to show.")
    titles = {e["chapter"]: e["title"] for e in reversed(toc)}
    for n, item in enumerate(items, start=1):
        if n in titles:
            item["title"] = titles[n]
    total = len(dict.fromkeys(package.spine))
    return {"chapters": total, "rendered": len(items), "stopped": "cap" if total > len(items) else None,
            "title": package.title, "language": package.language, "items": items, "toc": toc}
