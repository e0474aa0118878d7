"""Writing files so that a reader sees the old file, or the whole new one."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
from pathlib import Path

from contentlib.disk import writing

_OWNER = re.compile(r"~(.+)\.(\d+)~")


@contextlib.contextmanager
def atomic_output(path):
    """Open a temp file beside ``path`` for binary writing; on success sync it and rename it to ``path``.

    On any error the temp file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    with writing("the media folder"):  # a full or read-only disk is NoSpace / ReadOnlyStorage
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


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
