"""Light renditions of a library's videos: which are missing, and making them.

The rendition goes to ``<media>/derived/<sha256 of the original>/light.mp4``
and is recorded in the media entry's ``info["renditions"]["light"]`` as
``{"role": "light", "sha256", "path", "width", "height", "bitrate", "size"}``
(``path`` relative to the media root). A video already small enough is its own
light rendition (``"same": true``, the original's sha256 and path).
Transcoding takes seconds to minutes, so imports and uploads only queue it.
"""

from __future__ import annotations

import hashlib

from . import disk, media_kinds
from .longwork import Cancelled
from .media import light as transcoder

NAME = "light.mp4"


def needs_light(entry) -> bool:
    """Whether a media entry is a video whose light rendition is not made (or refused) yet."""
    made = entry.info.get("renditions")
    return (media_kinds.entry_kind(entry) == media_kinds.VIDEO and isinstance(made, dict)
            and "error" not in made and "light" not in made)


def pending_positions(work) -> list[int]:
    return [i for i, m in enumerate(work.media) if needs_light(m)]


def pending_work_ids(store) -> list[str]:
    """Works with a video lacking its light rendition (the media rows only, judged by ``needs_light``)."""
    return list(dict.fromkeys(work_id for work_id, entry in store.all_media_entries() if needs_light(entry)))


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_light(media, sha256: str, progress=None) -> dict:
    """Make (or find) the light rendition of one stored video; return what to record."""
    src = media.path(sha256)
    facts = transcoder.probe(src)
    if transcoder.is_light(facts):
        return {"role": "light", "same": True, "sha256": sha256, "path": src.relative_to(media.root).as_posix(),
                "width": facts["width"], "height": facts["height"], "bitrate": facts["bitrate"], "size": facts["size"]}
    folder = media.derived_dir(sha256)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / NAME
    if out.is_file():  # made before (e.g. for another work naming the same file)
        got = transcoder.probe(out)
        made = {"width": got["width"], "height": got["height"], "bitrate": got["bitrate"], "size": got["size"]}
    else:
        made = transcoder.transcode(src, out, progress=progress)
    return {"role": "light", "sha256": _sha256(out), "path": out.relative_to(media.root).as_posix(), **made}


def finish_light(store, media, work_id: str, progress=None) -> int:
    """Make the missing light renditions of one work's videos; return how many were made.

    A video that cannot be transcoded gets ``{"error": ...}`` so it is not retried forever; a full or
    read-only disk records nothing (``NoSpace``, ``ReadOnlyStorage``), so it is tried again.
    """
    work = store.get_work(work_id, public=False)
    made = 0
    for pos in pending_positions(work):
        entry = work.media[pos]
        try:
            light = make_light(media, entry.sha256, progress=progress)
        except Cancelled:  # asked to stop: nothing recorded, the video waits for the next run
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder failure: record it, keep the worker going
            fault = disk.fault_at(media.root, exc, where="the media folder")
            if fault is not None:  # the disk, not the video: record nothing, try again when there is room
                raise fault from exc
            light = {"role": "light", "error": str(exc)[:500]}
        store.set_media_light(work_id, pos, light)
        made += 1
    return made
