"""A folder for any browser: the selected works as a zip of static pages that open from ``file://``.

Unzipped anywhere, ``index.html`` opens with no server and no network: the
works' pages (``works/<id>.html``: titles, descriptions, the video with its
subtitles, books, the cover or cover card), the books' reader pages from the worker's
reader copies (``read/<sha256>.html``, ``read/<sha256>/<n>.html``: ``offline_books``,
moved through by the web reader's own ``reader.js``), browse by subject, a Tibetan/Chinese
switch, the self-hosted Tibetan font, and a search over an index made here by
the server's own analysers (``searchindex``). ``plan`` chooses the works and
files; ``write`` writes the zip beside ``out`` and renames it into place, so a
failed export leaves nothing and an earlier file as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import books, disk, offline_books
from ..attachments import card_path, ensure_cover_card
from ..targets import output_folder
from . import pages
from .searchindex import IndexBuilder

STATIC = Path(__file__).parent / "static"
#: The web reader's own script: the exported reader pages carry what it reads (``offline_books``).
READER_JS = Path(__file__).resolve().parents[2] / "catalog" / "static" / "js" / "reader.js"
EXTENSIONS = {"video/mp4": "mp4", "video/webm": "webm", "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/ogg": "ogg",
              "application/pdf": "pdf", "application/epub+zip": "epub", "image/webp": "webp",
              "image/jpeg": "jpg", "image/png": "png"}
# Vocabulary codes become file names (subjects/<code>.html); others are not linked.
CODE = re.compile(r"\A[a-z0-9][a-z0-9._-]{0,63}\Z")
# Already compressed: stored as they are.
STORED = (".mp4", ".webm", ".m4a", ".mp3", ".ogg", ".webp", ".jpg", ".png", ".woff2", ".epub", ".pdf")


@dataclass
class SitePlan:
    """What the zip will hold: the works, their page parts, and the files (site path -> (source, size))."""

    light: bool = False
    works: list = field(default_factory=list)
    parts: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    light_videos: int = 0
    skipped_files: list = field(default_factory=list)
    reader_pages: int = 0  # the books' pages and chapters (``offline_books``)

    def add(self, name: str, source: Path, mime: str) -> str | None:
        """A file for the zip (``media/<name>.<ext>``), once; its site path, or None when it is missing."""
        return _add(self, name, source, mime)

    @property
    def size(self) -> int:
        """The files' bytes (the pages add a little)."""
        return sum(size for _, size in self.files.values())


def _add(plan: SitePlan, name: str, source: Path, mime: str) -> str | None:
    if not source.is_file():
        return None
    path = f"media/{name}.{EXTENSIONS.get(mime, 'bin')}"
    plan.files.setdefault(path, (source, source.stat().st_size))
    return path


def _cover(media, work, plan: SitePlan) -> str | None:
    """A thumbnail of the work's cover, poster, video frame or book, else its cover card."""
    for role in ("cover", "poster", "original", "document", "dub"):
        for entry in work.media:
            if entry.role == role:
                thumbs = (entry.info.get("renditions") or {}).get("thumbnails") or {}
                small = thumbs.get(320) or thumbs.get("320") or {}
                if small.get("webp"):
                    found = _add(plan, f"{entry.sha256}-320", media.root / small["webp"], "image/webp")
                    if found:
                        return found
    ensure_cover_card(media, work)
    card = card_path(media, work, 640) or card_path(media, work, 320)
    return _add(plan, f"card-{work.id}", card, "image/webp") if card else None


def _parts(media, work, plan: SitePlan) -> dict:
    tracks, files = [], []
    for entry in work.media:
        if entry.role != "subtitle":
            continue
        made = entry.info.get("renditions") or {}
        fmt = (entry.info.get("file") or {}).get("format")
        source = media.root / made["vtt"] if fmt == "srt" and made.get("vtt") else media.path(entry.sha256)
        if fmt in ("srt", "vtt") and source.is_file() and (fmt == "vtt" or source != media.path(entry.sha256)):
            tracks.append((entry.lang or "und", source.read_bytes()))
    for entry in work.media:
        kind = (entry.info.get("file") or {}).get("kind")
        if entry.role not in ("original", "dub", "document") or kind not in ("video", "audio", "book"):
            continue
        mime, name, source = entry.content_type or "application/octet-stream", entry.sha256, media.path(entry.sha256)
        light = (entry.info.get("renditions") or {}).get("light") if kind == "video" and plan.light else None
        if isinstance(light, dict) and light.get("path") and (media.root / light["path"]).is_file():
            mime, name, source = "video/mp4", light.get("sha256") or f"{name}-light", media.root / light["path"]
            plan.light_videos += 1
        path = _add(plan, name, source, mime)
        if path is None:
            plan.skipped_files.append(entry.path)
            continue
        read = _reader(media, entry, plan) if kind == "book" else None
        files.append((kind, path, mime, entry.lang, entry.original_name or entry.path.rsplit("/", 1)[-1], read))
    return {"cover": _cover(media, work, plan), "tracks": tracks, "files": files}


def _reader(media, entry, plan: SitePlan) -> str | None:
    """The reader's page of a book whose reader copy is made; its pictures are counted in now."""
    read = offline_books.read_path(media, entry, pages.READER)
    if read is None:
        return None
    made = books.load(media, entry.sha256)
    if made is None:  # its reader copy went away since read_path saw it
        return None
    for name in books.picture_names(media, entry.sha256, made, smaller_only=plan.light):
        plan.add(f"{entry.sha256}-{name.rsplit('.', 1)[0]}", books.folder(media, entry.sha256) / name, "image/webp")
    two = made["format"] == "pdf" and not plan.light and len(made.get("widths") or ()) > 1
    plan.reader_pages += len(made["items"]) if made["format"] == "epub" else 2 if two else 1
    return read


def plan(library, selection, light: bool = False, work_ids: list[str] | None = None) -> SitePlan:
    """Choose the works of ``selection`` (or ``work_ids``) and the files their pages show.

    :raises BadParameter: for a selection naming an unknown code or list.
    """
    ids = library.select(selection) if work_ids is None else work_ids
    out = SitePlan(light=light)
    for work in library.store.get_works(ids):
        if not work.languages:
            continue  # nothing published
        out.works.append(work)
        out.parts[work.id] = _parts(library.media, work, out)
    return out


def _entries(library, plan: SitePlan, font: Path):
    """``(name, text or Path)`` of every member, pages first."""
    vocabulary = library.store.vocabulary()
    index = IndexBuilder()
    by_subject: dict[str, list] = {}
    books_seen: set = set()  # a book two works share: its reader's pages once
    for work in plan.works:
        terms = [t for t in (vocabulary.get("subjects", c) for c in work.subjects) if t and CODE.match(t.code)]
        for t in terms:
            by_subject.setdefault(t.code, []).append(work)
        index.add(work, f"works/{work.id}.html")
        yield f"works/{work.id}.html", pages.work_page(work, plan.parts[work.id], terms)
        title = pages.title_line(work)
        for path, body, depth in offline_books.book_pages(library.media, work, plan, plan.light, pages.READER,
                                                           seen=books_seen):
            yield path, pages.page(title, body, "../" * depth, reader=True)
    subjects = [(t, len(by_subject[t.code])) for t in vocabulary.terms("subjects") if t.code in by_subject]
    for term, _ in subjects:
        yield f"subjects/{term.code}.html", pages.subject_page(term, by_subject[term.code])
    yield "index.html", pages.home_page(plan.works, subjects)
    yield "index.js", index.script()
    yield "assets/site.css", pages.STYLE
    yield "assets/site.js", (STATIC / "site.js").read_text("utf-8")
    yield "assets/reader.js", READER_JS.read_text("utf-8")
    yield "assets/NotoSerifTibetan.woff2", Path(font)
    for name, (source, _) in plan.files.items():
        yield name, source


def write(library, plan: SitePlan, out: Path, font: Path, progress=None) -> int:
    """Write the site as a zip at ``out`` (atomically); return its size in bytes.

    :param font: the self-hosted Tibetan web font (WOFF2) the pages use.
    :param progress: called as ``progress(members written, members to write)``.
    :raises CannotWrite: when ``out``'s folder is missing or cannot be written (or fills up).
    """
    out = Path(out)
    folder = output_folder(out)
    total = len(plan.works) + plan.reader_pages + len(plan.files) + 7
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}-", suffix=".part")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for n, (name, content) in enumerate(_entries(library, plan, font), start=1):
                info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_STORED if name.endswith(STORED) else zipfile.ZIP_DEFLATED
                if isinstance(content, Path):
                    with open(content, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                else:
                    zf.writestr(info, content.encode("utf-8"))
                if progress:
                    progress(min(n, total), total)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        fault = disk.fault_at(folder, exc, where=str(out))
        if fault is not None:
            raise fault from exc
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out.stat().st_size
