"""Taking a bundle in: verify everything, stage the files, then write records in one transaction.

Order of work, so that a refusal leaves the home exactly as it was and a
killed run can be started again:

1. verify the archive, the signature and every member (nothing written);
2. validate every record of ``catalog.jsonl`` (nothing written);
3. copy the media the store lacks into ``<media>/.tmp/bundle-<hash of the id>/``
   (hashed while copying, a ``.part`` name then a rename), and check each by
   content; a run killed here finds its finished copies and does not copy them
   again. The folder's name is made here, never taken from the manifest, and
   checked to lie inside ``<media>/.tmp`` before anything is written or removed;
4. move the staged files into the store, then write the works and the bundle's
   log entry in one transaction with the normal import's merge rules.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import jsonsafe
from ..attachments import _info_dict
from ..bounds import MAX_LINE_BYTES
from ..errors import MediaRejected, storage_error
from ..media.check import inspect
from ..merge import carried_fields
from ..model import MediaEntry
from ..paths import PathEscape, inside
from ..records import parse_record
from .format import CATALOG, BundleLimits, BundleRefused, media_name
from .verify import _ARCHIVE_ERRORS, Verified, verify

_CHUNK = 1 << 20


@dataclass
class WorkResult:
    id: str
    status: str  # created, updated or unchanged
    kept: list[str] = field(default_factory=list)  # languages whose local version was kept


@dataclass
class BundleReport:
    bundle_id: str
    library: dict
    trusted: bool
    works: list[WorkResult] = field(default_factory=list)
    copied: int = 0
    present: int = 0
    copied_bytes: int = 0
    previous_missing: str | None = None
    replaced_media: set[str] = field(default_factory=set)

    def count(self, status: str) -> int:
        if status == "kept":
            return sum(1 for w in self.works if w.kept)
        return sum(1 for w in self.works if w.status == status)

    @property
    def work_ids(self) -> list[str]:
        return [w.id for w in self.works]


def _records(zf, verified: Verified, vocabulary) -> list:
    """Parse and check every line of catalog.jsonl; refuse the bundle on the first bad one."""
    want = verified.members[CATALOG]
    with zf.open(CATALOG) as fh:
        data = fh.read(want["size"] + 1)
    if len(data) != want["size"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
        raise BundleRefused("catalog.jsonl changed while it was being read")
    media = verified.media
    parsed, problems, seen = [], [], set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            rec = jsonsafe.loads(raw, MAX_LINE_BYTES)
        except jsonsafe.JSONRefused as exc:
            problems.append(f"catalog.jsonl:{number}: json: {exc}")
            continue
        work, files, errs = parse_record(rec, vocabulary, None)
        problems += [f"catalog.jsonl:{number}: {f}: {m}" for f, m in errs]
        if work is None:
            continue
        if work.id in seen:
            problems.append(f"catalog.jsonl:{number}: id: duplicate id {work.id!r}")
        seen.add(work.id)
        for i, ref in enumerate(files):
            if ref.sha256 is None or ref.sha256 not in media:
                problems.append(f"catalog.jsonl:{number}: media[{i}]: its file is not in the bundle")
        parsed.append((work, files, carried_fields(rec)))
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise BundleRefused("invalid records: " + "; ".join(problems[:5]) + more)
    return parsed


def _stage(zf, sha: str, size: int, staging: Path) -> bool:
    """Copy one media member to ``staging/<sha>`` unless a finished copy is there; return whether copied."""
    final = staging / sha
    if final.is_file():
        return False
    part = staging / f"{sha}.part"
    digest, got = hashlib.sha256(), 0
    try:
        with zf.open(media_name(sha)) as src, open(part, "wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                got += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    except _ARCHIVE_ERRORS as exc:
        part.unlink(missing_ok=True)
        disk = storage_error(exc, "the media folder")
        if disk is not None:  # this disk is full or read-only: the bundle is not to blame
            raise disk from exc
        raise BundleRefused(f"the archive is damaged or truncated at {media_name(sha)} ({exc})") from None
    if digest.hexdigest() != sha or got != size:
        part.unlink(missing_ok=True)
        raise BundleRefused(f"member {media_name(sha)} changed while it was being read")
    os.replace(part, final)
    return True


def _local_info(store, media, sha: str, path: Path, media_limits) -> tuple[dict, str | None]:
    """The info of a file the store already has: from its media row (with renditions), else checked anew."""
    entry = store.find_media(sha)
    if entry is not None and entry.info.get("file"):
        info = {k: v for k, v in entry.info.items() if k != "draft"}
        return info, entry.content_type
    fi = inspect(path, media_limits)
    return {"file": _info_dict(fi)}, fi.content_type


def staging_dir(media, bundle_id: str) -> Path:
    """Where a bundle's files wait: a name made here from its (checked) id, so a killed run finds them again.

    :raises BundleRefused: if the folder would not lie inside the media store's temporary folder
        (a link left where the folder goes, say).
    """
    try:
        return inside(media.tmp_dir, "bundle-" + hashlib.sha256(bundle_id.encode()).hexdigest()[:32])
    except PathEscape as exc:
        raise BundleRefused(f"cannot stage the bundle's files: {exc}") from None


def _cleanup(staging: Path, tmp_root: Path) -> None:
    with contextlib.suppress(PathEscape):  # checked again: only ever a folder inside the temporary one
        shutil.rmtree(inside(tmp_root, staging.name), ignore_errors=True)
    with contextlib.suppress(OSError):
        tmp_root.rmdir()  # only if empty


def already_imported(store, bundle_id: str) -> bool:
    return store.has_bundle(bundle_id, "import")


def import_bundle(store, media, path, *, limits: BundleLimits | None = None, media_limits=None,
                  allow_untrusted: bool = False, actor: str | None = None, progress=None) -> BundleReport:
    """Verify a bundle and bring its works and files into this library.

    :param progress: called as ``progress(done, total, stage)``; stage is ``verify`` or ``copy``.
    :raises BundleRefused: for a hostile, damaged, untrusted or invalid bundle; nothing was written.
    """
    try:
        zf = zipfile.ZipFile(path)
    except _ARCHIVE_ERRORS as exc:
        raise BundleRefused(f"not a readable zip archive: damaged or truncated ({exc})") from None
    with zf:
        verified = verify(zf, store, limits, allow_untrusted=allow_untrusted, progress=progress)
        parsed = _records(zf, verified, store.vocabulary())
        report = BundleReport(verified.bundle_id, dict(verified.manifest["library"]), verified.trusted)
        previous = verified.manifest.get("previous")
        if previous and not already_imported(store, previous):
            report.previous_missing = previous
        needed = {ref.sha256 for _, files, _ in parsed for ref in files}
        sizes = verified.media
        staging = staging_dir(media, verified.bundle_id)
        to_copy = sorted(sha for sha in needed if not media.exists(sha))
        infos: dict[str, tuple[dict, str | None]] = {}
        lock, made_root = None, not media.root.exists()
        try:
            if to_copy:
                media.root.mkdir(parents=True, exist_ok=True)
                lock = _lock(media.root)
                to_copy = [sha for sha in to_copy if not media.exists(sha)]  # another import may have done them
                staging.mkdir(parents=True, exist_ok=True)
            total, done = sum(sizes[s] for s in to_copy), 0
            for sha in to_copy:
                if _stage(zf, sha, sizes[sha], staging):
                    report.copied += 1
                    report.copied_bytes += sizes[sha]
                done += sizes[sha]
                if progress:
                    progress(done, total, "copy")
                try:
                    fi = inspect(staging / sha, media_limits)
                except MediaRejected as exc:
                    raise BundleRefused(f"{media_name(sha)} is refused: {exc}") from None
                infos[sha] = ({"file": _info_dict(fi)}, fi.content_type)
        except BaseException:
            _cleanup(staging, media.tmp_dir)
            _unlock(lock)
            if made_root:
                with contextlib.suppress(OSError):
                    media.root.rmdir()
            raise
    try:
        return _finish(store, media, parsed, verified, report, needed, to_copy, infos, staging, media_limits, actor)
    finally:
        _unlock(lock)


def _lock(root: Path) -> int:
    """Hold the media root's lock: two imports never stage or move the same files at once."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _unlock(fd) -> None:
    if fd is not None:
        os.close(fd)  # closing releases the lock


def _finish(store, media, parsed, verified, report, needed, to_copy, infos, staging, media_limits, actor):
    """Move the staged files into the store and write the works (after every check passed)."""
    sizes = verified.media
    report.present = len(needed) - len(to_copy)
    for sha in sorted(needed - set(to_copy)):
        infos[sha] = _local_info(store, media, sha, media.path(sha), media_limits)

    works, carried = [], {}
    for work, files, fields in parsed:
        carried[work.id] = fields
        for ref in files:
            info, ctype = infos[ref.sha256]
            work.media.append(MediaEntry(path=ref.path, role=ref.role, lang=ref.lang, sha256=ref.sha256,
                                         size=sizes[ref.sha256], content_type=ctype,
                                         original_name=PurePosixPath(ref.path).name, info=json.loads(json.dumps(info))))
        works.append(work)

    committed = []
    try:
        for sha in to_copy:
            if not media.exists(sha):
                media._commit(staging / sha, sha, sizes[sha])
                committed.append(sha)
        ids = [w.id for w in works]
        before = {w.id: w for w in store.get_works(ids)}
        counts = store.put_works(works, actor=actor, carried=carried,  # the merge rules of every import
                                 also=lambda conn, counts: _log_import(store, verified, counts, conn))
    except BaseException:
        for sha in committed:  # nothing references them: the home goes back as it was
            if not store.media_in_use(sha):
                media.delete(sha)
        _cleanup(staging, media.tmp_dir)
        raise
    report.replaced_media = set(counts.get("replaced_media", ()))
    after = {w.id: w for w in store.get_works(ids)}
    kept: dict[str, list[str]] = {}
    for work_id, lang in counts.get("kept_versions", ()):  # versions edited here and newer than the bundle's
        kept.setdefault(work_id, []).append(lang)
    for w in works:
        old, now = before.get(w.id), after.get(w.id)
        status = "created" if old is None else ("unchanged" if _same(old, now) else "updated")
        report.works.append(WorkResult(w.id, status, kept.get(w.id, [])))
    _cleanup(staging, media.tmp_dir)
    return report


def _same(a, b) -> bool:
    from dataclasses import replace
    return b is not None and replace(a, added=None) == replace(b, added=None)


def _log_import(store, verified: Verified, counts: dict, conn) -> None:
    """Log the bundle in the import's own transaction (every field was checked with the manifest)."""
    library = verified.manifest["library"]
    summary = {"library": library.get("name"),
               "works": {s: counts[s] for s in ("created", "updated", "unchanged")}
               | {"kept": len({work_id for work_id, _ in counts["kept_versions"]})}}
    store.log_bundle(verified.bundle_id, "import", library["id"], verified.manifest["created"], summary,
                     time.time(), conn)
