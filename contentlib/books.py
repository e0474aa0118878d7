"""The reader's copy of a stored book: a PDF's pages as pictures and text, an EPUB's chapters as clean HTML.

It lives in ``<media>/derived/<sha256>/book/`` beside the other derived files
(and goes with them when the file is deleted), with ``book.json`` saying what
is there. The background worker makes it (``finish_books``, in the ``derive``
job, after the thumbnails): the folder is built under a temporary name and
renamed into place, so a reader sees the whole set or none. A book that cannot
be drawn gets a ``book.json`` with its ``error``, so it is not tried forever.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import MediaRejected
from .media import Limits, MediaStore, epub, pages, sanitize
from .media._files import owner_tag

FOLDER = "book"
MANIFEST = "book.json"
VERSION = 1
FORMATS = ("pdf", "epub")
_TIBETAN = re.compile("[\u0f00-\u0fff]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Paragraph:
    """A run of a page's lines in one script: Tibetan (``bo``), Chinese (``zh``) or other (None)."""

    lang: str | None
    text: str


def paragraphs(text: str) -> tuple:
    """Split a page's text into runs of lines by script, as a reader and a screen reader want them.

    A PDF breaks Tibetan and Chinese lines inside words; their lines are joined with nothing
    between (so a sentence reads exactly as written). Other lines keep their breaks.
    """
    runs: list[list] = []
    for line in text.split("\n"):
        if not line.strip():
            runs.append([None, None])  # a blank line ends a paragraph
            continue
        lang = "bo" if _TIBETAN.search(line) else "zh" if _HAN.search(line) else None
        if runs and runs[-1][1] is not None and runs[-1][0] == lang:
            runs[-1][1] += line if lang else "\n" + line
        else:
            runs.append([lang, line])
    return tuple(Paragraph(lang, t.strip() if lang else t) for lang, t in runs if t and t.strip())


def folder(media: MediaStore, sha256: str) -> Path:
    return media.derived_dir(sha256) / FOLDER


def load(media: MediaStore, sha256: str) -> dict | None:
    """What the reader has of this book (``book.json``), or None while it is not made."""
    try:
        data = json.loads((folder(media, sha256) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


def book_format(entry) -> str | None:
    """``pdf`` or ``epub`` for a media entry the reader can show, else None."""
    fmt = (entry.info.get("file") or {}).get("format")
    return fmt if fmt in FORMATS else None


def make_book(media: MediaStore, sha256: str, fmt: str, limits: Limits | None = None) -> dict:
    """Make the reader's copy of one stored book (once); return its ``book.json``.

    :raises FileNotFoundError: when the store does not hold the file.
    """
    done = load(media, sha256)
    if done is not None:
        return done
    src = media.path(sha256)
    if not src.is_file():
        raise FileNotFoundError(f"no stored file {sha256}")
    final = folder(media, sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".book-{owner_tag()}-"))
    try:
        try:
            made = pages.render_pages(src, work, limits) if fmt == "pdf" else epub.render_book(src, work, limits)
        except MediaRejected as exc:
            made = {"error": str(exc)}
        made = {"version": VERSION, "format": fmt, **made}
        (work / MANIFEST).write_text(json.dumps(made, ensure_ascii=False), "utf-8")
        os.chmod(work, 0o755)
        if final.exists():  # an older version's copy
            shutil.rmtree(final, ignore_errors=True)
        try:
            os.replace(work, final)
        except OSError:
            theirs = load(media, sha256)  # another worker put its copy in place first: theirs is as good
            if theirs is None:
                raise
            shutil.rmtree(work, ignore_errors=True)
            return theirs
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return made


def finish_books(store, media: MediaStore, work_id: str, limits: Limits | None = None) -> int:
    """Make the reader's copies of one work's books that lack them; return how many were made."""
    try:
        work = store.get_work(work_id, public=False)  # a draft's book can be read by its reviewers
    except LookupError:
        return 0
    made = 0
    for sha256, fmt in {e.sha256: f for e in work.media if (f := book_format(e))}.items():
        if load(media, sha256) is None and media.exists(sha256):
            make_book(media, sha256, fmt, limits)
            made += 1
    return made


def chapter_html(media: MediaStore, sha256: str, name: str, image_url, link_url=None) -> str:
    """A stored chapter, cleaned again for the page; ``image_url(name)`` gives a picture's URL (see ``for_page``)."""
    if not (name.startswith("c") and name.endswith(".html") and name[1:-5].isdigit()):
        return ""
    try:
        stored = (folder(media, sha256) / name).read_text("utf-8")
    except OSError:
        return ""
    return sanitize.for_page(stored, image_url, link_url)


def picture_names(media: MediaStore, sha256: str, made: dict, smaller_only: bool = False) -> list[str]:
    """The reader's pictures of a made book (``load``): each drawn page at each width (the smaller only when
    asked), or an EPUB's pictures. What an offline copy of the reader needs beside its pages."""
    if made.get("format") == "pdf":
        widths = sorted(int(w) for w in made.get("widths") or ())
        widths = widths[:1] if smaller_only else widths
        return [pages.page_file(int(i["n"]), w) for i in made.get("items") or () if not i.get("error") for w in widths]
    return sorted(p.name for p in folder(media, sha256).glob("i-*.webp"))
