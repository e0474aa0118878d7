"""Hand an uploaded file (a werkzeug FileStorage) to the library's upload use case."""

from __future__ import annotations

from contentlib.model import MediaEntry

from .resources import get_library


def attach_upload(user, work_id: str, lang: str, upload, role: str | None = None) -> MediaEntry:
    """Check ``upload`` and attach it as a draft file of the version; return the entry as stored.

    :raises MediaRejected: no file, or a file the checks refuse.
    """
    stream, name = (upload.stream, upload.filename) if upload is not None else (None, None)
    return get_library().upload(work_id, lang, stream, name, role, user)
