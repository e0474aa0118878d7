"""Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

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

_libc = None
_lock = threading.Lock()
_last = 0.0


def give_back() -> bool:
    """Return the heap's free pages to the system now; False where that cannot be done (not glibc)."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None)
        _libc.malloc_trim(0)
        return True
    except (OSError, AttributeError):
        return False


def give_back_at_most_every(seconds: float) -> bool:
    """``give_back`` unless this process did within ``seconds`` (a trim walks the whole heap); True if it ran."""
    global _last
    with _lock:
        now = time.monotonic()
        if now - _last < seconds:
            return False
        _last = now
    return give_back()
