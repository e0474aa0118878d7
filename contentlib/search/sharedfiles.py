"""Whoosh's index files read through one descriptor per file per process, however many threads read them.

Each serving thread keeps a searcher of its own (Whoosh's searchers are not
thread-safe), and each searcher opened every segment file again: with eight
threads a process held about 400 descriptors at 100,000 works, and after each
applied edit every thread closed and reopened them, so the count swung with
the threads' timing. Here a file opened by any number of searchers is one
descriptor, read with ``os.pread`` (each reader keeps its own position), and
closed when its last reader closes. The count then follows the files the
index has, not the threads.
"""

from __future__ import annotations

import io
import os
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

_lock = threading.Lock()
_open: dict[str, list] = {}  # path -> [descriptor, (device, inode), readers]
_pid = os.getpid()  # the process the lock and the counts belong to


def _reset_after_fork() -> None:
    """A forked child starts with a free lock (a thread of the parent may have held it)."""
    global _lock, _pid
    _lock = threading.Lock()
    _pid = os.getpid()


os.register_at_fork(after_in_child=_reset_after_fork)


def acquire(path: str) -> int:
    """A descriptor of ``path`` shared with this process's other readers of the same file."""
    with _lock:
        found = _open.get(path)
        if found is not None:
            try:
                st = os.stat(path)
                same = (st.st_dev, st.st_ino) == found[1]
            except OSError:
                same = False  # removed since: its readers keep the old file, a new reader gets the new one
            if same:
                found[2] += 1
                return found[0]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        st = os.fstat(fd)
        if found is not None:  # the old file stays open for its readers under a name of its own
            _open[f"{path}\0{found[0]}"] = _open.pop(path)
        _open[path] = [fd, (st.st_dev, st.st_ino), 1]
        return fd


def release(path: str, fd: int) -> None:
    """Give back what :func:`acquire` gave; the last reader's release closes the descriptor."""
    if os.getpid() != _pid:
        # A forked child, while Python drops the parent's other threads (and closes their
        # searchers) before this module's reset has run: the lock may be held by one of those
        # threads for ever. The child's copies of the descriptors go when it exits.
        return
    with _lock:
        for key in (path, f"{path}\0{fd}"):
            found = _open.get(key)
            if found is not None and found[0] == fd:
                found[2] -= 1
                if found[2] == 0:
                    del _open[key]
                    os.close(fd)
                return


def open_count() -> int:
    """How many descriptors the readers hold (for tests)."""
    with _lock:
        return len(_open)


class SharedFile(io.RawIOBase):
    """A read-only file on a shared descriptor, with a position of its own."""

    def __init__(self, path: str):
        super().__init__()
        self.name = path
        self._fd = acquire(path)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = os.pread(self._fd, len(buffer), self._pos)
        n = len(data)
        buffer[:n] = data
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._pos = offset
        elif whence == io.SEEK_CUR:
            self._pos += offset
        elif whence == io.SEEK_END:
            self._pos = os.fstat(self._fd).st_size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        return self._pos

    def tell(self) -> int:
        return self._pos

    def fileno(self) -> int:
        """The shared descriptor (Whoosh maps compound segments from it; it is not this reader's to close)."""
        return self._fd

    def close(self) -> None:
        if not self.closed:
            release(self.name, self._fd)
        super().close()


def open_shared(path: str) -> io.BufferedReader:
    """``path`` opened for reading as ``open(path, "rb")`` would, on the shared descriptor."""
    return io.BufferedReader(SharedFile(path))


class SharedStorage(FileStorage):
    """Whoosh's file storage whose files are read through shared descriptors."""

    def open_file(self, name, **kwargs):
        return StructFile(open_shared(self._fpath(name)), name=name, **kwargs)


def open_dir(dirname: str):
    """``whoosh.index.open_dir`` on a :class:`SharedStorage`."""
    return SharedStorage(dirname).open_index()
