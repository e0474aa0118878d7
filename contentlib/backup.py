"""Back up a whole library into one tar file, and restore it into an empty home.

A backup holds the database (works, versions, drafts, history, users with
their password and token hashes only, lists, glossary, vocabulary labels),
every media file (derived files too), the instance settings (``config.py``,
``secret_key``) and ``manifest.json`` with the sha256 of every other member.

* SQLite is copied with its online backup API (``sqlite3.Connection.backup``):
  a consistent snapshot while the server keeps writing.
* PostgreSQL (any other database) is dumped table by table as JSON Lines
  through SQLAlchemy inside one REPEATABLE READ transaction, a consistent
  snapshot too; this needs no ``pg_dump`` of the server's version and restores
  into SQLite or PostgreSQL alike.

Restore checks the manifest before it touches anything, refuses a home that
already holds works, users or media (unless forced), writes files to a
temporary name and renames them, and replaces the database in one step (a
file rename for SQLite, one transaction otherwise). Every work is queued for
the search index in that same step, so the index follows even if the process
dies before its rebuild.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .atomic import atomic_path
from .backup_manifest import FORMAT, INSTANCE_FILES, MANIFEST, SQLITE_MEMBER, VERSION, BackupInvalid, check_tables, verify
from .errors import CannotWrite, ContentlibError, storage_error
from .paths import PathEscape, inside
from .storage.backup import (
    UnusableDatabase,
    check_sqlite,
    copy_rows,
    database_errors,
    dump_json,
    enqueue_all,
    is_empty,
    replace_sqlite,
    rows_from_engine,
    rows_from_json,
    snapshot_sqlite,
    sqlite_path,
    table_counts,
)
from .targets import output_folder

_CHUNK = 1 << 20
TEMP_PREFIX = ".restore-"
__all__ = ["BackupInvalid", "HomeNotEmpty", "Locations", "backup", "restore", "sweep", "verify"]


class HomeNotEmpty(ContentlibError):
    """Restore refuses a home that already holds works, users or media (use --force)."""


@dataclass
class Locations:
    """Where a library keeps its state (from the settings)."""

    db_url: str
    media_root: Path
    instance_dir: Path
    index_dir: Path | None = None
    search_engine: str | None = None  # CONTENTLIB_SEARCH_ENGINE (the engine knows where it keeps its state)

    @classmethod
    def from_settings(cls, settings: dict) -> Locations:
        return cls(settings["CONTENTLIB_DATABASE_URL"], Path(settings["CONTENTLIB_MEDIA_DIR"]),
                   Path(settings["CONTENTLIB_INSTANCE_DIR"]), Path(settings["CONTENTLIB_INDEX_DIR"]),
                   settings.get("CONTENTLIB_SEARCH_ENGINE"))


@dataclass
class BackupReport:
    path: Path
    database: str                   # "sqlite" or "json"
    members: int = 0
    media_files: int = 0
    bytes: int = 0
    counts: dict = field(default_factory=dict)
    missing_media: list[str] = field(default_factory=list)  # named by the snapshot, deleted before copied


# -- writing a backup ----------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads a file for tarfile while hashing what it reads."""

    def __init__(self, fh):
        self.fh, self.sha = fh, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, b):
        data = self.fh.read(len(b))
        self.sha.update(data)
        b[:len(data)] = data
        return len(data)


def _add(tar: tarfile.TarFile, name: str, path: Path, manifest: dict) -> int:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o644
    with open(path, "rb") as fh:
        reader = _Hashing(fh)
        tar.addfile(info, reader)
    manifest[name] = {"sha256": reader.sha.hexdigest(), "size": info.size}
    return info.size


def backup(out: Path, where: Locations, progress=None) -> BackupReport:
    """Write a consistent backup of the library to ``out`` (a tar file), atomically.

    :param progress: called as ``progress(media files written, media files)`` while copying the media.

    :raises CannotWrite: when ``out``'s folder is missing or cannot be written.
    """
    out = Path(out)
    folder = output_folder(out)
    for stale in folder.glob(f".{out.name}.part-*"):  # a backup killed half way
        stale.unlink(missing_ok=True)
    work = Path(tempfile.mkdtemp(prefix="contentlib-backup-"))
    manifest: dict[str, dict] = {}
    try:
        # a unique temporary name beside ``out``, fsynced and renamed when whole (contentlib.atomic)
        with atomic_path(out, prefix=f".{out.name}.part-", suffix="") as tmp:
            sqlite_file = sqlite_path(where.db_url)
            if sqlite_file is not None:
                kind = "sqlite"
                snapshot = work / "contentlib.db"
                counts, shas = snapshot_sqlite(sqlite_file, snapshot)  # consistent while others write
                members = [(SQLITE_MEMBER, snapshot)]
            else:
                kind = "json"
                (work / "tables").mkdir()
                tables, counts, shas = dump_json(where.db_url, work / "tables")
                members = [(f"database/{t}.jsonl", work / "tables" / f"{t}.jsonl") for t in tables]
            report = BackupReport(out, kind, counts=counts)
            with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
                for name, path in members:
                    report.bytes += _add(tar, name, path, manifest)
                paths = list(_media_files(where.media_root))
                for n, path in enumerate(paths, start=1):
                    rel = path.relative_to(where.media_root).as_posix()
                    try:
                        report.bytes += _add(tar, f"media/{rel}", path, manifest)
                    except FileNotFoundError:  # freed after the snapshot: the snapshot no longer names it
                        continue
                    finally:
                        if progress is not None:
                            progress(n, len(paths))
                    report.media_files += 1
                copied = {PurePosixPath(n).name for n in manifest if n.startswith("media/")}
                report.missing_media = sorted(shas - copied)
                for name in INSTANCE_FILES:
                    if (where.instance_dir / name).is_file():
                        report.bytes += _add(tar, f"instance/{name}", where.instance_dir / name, manifest)
                body = json.dumps({"format": FORMAT, "version": VERSION, "database": kind,
                                   "created_at": time.time(), "counts": counts, "members": manifest,
                                   "missing_media": report.missing_media}, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(time.time()), 0o644
                tar.addfile(info, io.BytesIO(body))
        report.members = len(manifest) + 1
        return report
    except OSError as exc:
        raise storage_error(exc, str(out)) or CannotWrite(f"{out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _media_files(root: Path):
    """Every file of the media store but its temporary area, in a stable order."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


# -- restoring ------------------------------------------------------------------


@dataclass
class RestoreReport:
    counts: dict
    media_files: int
    database: str


def restore(path: Path, where: Locations, store, force: bool = False, progress=None) -> RestoreReport:
    """Restore a verified backup into this home; the caller then rebuilds the search index.

    Every check that can refuse the backup (the manifest, each member's bytes, the
    database itself) passes before the home is touched; files placed before the
    database step fails are removed again.

    :param progress: called as ``progress(media files placed, media files)`` while placing the media.

    ``store`` is the home's open store: its connections are closed before the
    database is replaced and it is usable again afterwards (schema upgraded).

    :raises BackupInvalid: before anything is written.
    :raises HomeNotEmpty: unless ``force``, when the home holds works, users or media.
    """
    from .store import upgrade

    manifest = verify(path)
    if not force and not is_empty(store.engine):
        raise HomeNotEmpty("this home already holds works, users or media; restore into an empty home "
                           "or use --force to replace them")
    where.instance_dir.mkdir(parents=True, exist_ok=True)
    old_ids = store.work_ids()
    media_total = sum(1 for name in manifest["members"] if name.startswith("media/"))
    work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=where.instance_dir))
    placed: list[Path] = []  # new files: removed again if the database step fails
    snap, done = None, 0
    try:
        with tarfile.open(path, "r:") as tar:
            infos = tar.getmembers()
            for info in infos:  # the database and the settings wait in the temporary folder
                if info.name.startswith(("database/", "instance/")):
                    _place(tar, info, _inside(path, work, info.name), work, 0o600)
            snap = _check_database(path, work, manifest["database"])
            where.media_root.mkdir(parents=True, exist_ok=True)
            for info in infos:  # files next: the database never names a file not there yet
                if info.name.startswith("media/"):
                    target = _inside(path, where.media_root, info.name[len("media/"):])
                    new = not target.exists()
                    _place(tar, info, target, where.media_root / ".tmp", 0o644)
                    if new:
                        placed.append(target)
                    done += 1
                    if progress is not None:
                        progress(done, max(media_total, done))
        _replace_database(path, where, store, work, snap, old_ids)
        placed = []  # the restored database names them now
        for name in INSTANCE_FILES:  # private from the first moment: the key signs every session
            if (work / "instance" / name).is_file():
                os.replace(work / "instance" / name, inside(where.instance_dir, name))
    except BaseException:
        _remove(placed, where.media_root)
        raise
    finally:
        if snap is not None:
            snap.close()
        shutil.rmtree(work, ignore_errors=True)
    upgrade(store.engine)
    store.seed_vocabulary()
    counts = table_counts(store.engine)
    return RestoreReport(counts, media_total, manifest["database"])


def _inside(path, root: Path, name: str) -> Path:
    try:
        return inside(root, *name.split("/"))
    except PathEscape as exc:
        raise BackupInvalid(f"{path}: {exc}") from None


def _check_database(path, work: Path, kind: str):
    """Open the backed-up database in the temporary folder (a SQLite copy is upgraded there); return its store.

    :raises BackupInvalid: when it is not a contentlib database (junk, empty, or without its tables).
    """
    from .store import Store

    if kind == "json":
        check_tables(path, work / "database")
        if not (work / "database" / "works.jsonl").is_file():
            raise BackupInvalid(f"{path}: the database has no works table")
        return None
    snapshot = work / SQLITE_MEMBER
    try:
        check_sqlite(snapshot)
        with database_errors():
            return Store.from_url(f"sqlite:///{snapshot}")  # upgraded to this version's schema
    except UnusableDatabase as exc:
        raise BackupInvalid(f"{path}: {SQLITE_MEMBER}: {exc}") from None


def _replace_database(path, where: Locations, store, work: Path, snap, old_ids) -> None:
    """Put the backed-up rows in place of this home's: a file rename for SQLite, one transaction otherwise."""
    if where.index_dir is not None:  # the index replays the whole outbox of the restored database
        from .search.engines import open_engine

        open_engine(where.index_dir, where.search_engine).forget_applied()
    sqlite_target = sqlite_path(where.db_url)
    try:
        with database_errors():
            if snap is not None and sqlite_target is not None:
                enqueue_all(snap, old_ids)
                snap.close()
                replace_sqlite(store, work / SQLITE_MEMBER, sqlite_target)
            else:
                source = rows_from_engine(snap.engine) if snap is not None else rows_from_json(work / "database")
                copy_rows(source, store.engine, old_ids)  # one transaction: a refusal rolls it all back
    except UnusableDatabase as exc:
        raise BackupInvalid(f"{path}: the database could not be restored ({exc})") from None


def _remove(placed: list[Path], root: Path) -> None:
    """Remove the files a failed restore placed, and the folders it left empty."""
    root = root.resolve()
    for target in placed:
        target.unlink(missing_ok=True)
        for parent in target.parents:
            if parent == root or root not in parent.parents:
                break
            with contextlib.suppress(OSError):
                parent.rmdir()  # only if empty


def _place(tar, info, target: Path, tmp_dir: Path, mode: int) -> None:
    """Write one member to a temporary name with ``mode``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix="put-" if tmp_dir.name == ".tmp" else TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(tar.extractfile(info), out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep(where: Locations, older_than: float = 600.0) -> int:
    """Remove what a killed restore or import left behind (temporary files and folders); return how many.

    Called when a library starts; only entries older than ``older_than`` seconds
    are touched, so work in progress elsewhere is safe.
    """
    from .media import MediaStore

    removed = MediaStore(where.media_root).sweep_temp(older_than)
    cutoff = time.time() - older_than
    if where.instance_dir.is_dir():
        for entry in where.instance_dir.glob(TEMP_PREFIX + "*"):
            try:
                if entry.lstat().st_mtime > cutoff:
                    continue
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
                removed += 1
            except FileNotFoundError:
                continue
    return removed
