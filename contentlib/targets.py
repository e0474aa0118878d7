"""Where a command writes its output: checked once, the same way for export and backup."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import CannotWrite, storage_error


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

    A reader, or a crash, sees the old file or the whole new one. On any error
    the temporary file is removed; an ``OSError`` becomes a one-line ``CannotWrite``
    (``NoSpace`` or ``ReadOnlyStorage`` for a full or read-only disk).

    :raises CannotWrite: also before anything is written, as :func:`output_folder` does.
    """
    path = Path(path)
    folder = output_folder(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    except OSError as exc:
        raise storage_error(exc, str(path)) or CannotWrite(f"{path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as out:
            yield out
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise storage_error(exc, str(path)) or CannotWrite(f"{path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
