"""Writing files so that a reader sees the old file, or the whole new one."""

from __future__ import annotations

import contextlib
import os
import re
import socket

from contentlib.atomic import atomic_open

_OWNER = re.compile(r"~(.+)\.(\d+)~")


@contextlib.contextmanager
def atomic_output(path):
    """Open a temp file beside ``path`` for binary writing; on success sync it and rename it to ``path``.

    On any error the temp file is removed and ``path`` is left as it was (``contentlib.atomic``;
    a full or read-only disk is ``NoSpace`` / ``ReadOnlyStorage``).
    """
    with atomic_open(path, mode=0o644, parents=True, where="the media folder") as fh:
        yield fh


def owner_tag() -> str:
    """A piece of a temp name naming this host and process, so a sweep knows a dead writer's leftovers at once."""
    return f"~{socket.gethostname()}.{os.getpid()}~"


def left_by_dead_process(name: str) -> bool:
    """True when ``name`` carries this host's tag of a process that no longer runs (killed mid-write).

    Names without a tag, or tagged by another host sharing the media directory, are
    never judged here: only their age can tell.
    """
    m = _OWNER.search(name)
    if m is None or m.group(1) != socket.gethostname():
        return False
    try:
        os.kill(int(m.group(2)), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False
