"""Where a command writes its output: checked once, the same way for export and backup."""

from __future__ import annotations

import os
from pathlib import Path

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
