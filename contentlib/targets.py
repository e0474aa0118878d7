"""Where a command writes its output: checked once, the same way for export and backup."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .atomic import atomic_open
from .errors import CannotWrite


def output_folder(path) -> Path:
    """Return the folder ``path`` will be written into, after checking it can be.

    :raises CannotWrite: with a one-line reason when the folder is missing, not
        writable, or ``path`` is itself a folder.
    """
    path = Path(path)
    folder = path.absolute().parent
    if not folder.is_dir():
        raise CannotWrite(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise CannotWrite(f"{path}: is a folder")
    if not os.access(folder, os.W_OK):
        raise CannotWrite(f"{path}: the folder {folder} cannot be written")
    return folder


@contextlib.contextmanager
def output_file(path, prefix: str, suffix: str = "", newline: str | None = None):
    """Open a temporary text file (UTF-8) beside ``path``; on success rename it to ``path``.

    A reader, or a crash, sees the old file or the whole new one (``contentlib.atomic``).
    On any error the temporary file is removed; an ``OSError`` becomes a one-line ``CannotWrite``
    (``NoSpace`` or ``ReadOnlyStorage`` for a full or read-only disk).

    :raises CannotWrite: also before anything is written, as :func:`output_folder` does.
    """
    path = Path(path)
    output_folder(path)
    with atomic_open(path, binary=False, newline=newline, prefix=prefix, suffix=suffix) as out:
        yield out
