"""A content-addressed file store: each file kept once, under its sha256."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from contentlib.disk import writing
from contentlib.errors import MediaRejected

from ._files import left_by_dead_process, owner_tag
from .check import FileInfo, inspect
from .limits import Limits

_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_CHUNK = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A file in the store: its sha256 (lowercase hex) and size in bytes."""

    sha256: str
    size: int


def _fsync_dir(path: Path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class MediaStore:
    """Files kept by content under ``root/ab/cd/<sha256>``; derived files under ``root/derived/<sha256>/``.

    Stored files are never changed after they are written. The store does not
    count references: the caller deletes a file only when its last use goes.
    Temporary files live in ``root/.tmp`` so that the final rename stays on
    one filesystem and is atomic.
    """

    def __init__(self, root):
        self.root = Path(root)
        self.tmp_dir = self.root / ".tmp"

    # --- addressing ---

    @staticmethod
    def _check_sha(sha256: str) -> str:
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise ValueError(f"not a lowercase hex sha256: {sha256!r}")
        return sha256

    def path(self, sha256: str) -> Path:
        """Return where the file with this sha256 is (or would be) kept."""
        sha256 = self._check_sha(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """Tell whether the store holds the file with this sha256."""
        return self.path(sha256).is_file()

    def derived_dir(self, sha256: str) -> Path:
        """Return the folder for files derived from this one (thumbnails, posters ...)."""
        return self.root / "derived" / self._check_sha(sha256)

    # --- writing ---

    def _stage(self, src_path) -> tuple[Path, str, int]:
        """Copy ``src_path`` into a temp file here, synced; return (temp path, sha256, size)."""
        with open(src_path, "rb") as src:
            return self._stage_stream(src)

    def _stage_stream(self, src) -> tuple[Path, str, int]:
        """Copy a readable binary stream into a temp file here, synced; return (temp path, sha256, size).

        :raises NoSpace, ReadOnlyStorage: the media folder's disk is full or read-only (nothing is left).
        """
        with writing("the media folder"):
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.tmp_dir, prefix=f"put-{owner_tag()}-")
        tmp = Path(name)
        try:
            digest = hashlib.sha256()
            size = 0
            with writing("the media folder"), os.fdopen(fd, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            return tmp, digest.hexdigest(), size
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _commit(self, tmp: Path, sha256: str, size: int) -> StoredFile:
        """Move a staged temp file to its final place (or drop it if already there)."""
        try:
            with writing("the media folder"):
                return self._place(tmp, sha256, size)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _place(self, tmp: Path, sha256: str, size: int) -> StoredFile:
        try:
            final = self.path(sha256)
            if final.is_file():
                tmp.unlink()
                return StoredFile(sha256, size)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)  # a stored file is never modified
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return StoredFile(sha256, size)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put(self, src_path) -> StoredFile:
        """Copy a file into the store, atomically; return its sha256 and size.

        The source is only read. A crash leaves either no file or the whole
        file; a failure leaves no temporary file behind.
        """
        tmp, sha256, size = self._stage(src_path)
        return self._commit(tmp, sha256, size)

    def ingest(self, src_path, limits: Limits | None = None) -> tuple[FileInfo, StoredFile]:
        """Check a file and, if it is accepted, store it.

        The check runs on the store's own copy, so what was checked is
        exactly what is kept even if the source changes meanwhile.

        :raises MediaRejected: if :func:`~contentlib.media.check.inspect`
            refuses it; nothing of the file is left in the store then.
        """
        with open(src_path, "rb") as src:
            return self.ingest_stream(src, limits)

    def ingest_stream(self, src, limits: Limits | None = None, accept=None) -> tuple[FileInfo, StoredFile]:
        """Check a stream's bytes and, if accepted, store them: written once, inspected once.

        :param accept: called with the ``FileInfo`` before the file is kept; it
            raises ``MediaRejected`` to refuse (e.g. a role that does not fit).
        """
        tmp, sha256, size = self._stage_stream(src)
        try:
            info = inspect(tmp, limits)
            if accept is not None:
                accept(info)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return info, self._commit(tmp, sha256, size)

    def stage(self, src_path, limits: Limits | None = None) -> tuple[FileInfo, Path, StoredFile]:
        """Check a file on a temporary copy in ``.tmp`` and keep the copy there, not yet stored.

        ``commit_staged`` stores it later; ``Path.unlink`` drops it. A whole
        import is checked this way before any of its files is stored.

        :raises MediaRejected: nothing of the file is left then.
        """
        tmp, sha256, size = self._stage(src_path)
        try:
            info = inspect(tmp, limits)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return info, tmp, StoredFile(sha256, size)

    def commit_staged(self, tmp: Path, stored: StoredFile) -> bool:
        """Move a staged copy to its final place; return whether the file is new to the store."""
        new = not self.exists(stored.sha256)
        self._commit(tmp, stored.sha256, stored.size)
        return new

    def delete(self, sha256: str) -> bool:
        """Remove a file and everything derived from it; return whether it was there.

        Call this only when the last reference to the file is gone.
        """
        final = self.path(sha256)
        existed = final.is_file()
        with contextlib.suppress(FileNotFoundError):
            final.unlink()
        shutil.rmtree(self.derived_dir(sha256), ignore_errors=True)
        for parent in (final.parent, final.parent.parent):
            with contextlib.suppress(OSError):
                parent.rmdir()  # only if empty
        return existed

    def sweep_temp(self, older_than: float = 3600.0) -> int:
        """Remove temporary files and folders a crashed process left behind.

        Only entries older than ``older_than`` seconds are touched, so work in
        progress elsewhere is safe. Returns how many were removed.
        """
        cutoff = time.time() - older_than
        removed = 0
        leftovers = list(self.tmp_dir.glob("put-*")) if self.tmp_dir.is_dir() else []
        derived = self.root / "derived"
        if derived.is_dir():  # a derived set being built (``.<sha>-…``), or a light video inside one
            leftovers += list(derived.glob(".*")) + list(derived.glob("*/.*"))
        for entry in leftovers:
            try:
                if entry.lstat().st_mtime > cutoff and not left_by_dead_process(entry.name):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        return removed

    def open(self, sha256: str):
        """Open a stored file for reading (binary)."""
        return open(self.path(sha256), "rb")


__all__ = ["MediaStore", "StoredFile", "MediaRejected"]
