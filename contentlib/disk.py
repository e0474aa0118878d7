"""The disks under a library: how much room is left, and whether a failed write was the disk's doing.

A full or read-only disk is not the fault of the file or the request that met it: the core
raises ``NoSpace`` or ``ReadOnlyStorage`` (doors answer 507, a one-line CLI error) and nothing is
marked done or failed, so the same action succeeds once there is room again. Some writers hide
the ``OSError`` (a child process, a C library): ``fault_at`` asks the disk itself then.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import CannotWrite, NoSpace, ReadOnlyStorage, storage_error

# Below this a disk counts as full for a write that failed without saying why.
NEARLY_FULL = 256 * 1024


@dataclass(frozen=True)
class Disk:
    """One folder's file system: its free and total bytes, and whether that is under the warning threshold."""

    name: str
    path: str
    free: int
    total: int
    low: bool
    read_only: bool = False


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (a folder not made yet lives on its parent's disk)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def space(folders: dict[str, Path], min_free: int) -> list[Disk]:
    """Each named folder's disk, once per file system (the first name wins), with ``low`` below ``min_free`` bytes."""
    seen, out = set(), []
    for name, folder in folders.items():
        where = _existing(Path(folder))
        try:
            st = os.statvfs(where)
            device = os.stat(where).st_dev
        except OSError:
            continue
        if device in seen:
            continue
        seen.add(device)
        free = st.f_bavail * st.f_frsize
        out.append(Disk(name, str(folder), free, st.f_blocks * st.f_frsize, free < min_free,
                        bool(st.f_flag & os.ST_RDONLY)))
    return out


def fault_at(folder: Path, exc: BaseException | None = None, where: str = "") -> CannotWrite | None:
    """``NoSpace`` or ``ReadOnlyStorage`` when ``exc`` says so, or when ``folder``'s disk is now full or read-only.

    None when the disk has room and can be written: then the failure was something else.
    """
    if exc is not None:
        found = storage_error(exc, where)
        if found is not None:
            return found
    at = f"{where}: " if where else ""
    try:
        st = os.statvfs(_existing(Path(folder)))
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY:
        return ReadOnlyStorage(f"{at}the file system is read-only")
    if st.f_bavail * st.f_frsize < NEARLY_FULL:
        return NoSpace(f"{at}no space left on the disk")
    return None


@contextmanager
def writing(where: str):
    """Raise ``NoSpace`` or ``ReadOnlyStorage`` naming ``where`` for a full or read-only disk met inside.

    Any other ``OSError`` passes unchanged. Cleaning up what was half written stays the writer's job.
    """
    try:
        yield
    except OSError as exc:
        found = storage_error(exc, where)
        if found is None:
            raise
        raise found from exc
