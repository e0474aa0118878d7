"""Checking a bundle before anything of it is written: archive shape, signature, every member's bytes."""

from __future__ import annotations

import hashlib
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from .. import keys
from .format import CATALOG, MANIFEST, MEDIA_NAME, SIGNATURE, BundleLimits, BundleRefused
from .manifest import check as check_manifest
from .manifest import parse as parse_manifest

_CHUNK = 1 << 20
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError, ValueError,
                   NotImplementedError)


@dataclass
class Verified:
    """A bundle whose signature and every member checked out."""

    manifest: dict
    manifest_bytes: bytes
    members: dict[str, dict]  # name -> {"size", "sha256"}
    trusted: bool

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundle_id"]

    @property
    def media(self) -> dict[str, int]:
        """sha256 -> size of each media member."""
        return {found.group(1): m["size"] for n, m in self.members.items() if (found := MEDIA_NAME.match(n))}


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BundleRefused(f"member {name!r} has an absolute path")
    if ".." in PurePosixPath(name).parts:
        raise BundleRefused(f"member {name!r} has '..' in its path")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BundleRefused(f"member {name!r} is a symbolic link")
    if info.is_dir() or (mode and not stat.S_ISREG(mode)):
        raise BundleRefused(f"member {name!r} is not a plain file")
    if info.flag_bits & 0x1:
        raise BundleRefused(f"member {name!r} is encrypted")


def check_shape(zf: zipfile.ZipFile, limits: BundleLimits) -> dict[str, zipfile.ZipInfo]:
    """Refuse hostile archive structure (no member is read yet); return members by name."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise BundleRefused(f"too many members ({len(infos)}; at most {limits.max_members})")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_name(info)
        if info.filename in by_name:
            raise BundleRefused(f"member {info.filename!r} appears twice")
        by_name[info.filename] = info
        total += info.file_size
        if info.file_size > 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise BundleRefused(f"member {info.filename!r} is compressed more than {limits.max_ratio}:1 "
                                "(a zip bomb?)")
    if total > limits.max_bytes:
        raise BundleRefused(f"the bundle unpacks to {total} bytes; at most {limits.max_bytes}")
    for required in (MANIFEST, SIGNATURE, CATALOG):
        if required not in by_name:
            raise BundleRefused(f"no {required} in the bundle")
    return by_name


def _read_small(zf, info, most: int) -> bytes:
    if info.file_size > most:
        raise BundleRefused(f"{info.filename} is too large ({info.file_size} bytes)")
    with zf.open(info) as fh:
        data = fh.read(most + 1)
    if len(data) > most:
        raise BundleRefused(f"{info.filename} is too large")
    return data


def hash_member(zf, info) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if size > info.file_size:
                raise BundleRefused(f"member {info.filename!r} is longer than it says")
    return digest.hexdigest(), size


def verify(zf: zipfile.ZipFile, store, limits: BundleLimits | None = None, allow_untrusted: bool = False,
           progress=None) -> Verified:
    """Check shape, signature and every member of an open bundle; write nothing.

    :raises BundleRefused: with a message saying what is wrong.
    """
    limits = limits or BundleLimits()
    try:
        by_name = check_shape(zf, limits)
        manifest_bytes = _read_small(zf, by_name[MANIFEST], limits.max_manifest_bytes)
        signature = _read_small(zf, by_name[SIGNATURE], 1024)
    except _ARCHIVE_ERRORS as exc:
        raise BundleRefused(f"the archive is damaged or truncated ({exc})") from None
    manifest = parse_manifest(manifest_bytes, limits)
    public_key = manifest["library"]["public_key"]
    try:
        import base64
        raw_sig = base64.b64decode(signature.strip(), validate=True)
    except ValueError:
        raw_sig = b""
    if not keys.verify(public_key, manifest_bytes, raw_sig):
        raise BundleRefused("the signature does not match manifest.json: the bundle was changed or damaged")
    members = check_manifest(manifest, limits)  # every field, before anything is written
    trusted = keys.is_trusted(store, public_key)
    if not trusted and not allow_untrusted:
        name = manifest["library"].get("name") or "?"
        raise BundleRefused(f"the bundle is signed by library {name!r} whose key is not trusted here; "
                            f"trust it with `contentlib keys trust {public_key}` or pass --allow-untrusted")
    listed = set(members) | {MANIFEST, SIGNATURE}
    extra = sorted(set(by_name) - listed)
    if extra:
        raise BundleRefused(f"member {extra[0]!r} is not in the manifest")
    missing = sorted(set(members) - set(by_name))
    if missing:
        raise BundleRefused(f"member {missing[0]!r} named in the manifest is missing")
    total = sum(m["size"] for m in members.values())
    done = 0
    for name, want in sorted(members.items()):
        info = by_name[name]
        if info.file_size != want["size"]:
            raise BundleRefused(f"member {name!r} has {info.file_size} bytes; the manifest says {want['size']}")
        try:
            sha, size = hash_member(zf, info)
        except _ARCHIVE_ERRORS as exc:
            raise BundleRefused(f"the archive is damaged or truncated at {name!r} ({exc})") from None
        if sha != want["sha256"] or size != want["size"]:
            raise BundleRefused(f"member {name!r} does not match its checksum in the manifest")
        done += size
        if progress:
            progress(done, total, "verify")
    return Verified(manifest, manifest_bytes, members, trusted)
