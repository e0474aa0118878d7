"""Bring this node's search index in line with the database, through one writer.

Changes reach an index only through the ``outbox`` rows that the store writes
in the same transaction as the change. Each index follows the outbox at its
own pace and keeps how far it is itself (``applied_seq``; the engine decides
where: a cursor file beside a local index): ``drain`` applies the rows past it
under the index's writer lock (so the web workers of one node never fight over
the index) and moves it on; ``rebuild`` makes a fresh index from the database
and notes where the outbox stood when it began. Every index registers as a
consumer in the database, and rows are pruned only once every consumer has
passed them, so any number of servers stay in step.

``index`` below is anything with the engine's sync methods (``lock``,
``applied_seq``, ``apply``, ``rebuild``, ``consumer_name``, ``exists``):
a ``search.Search`` or an engine itself.
"""

from __future__ import annotations

import time

from . import media_kinds
from .records import work_to_record

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


def _seen(store, index, seq: int, changed: bool) -> None:
    """Tell the database how far this index is (throttled when idle) and prune what all have passed."""
    name = index.consumer_name()
    now = time.monotonic()
    if changed or now - _last_heartbeat.get(name, 0.0) >= HEARTBEAT_EVERY:
        store.consumer_seen(name, seq)
        store.prune_outbox()
        _last_heartbeat[name] = now


def lag(store, index) -> int:
    """Changes in the database not yet applied to this index."""
    return store.count_after(index.applied_seq() or 0)


def drain(store, index, batch: int = 500, blocking: bool = True) -> int:
    """Apply the outbox rows past this index's cursor; return how many works were touched.

    With ``blocking=False`` it returns 0 at once when another process holds the lock
    (that process will pick these rows up on its next pass).
    """
    with index.lock(blocking) as got:
        if not got:
            return 0
        if not index.exists():
            return rebuild(store, index, locked=True)
        cursor = index.applied_seq() or 0  # an index from before cursors replays what is kept
        if _cheaper_to_rebuild(store, cursor):
            return rebuild(store, index, locked=True)
        done = 0
        while True:
            rows = store.changes_after(cursor, batch)
            if not rows:
                break
            ids = list(dict.fromkeys(work_id for _, work_id in rows))
            found = {w.id: search_record(w) for w in store.get_works(ids)}
            records = [r for r in found.values() if r is not None]
            gone = [i for i in ids if found.get(i) is None]
            cursor = rows[-1][0]
            index.apply(records, gone, cursor)  # the seq after the commit: a crash in between only replays rows
            done += len(ids)
        _seen(store, index, cursor, changed=done > 0)
        return done


# A backlog this long, and at least a quarter of the catalog, is applied by a
# rebuild instead: updating works in place through Whoosh's writer cost about
# 5.5 ms of CPU per work (batches of 500 into a 10,000-work index), a rebuild
# about 1.7 ms per work of the whole catalog, on two processes.
REBUILD_BACKLOG = 5000


def _cheaper_to_rebuild(store, cursor) -> bool:
    backlog = store.count_after(cursor)
    return backlog >= REBUILD_BACKLOG and backlog * 4 >= store.count_works()


def rebuild(store, index, locked: bool = False, progress=None) -> int:
    """Build a fresh index of every published work and swap it in; return its size.

    :param progress: called as ``progress(works read, works)`` now and then (a ``longwork.Task``: a cancel keeps
        the old index).
    """
    if not locked:
        with index.lock():
            return rebuild(store, index, locked=True, progress=progress)
    seq = store.last_seq()  # rows written while we build are applied by the next drain
    name = index.consumer_name()
    old = index.applied_seq()
    store.consumer_seen(name, seq if old is None else min(old, seq))  # hold pruning until the swap
    total = store.count_works()
    records = (r for r in map(search_record, _counted(store.iter_works(), progress, total)) if r is not None)
    count = index.rebuild(records, expected=total, seq=seq)
    _seen(store, index, seq, changed=True)
    return count


def _counted(works, progress, total):
    if progress is None:
        yield from works
        return
    for n, work in enumerate(works, start=1):
        if n % 1000 == 0:
            progress(n, max(n, total))
        yield work
