"""What counts as video, audio, book, image or subtitles: one rule for the whole library.

A file's kind is what the check on upload found in its bytes (``media.check``, kept in the
entry's ``info["file"]["kind"]``); for an entry not checked yet (a record imported before its
file), its content type decides, and only when that is missing too, the path's extension.

What a work *offers* (search's ``has=``, the "has video" mark on its card) also asks the
entry's role: a video or audio counts as the work's original or a dub, a book as its
original or a document, subtitles in any role. A cover or a poster offers nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

VIDEO, AUDIO, BOOK, IMAGE, SUBTITLE = "video", "audio", "book", "image", "subtitle"
# Kinds of one file (``media.check.Format.kind``, stored with the entry).
FILE_KINDS = (VIDEO, AUDIO, BOOK, IMAGE, SUBTITLE)
# What a work can offer, in this order: the search's ``has`` filter (spec/search-api.md).
SUBTITLES = "subtitles"
OFFERED = (VIDEO, BOOK, AUDIO, SUBTITLES)

PLAYED_ROLES = ("original", "dub")
BOOK_ROLES = ("original", "document")

BOOK_TYPES = ("application/pdf", "application/epub+zip")
SUBTITLE_TYPES = ("text/vtt", "application/x-subrip")
BY_EXTENSION = {"mp4": VIDEO, "webm": VIDEO, "mp3": AUDIO, "m4a": AUDIO, "ogg": AUDIO,
                "pdf": BOOK, "epub": BOOK, "jpg": IMAGE, "jpeg": IMAGE, "png": IMAGE, "webp": IMAGE,
                "srt": SUBTITLE, "vtt": SUBTITLE}


def of_type(content_type: str | None) -> str | None:
    """The kind a content type names (``video/mp4`` → video), or None."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype.startswith("video/"):
        return VIDEO
    if ctype.startswith("audio/"):
        return AUDIO
    if ctype.startswith("image/"):
        return IMAGE
    if ctype in BOOK_TYPES:
        return BOOK
    if ctype in SUBTITLE_TYPES:
        return SUBTITLE
    return None


def of_path(path: str | None) -> str | None:
    """The kind a file name's extension suggests, or None."""
    name = (path or "").rsplit("/", 1)[-1]
    return BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


def entry_kind(entry) -> str | None:
    """One media entry's kind: the checked kind, else its content type's, else its extension's (when untyped)."""
    checked = (getattr(entry, "info", None) or {}).get("file") or {}
    if checked.get("kind") in FILE_KINDS:
        return checked["kind"]
    if entry.content_type:
        return of_type(entry.content_type)
    return of_path(entry.path)


def offered_kind(entry) -> str | None:
    """What one entry gives its work (one of ``OFFERED``), or None (a cover, a video used as a poster)."""
    kind = entry_kind(entry)
    if entry.role == "subtitle":
        return SUBTITLES if kind in (None, SUBTITLE) else None
    if kind == SUBTITLE:
        return SUBTITLES
    if kind in (VIDEO, AUDIO):
        return kind if entry.role in PLAYED_ROLES else None
    if kind == BOOK:
        return kind if entry.role in BOOK_ROLES else None
    return None


def offered(media: Iterable) -> list[str]:
    """What a work's media offer, in ``OFFERED`` order (search's ``has``, a card's marks)."""
    found = {offered_kind(m) for m in media}
    return [k for k in OFFERED if k in found]
