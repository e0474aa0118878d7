"""Keep a serving process's C heap lean: glibc's ``mallopt`` and ``malloc_trim`` (elsewhere nothing).

A serving process frees a lot in small pieces (each applied edit replaces
every thread's searcher and the caches built on it). glibc keeps freed pages
that are not at the top of its heap, so without a trim the resident size
only ever rises, in steps, as the free space is scattered; with one now and
then it follows what is in use.
"""

from __future__ import annotations

import ctypes
import threading
import time

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters
LARGE_BLOCK = 128 * 1024
ARENAS = 1  # one heap for every thread: see lean()

_libc = None
_lock = threading.Lock()
_last = 0.0


def _glibc():
    """The C library of this process, where it has glibc's calls; else None."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None)
        except OSError:
            return None
    return _libc if hasattr(_libc, "malloc_trim") and hasattr(_libc, "mallopt") else None


def lean() -> None:
    """Make glibc give freed search arrays back, and keep one heap per process, not one per thread.

    By default glibc raises its mmap threshold each time a large block is
    freed, so later large blocks (a search's arrays over 100,000 works are
    800 KB) come from the heaps, which keep their pages; and each thread that
    meets a busy heap gets a heap of its own. With 8 threads a process kept
    about 20 MB more after the query sets at 100,000 works
    (``bench/memory_notes.md``). One heap, not two: with a new term cache at
    every applied edit, each heap grows to the peak of what its threads held,
    and a process's resident size follows the heaps' size between trims;
    with one, 8 searching threads held 20–35 MB less for 4% fewer searches.
    Elsewhere than glibc this does nothing.
    """
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
        libc.mallopt(M_ARENA_MAX, ARENAS)


def give_back() -> bool:
    """Return the heap's free pages to the system now; False where that cannot be done (not glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def give_back_at_most_every(seconds: float) -> bool:
    """``give_back`` unless this process did within ``seconds`` (a trim walks the whole heap); True if it ran."""
    global _last
    with _lock:
        now = time.monotonic()
        if now - _last < seconds:
            return False
        _last = now
    return give_back()
