"""An exclusive ``flock`` on a lock file, held for a ``with`` block; the one way processes here take one.

The search index's writer, the translation memory's rebuild and the schema setup each keep a
lock file beside what they guard. Closing the descriptor releases the lock, so a process that
dies holds nothing.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(path: str | os.PathLike, blocking: bool = True, mode: int = 0o600) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (made with ``mode`` if missing); yield False if busy and not ``blocking``."""
    fd = os.open(Path(path), os.O_RDWR | os.O_CREAT, mode)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock
