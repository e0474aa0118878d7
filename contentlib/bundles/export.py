"""Making a bundle: choose the works, plan the members, write the zip atomically, sign its manifest."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .. import media_kinds, usage
from ..atomic import atomic_path
from ..records import work_to_record
from ..targets import output_folder
from .format import CATALOG, FORMAT, MANIFEST, SIGNATURE, VERSION, media_name

_CHUNK = 1 << 20


@dataclass
class Plan:
    """What a bundle will hold, before it is written."""

    selection: dict
    light: bool
    lines: list[bytes] = field(default_factory=list)
    files: dict[str, tuple[Path, int]] = field(default_factory=dict)  # sha256 -> (stored path, size)
    #: Bytes the same bundle would weigh with originals (to say how much --light saves).
    original_bytes: int = 0
    works: int = 0
    #: Videos that travel as originals in a light bundle because their light copy is not made yet.
    light_missing: int = 0

    @property
    def media_bytes(self) -> int:
        return sum(size for _, size in self.files.values())

    @property
    def catalog_bytes(self) -> int:
        return sum(len(line) for line in self.lines)

    @property
    def size(self) -> int:
        return self.media_bytes + self.catalog_bytes


def light_of(entry) -> dict | None:
    """The light rendition recorded for a media entry, if it was made."""
    light = (entry.info.get("renditions") or {}).get("light")
    return light if isinstance(light, dict) and light.get("sha256") else None


def _light_entry(entry, light: dict):
    stem = PurePosixPath(entry.path)
    path = str(stem.with_name(f"{stem.stem}-light.mp4"))
    return replace(entry, path=path, sha256=light["sha256"], size=light["size"], content_type="video/mp4")


def plan(store, media, work_ids, selection: dict, light: bool = False) -> Plan:
    """Collect the records and files of ``work_ids`` (published text only).

    With ``light``, a video that has a light rendition travels as that rendition
    (its record names the light file) instead of the original.
    """
    out = Plan(selection=selection, light=light)
    originals: dict[str, int] = {}
    for work in store.get_works(work_ids):
        for i, entry in enumerate(work.media):
            originals[entry.sha256] = entry.size or 0
            chosen = entry
            rendition = light_of(entry) if light else None
            if rendition and not rendition.get("same") and (media.root / rendition["path"]).is_file():
                chosen = _light_entry(entry, rendition)
                work.media[i] = chosen
                source = media.root / rendition["path"]
            else:
                source = media.path(entry.sha256)
                made = (entry.info.get("renditions") or {}).get("light")
                if light and made is None and media_kinds.entry_kind(entry) == media_kinds.VIDEO:
                    out.light_missing += 1  # the worker has not made it yet (a refused one stays refused)
            out.files.setdefault(chosen.sha256, (source, chosen.size or source.stat().st_size))
        out.lines.append((json.dumps(work_to_record(work), ensure_ascii=False) + "\n").encode("utf-8"))
        out.works += 1
    out.original_bytes = sum(originals.values()) + out.catalog_bytes
    return out


def previous_bundle(store, library_id: str, since: dt.date | None) -> str | None:
    """The newest bundle this library exported on or before ``since`` (what an incremental one follows)."""
    if since is None:
        return None
    for bundle_id, created in store.exported_bundles(library_id):
        if created[:10] <= since.isoformat():
            return bundle_id
    return None


def _member_info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = compress
    info.external_attr = 0o100644 << 16  # a plain file
    return info


def write(p: Plan, out_path, identity, previous: str | None = None, progress=None) -> dict:
    """Write the planned bundle to ``out_path`` (a temp name, then rename); return its manifest.

    :param progress: called as ``progress(done_bytes, total_bytes)`` (a ``longwork.Task``: a cancel leaves no file).
    :raises ValueError: if a stored file no longer matches its sha256 (nothing is left behind).
    """
    out_path = Path(out_path)
    members: list[dict[str, Any]] = []  # name, size, sha256
    done, total = 0, p.size
    with (atomic_path(out_path, prefix=f".{out_path.name}.", suffix=".part") as tmp,
          zipfile.ZipFile(tmp, "w", allowZip64=True) as zf):
        catalog = b"".join(p.lines)
        zf.writestr(_member_info(CATALOG, zipfile.ZIP_DEFLATED), catalog)
        members.append({"name": CATALOG, "size": len(catalog), "sha256": hashlib.sha256(catalog).hexdigest()})
        done += len(catalog)
        if progress:
            progress(done, total)
        for sha, (source, _size) in sorted(p.files.items()):
            digest, size = hashlib.sha256(), 0
            with open(source, "rb") as src, zf.open(_member_info(media_name(sha), zipfile.ZIP_STORED), "w",
                                                    force_zip64=True) as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if digest.hexdigest() != sha:
                raise ValueError(f"stored file {source} does not match its sha256 {sha}")
            members.append({"name": media_name(sha), "size": size, "sha256": sha})
        manifest = {
            "format": FORMAT, "version": VERSION, "bundle_id": uuid.uuid4().hex,
            "library": {"id": identity.id, "name": identity.name, "public_key": identity.public_key},
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "selection": p.selection, "light": p.light, "previous": previous,
            "counts": {"works": p.works, "media": len(p.files), "bytes": sum(m["size"] for m in members)},
            "members": members,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        zf.writestr(_member_info(MANIFEST, zipfile.ZIP_DEFLATED), manifest_bytes)
        zf.writestr(_member_info(SIGNATURE, zipfile.ZIP_STORED),
                    base64.b64encode(identity.sign(manifest_bytes)) + b"\n")
    return manifest


def log_export(store, manifest: dict, counted=()) -> None:
    """Remember a bundle made here, so an incremental one can name it as its previous.

    :param counted: the ids of works whose export the use reports count (none when counting is off).
    """
    store.log_bundle(manifest["bundle_id"], "export", manifest["library"]["id"], manifest["created"],
                     {"counts": manifest["counts"], "selection": manifest["selection"], "light": manifest["light"]},
                     time.time())
    if counted:
        usage.count_exports(store, counted, "bundle")


def make_bundle(store, media, identity, work_ids, selection: dict, out_path, light: bool = False,
                since=None, progress=None, count_use: bool = False, announce=None,
                planned: Plan | None = None) -> tuple[Plan, dict]:
    """Plan, write and log one bundle (what ``bundle export`` and "Take offline" both do).

    :param count_use: count the export of each work for the reports (``CONTENTLIB_COUNT_USE``).
    :param announce: called with the plan before anything is written (to say what is coming).
    :param planned: the plan, when it was made already (``plan``, for these works and this selection).
    :raises CannotWrite: when ``out_path``'s folder is missing or cannot be written.
    """
    output_folder(out_path)
    p = planned if planned is not None else plan(store, media, work_ids, selection, light=light)
    if announce is not None:
        announce(p)
    manifest = write(p, out_path, identity, previous=previous_bundle(store, identity.id, since), progress=progress)
    log_export(store, manifest, work_ids if count_use else ())
    return p, manifest
