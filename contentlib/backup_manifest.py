"""Checking a backup before a restore writes anything: its manifest, its member names, every member's bytes.

A backup is a file someone hands the command, so it is read like any outside
input: the manifest with bounded JSON parsing (UTF-8, size, depth), every field
of it checked for type and shape, and every member name held to the names a
backup writes (``database/contentlib.db`` or ``database/<table>.jsonl``,
``instance/config.py`` and ``instance/secret_key``, ``media/`` then plain names
only: no ``.tmp``, no ``..``), since each becomes a path in the home.
"""

from __future__ import annotations

import functools
import hashlib
import tarfile
from pathlib import Path, PurePosixPath
from typing import IO

from . import jsonsafe
from .bounds import MAX_LINE_BYTES
from .errors import ContentlibError
from .paths import is_name

FORMAT = "contentlib-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/contentlib.db"
INSTANCE_FILES = ("config.py", "secret_key")
DATABASES = ("sqlite", "json")
MAX_MANIFEST_BYTES = 256 * 1024 ** 2   # a million media files take about 130 MB
MAX_DEPTH = 8                         # the manifest needs 3: members, one member, its facts
MAX_MEDIA_DEPTH = 4                   # media/ab/cd/<sha256>, media/derived/<sha256>/<name>
_CHUNK = 1 << 20
_SHA256_CHARS = frozenset("0123456789abcdef")


class BackupInvalid(ContentlibError):
    """A backup file is damaged, incomplete or not a contentlib backup; nothing was restored."""


def member_ok(name: str, database: str) -> bool:
    """Whether ``name`` is a member a backup of this ``database`` kind may hold (each part a plain name)."""
    top, _, rest = name.partition("/")
    parts = rest.split("/") if rest else []
    if not parts or not all(is_name(p) for p in parts):
        return False
    if top == "database":
        if database == "sqlite":
            return name == SQLITE_MEMBER
        return len(parts) == 1 and parts[0].endswith(".jsonl")
    if top == "instance":
        return len(parts) == 1 and parts[0] in INSTANCE_FILES
    return top == "media" and len(parts) <= MAX_MEDIA_DEPTH


def verify(path: Path) -> dict:
    """Read the manifest and check every member against it; return the manifest.

    :raises BackupInvalid: naming the first problem.
    """
    try:
        with tarfile.open(path, "r:") as tar:
            seen, raw = {}, None
            for info in tar:
                if info.name == MANIFEST:
                    if raw is not None or not info.isreg() or info.size > MAX_MANIFEST_BYTES:
                        raise BackupInvalid(f"{path}: {MANIFEST} is repeated, not a file or too large")
                    raw = _member(path, tar, info).read(MAX_MANIFEST_BYTES + 1)
                    continue
                name = PurePosixPath(info.name)
                if not info.isreg() or name.is_absolute() or ".." in name.parts or "\x00" in info.name:
                    raise BackupInvalid(f"{path}: unexpected member {info.name[:120]!r}")
                if info.name in seen:
                    raise BackupInvalid(f"{path}: member {info.name[:120]!r} appears twice")
                sha, size = hashlib.sha256(), 0
                fh = _member(path, tar, info)
                for chunk in iter(functools.partial(fh.read, _CHUNK), b""):
                    sha.update(chunk)
                    size += len(chunk)
                seen[info.name] = (sha.hexdigest(), size)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupInvalid(f"{path}: not a readable backup ({exc})") from None
    if raw is None:
        raise BackupInvalid(f"{path}: no contentlib manifest")
    manifest = _parse(path, raw)
    listed = manifest["members"]
    for name, facts in sorted(listed.items()):
        if name not in seen:
            raise BackupInvalid(f"{path}: {name} is missing")
        if seen[name] != (facts["sha256"], facts["size"]):
            raise BackupInvalid(f"{path}: {name} does not match its sha256 in the manifest")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise BackupInvalid(f"{path}: {extra[0][:120]} is not in the manifest")
    return manifest


def _member(path, tar: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    """The content of a regular member (the caller checked ``isreg``; tarfile gives None for any other)."""
    fh = tar.extractfile(info)
    if fh is None:
        raise BackupInvalid(f"{path}: member {info.name[:120]!r} is not a file")
    return fh


def _parse(path, raw: bytes) -> dict:
    """The manifest's JSON, with every field the restore uses checked."""
    try:
        manifest = jsonsafe.loads(raw, MAX_MANIFEST_BYTES, MAX_DEPTH)
    except jsonsafe.JSONRefused as exc:
        raise BackupInvalid(f"{path}: {MANIFEST} is refused: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(f"{path}: no contentlib manifest")
    if manifest.get("version") != VERSION:
        version = manifest.get("version")
        shown = repr(version)[:40] if isinstance(version, (str, int, float)) else type(version).__name__
        raise BackupInvalid(f"{path}: backup format version {shown} is not {VERSION}")
    database = manifest.get("database")
    if database not in DATABASES:
        raise BackupInvalid(f"{path}: {MANIFEST}: database must be one of {', '.join(DATABASES)}")
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise BackupInvalid(f"{path}: {MANIFEST}: members must map each member's name to its sha256 and size")
    for name, facts in members.items():
        if not member_ok(name, database):
            raise BackupInvalid(f"{path}: {MANIFEST} names an unexpected member {name[:120]!r}")
        if not isinstance(facts, dict) or not _sha256(facts.get("sha256")) or not _count(facts.get("size")):
            raise BackupInvalid(f"{path}: {MANIFEST}: members: {name} needs its sha256 and size")
    if not any(name.startswith("database/") for name in members):
        raise BackupInvalid(f"{path}: {MANIFEST} lists no database")
    return manifest


def check_tables(path, folder: Path) -> None:
    """Read every dumped table once: a header of column names, then rows as long as the header.

    :raises BackupInvalid: naming the table and line of the first bad one.
    """
    for table in sorted(folder.glob("*.jsonl")):
        with open(table, "rb") as fh:
            columns = None
            for number, line in enumerate(fh, start=1):
                try:
                    value = jsonsafe.loads(line, MAX_LINE_BYTES)
                except jsonsafe.JSONRefused as exc:
                    raise BackupInvalid(f"{path}: database/{table.name}:{number}: {exc}") from None
                if columns is None:
                    if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
                        raise BackupInvalid(f"{path}: database/{table.name}: the first line must name the columns")
                    columns = value
                elif not isinstance(value, list) or len(value) != len(columns):
                    raise BackupInvalid(f"{path}: database/{table.name}:{number}: a row of {len(columns)} values "
                                        "is expected")
            if columns is None:
                raise BackupInvalid(f"{path}: database/{table.name} is empty")


def _sha256(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _SHA256_CHARS


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
