"""Atomic writes: a reader, or a crash, sees the old file or the whole new one, never a part.

Every hand-written "temp file, then rename" in contentlib goes through here, so they all
give the same guarantees:

- the temporary file has a unique name beside the target (``mkstemp``; two writers never
  share one), starting with ``.`` so listings and sweeps can tell it apart;
- the file is flushed and fsynced before the rename, and the folder after it, so a power
  cut cannot leave the new name pointing at empty data;
- on any failure the temporary file is removed and the old target stays as it was;
- an ``OSError`` comes out as ``CannotWrite`` (``NoSpace`` / ``ReadOnlyStorage`` for a full or
  read-only disk), naming the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import CannotWrite, storage_error


def _cannot(exc: OSError, path: Path, where: str | None = None) -> CannotWrite:
    return storage_error(exc, where or str(path)) or CannotWrite(f"{path}: {exc.strerror or exc}")


def fsync_folder(folder) -> None:
    """Make a rename or a new name in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename itself is still atomic
    finally:
        os.close(fd)


def fsync_file(path) -> None:
    """Flush a file another library wrote by name (a zip, a tar, a video) to the disk."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path, prefix: str | None = None, suffix: str = ".tmp", mode: int | None = None,
                parents: bool = False, where: str | None = None) -> Iterator[Path]:
    """Yield a unique temporary path beside ``path`` for a writer that wants a name (zipfile, tarfile, av).

    When the block ends without an error the file is fsynced, given ``mode`` (if set),
    renamed to ``path`` and the folder fsynced; otherwise it is removed.

    :param prefix: the temporary name's start (default ``.<name>.``); keep the leading ``.``.
    :param parents: create the missing folders above ``path`` first.
    :param where: how a full or read-only disk's error names the place (default: ``path``).
    :raises CannotWrite: for any ``OSError`` while making, syncing or renaming the file.
    """
    path = Path(path)
    folder = path.parent
    try:
        if parents:
            folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=prefix if prefix is not None else f".{path.name}.", suffix=suffix)
        os.close(fd)
    except OSError as exc:
        raise _cannot(exc, path, where) from None
    tmp = Path(name)
    try:
        yield tmp
        fsync_file(tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_folder(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.filename not in (None, name, str(path)) and storage_error(exc) is None:
            raise  # not the target's fault (a source file that is missing): the caller's error, as it was
        raise _cannot(exc, path, where) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_open(path, binary: bool = True, encoding: str = "utf-8", newline: str | None = None,
                **options: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on success it becomes ``path`` (see :func:`atomic_path`).

    ``binary`` gives a bytes file, otherwise a text file in ``encoding`` (UTF-8).
    ``options`` (``prefix``, ``suffix``, ``mode``, ``parents``, ``where``) go to :func:`atomic_path`.
    """
    with atomic_path(path, **options) as tmp:
        try:
            fh = open(tmp, "wb") if binary else open(tmp, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        except OSError as exc:
            raise _cannot(exc, Path(path), options.get("where")) from None
        with fh:
            yield fh
            fh.flush()


def write_bytes(path, data: bytes, **options: Any) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, **options) as fh:
        fh.write(data)


def write_text(path, text: str, encoding: str = "utf-8", **options: Any) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8 unless told)."""
    with atomic_open(path, binary=False, encoding=encoding, **options) as fh:
        fh.write(text)
