"""Password checks that a flood of logins cannot turn into a stalled server.

A check is ~0.1 s of a core (werkzeug's scrypt). One process runs one at a
time, in a thread of lower priority, and lets ``LOGINS_AT_ONCE`` logins wait
for it; further logins are told "busy" at once. A flood so takes the cores
only when nothing else wants them, and a few threads, never all of them: every
other request (a draft save, a page) still finds a thread and a core.
``FRESH_AT_ONCE`` more places are kept for addresses with no recent failures,
so an owner can still log in while addresses that keep failing fill the rest.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from werkzeug.security import check_password_hash

from .errors import LoginsBusy

LOGINS_AT_ONCE = 4   # per process: checking or waiting for the check thread
FRESH_AT_ONCE = 2    # ... and these more, for addresses with no recent failures
NICENESS = 10        # the check thread's (Linux): below every request thread, not starved
_places = threading.BoundedSemaphore(LOGINS_AT_ONCE)
_fresh_places = threading.BoundedSemaphore(FRESH_AT_ONCE)
_checker: tuple[int, ThreadPoolExecutor] | None = None
_checker_lock = threading.Lock()


@contextmanager
def turn(fresh: bool):
    """Hold a place among the logins under way in this process (``fresh``: the address has no recent failures).

    :raises LoginsBusy: when every place open to it is taken.
    """
    for places in (_places, _fresh_places) if fresh else (_places,):
        if places.acquire(blocking=False):
            try:
                yield
            finally:
                places.release()
            return
    raise LoginsBusy()


def check(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``, in this process's check thread."""
    global _checker
    with _checker_lock:
        if _checker is None or _checker[0] != os.getpid():  # threads do not survive a fork: make it anew
            _checker = (os.getpid(), ThreadPoolExecutor(1, "password-check", initializer=_lower_priority))
        pool = _checker[1]
    return pool.submit(check_password_hash, password_hash, password).result()


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)  # this thread only, on Linux
