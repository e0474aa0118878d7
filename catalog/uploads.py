"""Take an uploaded file through the media checks; nothing of a refused file is kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from contentlib import attachments, workflow
from contentlib.errors import MediaRejected

from .resources import changed, get


def attach_upload(user, work_id: str, lang: str, upload, role: str | None = None) -> int:
    """Check ``upload`` (a werkzeug FileStorage) and attach it as a draft file of the version.

    :returns: the entry's position.
    :raises MediaRejected: no file, or a file the checks refuse.
    """
    res = get()
    workflow.status(res.store, work_id, lang)  # 404 for an unknown work before any bytes are kept
    if upload is None or not upload.filename:
        raise MediaRejected("Choose a file to upload.", reason="missing")
    res.media.tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=res.media.tmp_dir, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            upload.save(out)
        entry = attachments.ingest_upload(res.media, Path(tmp), upload.filename, work_id, lang, role or None,
                                          res.limits)
    finally:
        Path(tmp).unlink(missing_ok=True)
    try:
        position = workflow.attach_media(res.store, user, work_id, lang, entry)
    except BaseException:
        attachments.release(res.store, res.media, [entry.sha256])
        raise
    changed([work_id])
    return position
