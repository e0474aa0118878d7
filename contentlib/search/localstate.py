"""How far a local index has followed the outbox, and its one writer: files in and beside its folder.

An engine that keeps its index in a local folder (both do) keeps here the last
outbox sequence it applied (``cursor``), its name among the outbox's consumers
(``consumer``) and a cross-process writer lock (``<folder>.lock``, an ``flock``),
so the web workers of one node never write the index at once.
"""

from __future__ import annotations

import fcntl
import os
import socket
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

CURSOR = "cursor"
CONSUMER = "consumer"


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
