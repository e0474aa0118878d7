"""Run a piece of work in a forked child and wait for it: its memory and its interpreter lock are its own.

For writing that a busy serving process would otherwise do in one of its
threads: there it competes for the interpreter lock with every searching
thread (a merge of a few thousand works in the search index took 18 minutes
at a load of 10), and what it allocated stays in the process's heap after it
is freed. A child gives all of it back when it exits. What the child raises
is raised here (an ``OSError`` with its ``errno``, so a full disk is still
recognised as one).
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable


class ChildFailed(RuntimeError):
    """The child raised something that could not be sent back as itself."""


def run_forked(fn: Callable[[], None]) -> None:
    """``fn()`` in a forked child; return when it has finished, or raise what it raised."""
    if not hasattr(os, "fork"):
        fn()
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read)
            fn()
        except BaseException as exc:  # noqa: BLE001  everything goes back to the parent
            code = 1
            try:
                payload = pickle.dumps(exc)
                pickle.loads(payload)  # noqa: S301  our own bytes; an exception that cannot be rebuilt is sent as text
            except Exception:  # noqa: BLE001
                payload = pickle.dumps(ChildFailed("".join(traceback.format_exception(exc)).strip()))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        payload = got.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return
    if payload:
        raise pickle.loads(payload)  # noqa: S301  written by our own child
    raise ChildFailed(f"the child writing the index ended with {code}")
