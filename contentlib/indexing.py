"""Bring this node's search index in line with the database, through one writer.

Changes reach an index only through the ``outbox`` rows that the store writes
in the same transaction as the change. Each index follows the outbox with its
own cursor, a file beside the index: ``drain`` applies the rows past it under a
cross-process file lock (so the web workers of one node never fight over the
index) and moves the cursor on; ``rebuild`` makes a fresh index from the
database and sets the cursor to where the outbox stood when it began. Every
index registers as a consumer in the database, and rows are pruned only once
every consumer has passed them, so any number of servers stay in step.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from . import atomic, media_kinds
from .records import work_to_record

CURSOR = "cursor"
CONSUMER = "consumer"
HEARTBEAT_EVERY = 30.0  # seconds between "still here" notes when nothing changes
_last_heartbeat: dict[str, float] = {}

# Kinds of public file the search can ask for (``has=`` in spec/search-api.md): contentlib.media_kinds decides.
FILE_KINDS = media_kinds.OFFERED


def file_kinds(media) -> list[str]:
    """The kinds of file among ``media`` entries, in FILE_KINDS order (``media_kinds.offered``: one rule everywhere)."""
    return media_kinds.offered(media)


def search_record(work) -> dict | None:
    """The published view of a work that the index sees; None if nothing is public.

    ``work`` is loaded as the public sees it, so draft files do not count in ``has``.
    """
    if not work.languages:
        return None
    rec = work_to_record(work)
    rec.pop("updated", None)  # not searched; leaving it out keeps the index unchanged by re-imports
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


def _write_atomically(path: Path, text: str) -> None:
    atomic.write_text(path, text, prefix=f".{path.name}-", suffix="", parents=True)


def read_cursor(index_dir) -> int | None:
    """The last outbox sequence this index has applied (None before its first build)."""
    try:
        return int((Path(index_dir) / CURSOR).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def write_cursor(index_dir, seq: int) -> None:
    _write_atomically(Path(index_dir) / CURSOR, f"{seq}\n")


def consumer_name(index_dir) -> str:
    """This index's name among the outbox's consumers (made once, kept beside the index)."""
    path = Path(index_dir) / CONSUMER
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        name = f"{socket.gethostname()}:{Path(index_dir).resolve()}:{uuid.uuid4().hex[:8]}"[-200:]
        _write_atomically(path, name + "\n")
        return name


def _seen(store, index_dir, seq: int, changed: bool) -> None:
    """Tell the database how far this index is (throttled when idle) and prune what all have passed."""
    name = consumer_name(index_dir)
    now = time.monotonic()
    if changed or now - _last_heartbeat.get(name, 0.0) >= HEARTBEAT_EVERY:
        store.consumer_seen(name, seq)
        store.prune_outbox()
        _last_heartbeat[name] = now


def lag(store, index_dir) -> int:
    """Changes in the database not yet applied to this index."""
    return store.count_after(read_cursor(index_dir) or 0)


def drain(store, index, index_dir, batch: int = 500, blocking: bool = True) -> int:
    """Apply the outbox rows past this index's cursor; return how many works were touched.

    With ``blocking=False`` it returns 0 at once when another process holds the lock
    (that process will pick these rows up on its next pass).
    """
    with writer_lock(index_dir, blocking) as got:
        if not got:
            return 0
        if not index.exists():
            return rebuild(store, index, index_dir, locked=True)
        cursor = read_cursor(index_dir) or 0  # an index from before cursors replays what is kept
        if _cheaper_to_rebuild(store, cursor):
            return rebuild(store, index, index_dir, locked=True)
        done = 0
        while True:
            rows = store.changes_after(cursor, batch)
            if not rows:
                break
            ids = list(dict.fromkeys(work_id for _, work_id in rows))
            found = {w.id: search_record(w) for w in store.get_works(ids)}
            records = [r for r in found.values() if r is not None]
            gone = [i for i in ids if found.get(i) is None]
            index.update(records=records, delete_ids=gone)
            cursor = rows[-1][0]
            write_cursor(index_dir, cursor)  # after the commit: a crash in between only replays rows
            done += len(ids)
        _seen(store, index_dir, cursor, changed=done > 0)
        return done


# A backlog this long, and at least a quarter of the catalog, is applied by a
# rebuild instead: updating works in place through Whoosh's writer cost about
# 5.5 ms of CPU per work (batches of 500 into a 10,000-work index), a rebuild
# about 1.7 ms per work of the whole catalog, on two processes.
REBUILD_BACKLOG = 5000


def _cheaper_to_rebuild(store, cursor) -> bool:
    backlog = store.count_after(cursor)
    return backlog >= REBUILD_BACKLOG and backlog * 4 >= store.count_works()


def rebuild(store, index, index_dir, locked: bool = False, progress=None) -> int:
    """Build a fresh index of every published work and swap it in; return its size.

    :param progress: called with the number of works read so far, now and then.
    """
    if not locked:
        with writer_lock(index_dir):
            return rebuild(store, index, index_dir, locked=True, progress=progress)
    seq = store.last_seq()  # rows written while we build are applied by the next drain
    name = consumer_name(index_dir)
    old = read_cursor(index_dir)
    store.consumer_seen(name, seq if old is None else min(old, seq))  # hold pruning until the swap
    records = (r for r in map(search_record, _counted(store.iter_works(), progress)) if r is not None)
    count = index.rebuild(records, expected=store.count_works())
    write_cursor(index_dir, seq)
    _seen(store, index_dir, seq, changed=True)
    return count


def _counted(works, progress):
    if progress is None:
        yield from works
        return
    for n, work in enumerate(works, start=1):
        if n % 1000 == 0:
            progress(n)
        yield work
