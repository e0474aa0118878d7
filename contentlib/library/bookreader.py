"""The in-page reader: one book file of a work, as pages (PDF) or chapters (EPUB), for one user.

A mixin of ``Library``. The reader shows what the file's own URL would give:
nothing of a draft's file to someone who may not see drafts, so a book is
readable exactly when it is downloadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import access, books
from ..accounts import User
from ..books import paragraphs
from ..errors import NotFound, WorkNotFound
from ..media.pages import page_file
from ..model import MediaEntry, Work

if TYPE_CHECKING:
    from ..jobs import JobQueue
    from ..media import MediaStore
    from ..store import Store

#: PDF pages on one reader page; "go to page" beyond them opens the part holding that page.
PART = 20
#: Names of the reader's pictures (PDF pages, EPUB pictures): flat, in the book's folder.
BOOK_FILE = re.compile(r"\A(p[0-9]{4}-[0-9]{2,4}|i-[0-9a-f]{16})\.webp\Z")


@dataclass(frozen=True)
class Page:
    """One drawn PDF page: its pictures by width, their sizes, and its text."""

    number: int
    files: dict = field(default_factory=dict)     # width -> file name
    sizes: dict = field(default_factory=dict)     # width -> (width, height) in pixels
    paragraphs: tuple = ()
    failed: bool = False


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    lang: str | None
    html: str                  # cleaned for the page (sanitize.for_page)
    error: str | None = None   # too_large, unsafe, not_html, missing


@dataclass(frozen=True)
class OpenBook:
    """What the reader page shows of one book file.

    ``state`` is ``ready``, ``preparing`` (the worker has been asked for the pages) or
    ``failed`` (``error`` says why; the download still works). ``public`` is False for a
    draft's file: the page is then for staff only and must not be cached.
    """

    work: Work
    entry: MediaEntry
    format: str
    public: bool
    state: str
    error: str | None = None
    total: int = 0               # pages or chapters in the file
    shown: int = 0               # pages or chapters the reader has (at most the limits)
    stopped: str | None = None   # "cap": the rest only in the download; "error": drawing stopped part way
    widths: tuple = ()
    pages: tuple = ()            # the PDF pages of this part
    first: int = 1
    last: int = 0
    part: int = PART             # pages on one reader page: parts begin at 1, PART + 1, ...
    chapter: Chapter | None = None
    chapters: tuple = ()         # (number, title) of every chapter shown
    toc: tuple = ()              # {title, chapter, anchor, depth}
    title: str = ""


@dataclass(frozen=True)
class KeptBook:
    """What "Keep on this phone" stores of one book so that its reader opens with no connection.

    ``pages``: the reader's addresses as their query arguments: ``{}`` (the plain address: the first part
    or chapter), ``{"page": n}`` for each later part of a PDF (named by its first page, as the reader's
    links name them), ``{"chapter": n}`` for each chapter of an EPUB. ``files``: the pictures they show
    (``book_file`` names): each PDF page at the smaller width only (the kept page is the data saver's), an
    EPUB's pictures.
    """

    sha256: str
    format: str
    pages: tuple
    files: tuple


class BookReader:
    """Books as the reader page shows them."""

    # the Library's, set by ``facade.Library``
    store: Store
    media: MediaStore
    jobs: JobQueue

    if TYPE_CHECKING:  # from ``Files``, beside this one in the Library
        def file_access(self, sha256: str, user: User | None) -> access.FileAccess | None: ...

    def books_to_keep(self, work_id: str) -> tuple[KeptBook, ...]:
        """What a phone that keeps the published work ``work_id`` keeps of its books: their reader's pages and
        pictures, for each book anyone may download whose reader copy is made (the others stay downloads).

        :raises NotFound: for a work that is not published.
        """
        try:
            work = self.store.get_work(work_id, public=True)
        except WorkNotFound:
            raise NotFound(f"work {work_id}") from None
        out: list[KeptBook] = []
        for entry in work.media:
            found = access.file_access(self.store, entry.sha256, None) if books.book_format(entry) else None
            made = books.load(self.media, entry.sha256) if found and found.public and not entry.info.get("draft") else None
            if not made or made.get("error") or not made.get("items") or entry.sha256 in {b.sha256 for b in out}:
                continue
            shown = len(made["items"])
            pages: tuple[dict[str, int], ...]
            if made["format"] == "pdf":
                pages = ({},) + tuple({"page": first} for first in range(PART + 1, shown + 1, PART))
            else:
                pages = ({},) + tuple({"chapter": n} for n in range(1, shown + 1))
            names = books.picture_names(self.media, entry.sha256, made, smaller_only=True)
            out.append(KeptBook(entry.sha256, made["format"], pages, tuple(names)))
        return tuple(out)

    def _book_entry(self, work_id: str, sha256: str, user: User | None):
        found = access.file_access(self.store, sha256, user)
        if found is None:
            raise NotFound(f"book {sha256}")
        try:
            work = self.store.get_work(work_id, public=not access.may_see_drafts(user))
        except WorkNotFound:
            raise NotFound(f"book {sha256}") from None
        entry = next((e for e in work.media if e.sha256 == sha256 and books.book_format(e)), None)
        if entry is None:
            raise NotFound(f"book {sha256}")
        return work, entry, found.public and not entry.info.get("draft")

    def open_book(self, work_id: str, sha256: str, user: User | None, page: int = 1, chapter: int = 1,
                  image_url=lambda name: name) -> OpenBook:
        """The work's book file ``sha256`` for ``user``: the part holding ``page``, or ``chapter``.

        While the reader's pages are not made, the worker is asked for them and the state says so.

        :param image_url: ``image_url(name) -> str``: the URL of an EPUB picture in a chapter (see ``book_file``).
        :raises NotFound: for a file that is not this work's book, or not for this user.
        """
        work, entry, public = self._book_entry(work_id, sha256, user)
        fmt = books.book_format(entry)
        made = books.load(self.media, sha256)
        base = dict(work=work, entry=entry, format=fmt, public=public)
        if made is None:
            self.jobs.put(work.id)
            return OpenBook(state="preparing", **base)
        if made.get("error"):
            return OpenBook(state="failed", error=made["error"], **base)
        if fmt == "pdf":
            return self._pdf(made, base, page)
        return self._epub(made, base, sha256, chapter, image_url)

    @staticmethod
    def _pdf(made: dict, base: dict, page: int) -> OpenBook:
        items = made.get("items") or []
        shown = len(items)
        page = min(max(1, page), max(shown, 1))
        first = (page - 1) // PART * PART + 1
        last = min(first + PART - 1, shown)
        widths = tuple(int(w) for w in made.get("widths") or ())
        pages = []
        for item in items[first - 1:last]:
            if item.get("error"):
                pages.append(Page(int(item["n"]), failed=True))
                continue
            sizes = {int(w): tuple(s) for w, s in (item.get("sizes") or {}).items()}
            pages.append(Page(int(item["n"]), {w: page_file(int(item["n"]), w) for w in sizes}, sizes,
                              paragraphs(item.get("text") or "")))
        return OpenBook(state="ready", total=int(made.get("pages") or shown), shown=shown, stopped=made.get("stopped"),
                        widths=widths, pages=tuple(pages), first=first, last=last, **base)

    def _epub(self, made: dict, base: dict, sha256: str, number: int, image_url) -> OpenBook:
        items = made.get("items") or []
        number = min(max(1, number), max(len(items), 1))
        item = items[number - 1] if items else {"error": "missing"}
        html = books.chapter_html(self.media, sha256, item["file"], image_url) if item.get("file") else ""
        chapter = Chapter(number, item.get("title") or "", item.get("lang"), html, item.get("error"))
        return OpenBook(state="ready", total=int(made.get("chapters") or len(items)), shown=len(items),
                        stopped=made.get("stopped"), chapter=chapter,
                        chapters=tuple((n, i.get("title") or "") for n, i in enumerate(items, start=1)),
                        toc=tuple(made.get("toc") or ()), title=made.get("title") or "", **base)

    def book_file(self, sha256: str, name: str, user: User | None) -> tuple[access.FileAccess, Path] | None:
        """A picture of the reader's copy of ``sha256`` (a page, an EPUB picture), if ``user`` may have the file."""
        if not BOOK_FILE.match(name or ""):
            return None
        found = self.file_access(sha256, user)
        if found is None:
            return None
        path = books.folder(self.media, sha256) / name
        return (found, path) if path.is_file() else None
