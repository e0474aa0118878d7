"""A local index's folder: its generations, how far it has followed the outbox, and its one writer.

An engine that keeps its index in a local folder (both do) keeps here the last
outbox sequence it applied (``cursor``), its name among the outbox's consumers
(``consumer``) and a cross-process writer lock (``<folder>.lock``, an ``flock``),
so the web workers of one node never write the index at once.

A rebuild writes a fresh generation directory (``gen-*``), marks it complete and
swaps the ``current`` symlink to it with one ``rename``, so readers see the old
index or the new one, never half of one; the previous complete generation is
kept for searchers still reading it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from .. import atomic
from ..filelock import file_lock

CURSOR = "cursor"
CONSUMER = "consumer"


@contextmanager
def writer_lock(index_dir, blocking: bool = True):
    """Hold the index's writer lock (a file beside the index); yield False if busy."""
    path = Path(str(index_dir).rstrip("/") + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path, blocking, 0o644) as held:
        yield held


def _write_atomically(path: Path, text: str) -> None:
    atomic.write_text(path, text, prefix=f".{path.name}-", suffix="", parents=True)


class LocalState:
    """The sync state of the index in ``path``: cursor, consumer name, writer lock."""

    def __init__(self, path):
        self.path = Path(path)

    def lock(self, blocking: bool = True):
        """The writer lock, as a context manager that yields False when busy (``blocking=False``)."""
        return writer_lock(self.path, blocking)

    def applied_seq(self) -> int | None:
        """The last outbox sequence this index has applied (None before its first build)."""
        try:
            return int((self.path / CURSOR).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def set_applied(self, seq: int) -> None:
        _write_atomically(self.path / CURSOR, f"{seq}\n")

    def forget_applied(self) -> None:
        """Start over: the next pass replays the whole outbox (a restored database)."""
        (self.path / CURSOR).unlink(missing_ok=True)

    def consumer_name(self) -> str:
        """This index's name among the outbox's consumers (made once, kept beside the index)."""
        path = self.path / CONSUMER
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            name = f"{socket.gethostname()}:{self.path.resolve()}:{uuid.uuid4().hex[:8]}"[-200:]
            _write_atomically(path, name + "\n")
            return name


# -- generations ----------------------------------------------------------------
COMPLETE = "COMPLETE"  # written last into a generation: everything before it is on disk


def new_generation(path: Path) -> Path:
    """A fresh, empty generation directory (after sweeping what killed rebuilds left)."""
    path.mkdir(parents=True, exist_ok=True)
    sweep_partial(path)
    gen = path / f"gen-{time.time_ns()}-{uuid.uuid4().hex[:6]}"
    gen.mkdir()
    return gen


def mark_complete(gen: Path) -> None:
    """Mark a fully written generation (its files synced first, then the mark)."""
    for f in gen.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    with open(gen / COMPLETE, "w") as fh:
        fh.write("complete\n")
        fh.flush()
        os.fsync(fh.fileno())


def live_generation(path: Path) -> str | None:
    """The name of the generation ``current`` points to, if any."""
    try:
        return (path / "current").resolve(strict=True).name
    except (OSError, RuntimeError):
        return None


def sweep_partial(path: Path) -> None:
    """Delete what killed rebuilds left: generations never marked complete, half-made links.

    Rebuilds run under the index's writer lock, so no other rebuild is writing one now.
    The live generation stays even without a mark (made before marks existed).
    """
    live = live_generation(path)
    for p in path.glob("gen-*"):
        if p.is_dir() and p.name != live and not (p / COMPLETE).is_file():
            shutil.rmtree(p, ignore_errors=True)
    for p in path.glob(".current-*"):
        with contextlib.suppress(OSError):
            p.unlink()


def swap(path: Path, gen: Path) -> None:
    """Point ``current`` at ``gen`` with one rename."""
    link = path / f".current-{uuid.uuid4().hex}"
    os.symlink(gen.name, link)
    cur = path / "current"
    if cur.exists() and not cur.is_symlink():
        # A broken layout left a real directory here; move it aside.
        cur.rename(path / f"gen-broken-{uuid.uuid4().hex[:6]}")
    os.replace(link, cur)


def drop_old_generations(path: Path, keep) -> None:
    """Delete every generation but ``keep`` and the newest complete one before it (still maybe read).

    A partial generation is never kept as "previous" in place of a complete one.
    """
    gens = sorted((p for p in path.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    previous = [p for p in gens if p.name not in keep and (p / COMPLETE).is_file()][-1:]
    survivors = set(keep) | {p.name for p in previous}
    for p in gens:
        if p.name not in survivors:
            shutil.rmtree(p, ignore_errors=True)


class LocallySynced:
    """The sync half of ``engine.Engine`` for an engine whose state is a ``LocalState`` at ``self.state``.

    The engine gives ``update(records, delete_ids)``; this gives the rest of the outbox contract.
    """

    state: LocalState

    def update(self, records, delete_ids) -> None:  # the engine's own
        raise NotImplementedError

    def lock(self, blocking=True):
        return self.state.lock(blocking)

    def applied_seq(self):
        return self.state.applied_seq()

    def forget_applied(self):
        self.state.forget_applied()

    def consumer_name(self):
        return self.state.consumer_name()

    def apply(self, records, delete_ids, seq):
        """Upsert and delete in one commit, then note ``seq`` as applied (a crash between only replays)."""
        self.update(records, delete_ids)
        self.state.set_applied(seq)
