"""Bring the search index in line with the database, through one writer.

Changes reach the index only through the ``search_outbox`` rows that the store
writes in the same transaction as the change. ``drain`` applies them under a
cross-process file lock, so several web workers never fight over the index;
``rebuild`` makes a fresh index from the database and swaps it in.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .records import work_to_record

# Kinds of public file the search can ask for (``has=`` in spec/search-api.md).
FILE_KINDS = ("video", "book", "audio", "subtitles")
_BOOK_TYPES = ("application/pdf", "application/epub+zip")
_BY_EXTENSION = {"mp4": "video", "webm": "video", "mp3": "audio", "m4a": "audio", "ogg": "audio",
                 "pdf": "book", "epub": "book", "srt": "subtitles", "vtt": "subtitles"}


def file_kinds(media) -> list[str]:
    """The kinds of file among ``media`` entries, in FILE_KINDS order.

    A video or audio counts as the work's original or a dub; a book is a PDF or
    EPUB original or document; subtitles are any subtitle track. The content
    type checked on import decides; the path's extension only when it is unknown.
    """
    found = set()
    for m in media:
        ctype = (m.content_type or "").split(";")[0].strip().lower()
        if ctype.startswith("video/"):
            kind = "video"
        elif ctype.startswith("audio/"):
            kind = "audio"
        elif ctype in _BOOK_TYPES:
            kind = "book"
        elif ctype in ("text/vtt", "application/x-subrip"):
            kind = "subtitles"
        else:
            kind = None if ctype else _BY_EXTENSION.get(m.path.rsplit(".", 1)[-1].lower())
        if m.role == "subtitle":
            kind = "subtitles" if kind in (None, "subtitles") else None
        elif kind in ("video", "audio") and m.role not in ("original", "dub"):
            kind = None
        elif kind == "book" and m.role not in ("original", "document"):
            kind = None
        if kind:
            found.add(kind)
    return [k for k in FILE_KINDS if k in found]


def search_record(work) -> dict | None:
    """The published view of a work that the index sees; None if nothing is public.

    ``work`` is loaded as the public sees it, so draft files do not count in ``has``.
    """
    if not work.languages:
        return None
    rec = work_to_record(work)
    rec["added"] = work.added or 0
    rec["has"] = file_kinds(work.media)
    return rec


@contextmanager
def writer_lock(index_dir, blocking: bool = True):
    """Hold the index's writer lock (a file beside the index); yield False if busy."""
    path = Path(str(index_dir).rstrip("/") + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def drain(store, index, index_dir, batch: int = 500, blocking: bool = True) -> int:
    """Apply pending outbox rows to the index; return how many works were touched.

    With ``blocking=False`` it returns 0 at once when another process holds the lock
    (that process will pick these rows up on its next pass).
    """
    done = 0
    with writer_lock(index_dir, blocking) as got:
        if not got:
            return 0
        if not index.exists():
            return rebuild(store, index, index_dir, locked=True)
        while True:
            pending = store.pending(batch)
            if not pending:
                return done
            ids = list(dict.fromkeys(work_id for _, work_id in pending))
            found = {w.id: search_record(w) for w in store.get_works(ids)}
            records = [r for r in found.values() if r is not None]
            gone = [i for i in ids if found.get(i) is None]
            index.update(records=records, delete_ids=gone)
            store.clear_pending(pending[-1][0])
            done += len(ids)


def rebuild(store, index, index_dir, locked: bool = False) -> int:
    """Build a fresh index of every published work and swap it in; return its size."""
    if not locked:
        with writer_lock(index_dir):
            return rebuild(store, index, index_dir, locked=True)
    high_water = store.last_pending_id()
    records = (r for r in map(search_record, store.iter_works()) if r is not None)
    count = index.rebuild(records)
    if high_water is not None:  # rows written while we built are drained next time
        store.clear_pending(high_water)
    return count
