"""Limits applied to incoming media files: sizes, pixels, pages, time."""

from __future__ import annotations

import dataclasses

MiB = 1024 * 1024
GiB = 1024 * MiB

KINDS = ("video", "audio", "book", "image", "subtitle")


@dataclasses.dataclass(frozen=True)
class Limits:
    """What a file may be at most before it is refused.

    Every value has a default; pass your own (e.g. from app config) with
    ``Limits(image_bytes=10 * MiB)`` or ``dataclasses.replace(limits, ...)``.
    """

    video_bytes: int = 4 * GiB
    audio_bytes: int = 500 * MiB
    book_bytes: int = 500 * MiB
    image_bytes: int = 50 * MiB
    subtitle_bytes: int = 5 * MiB
    #: Most pixels (width x height) an image, a video frame or a cover may have.
    max_pixels: int = 50_000_000
    #: Longest side of an image in pixels.
    max_side: int = 20_000
    #: Most pages a PDF may have.
    max_pages: int = 20_000
    #: Seconds the PDF parser (in a child process) may run before it is killed.
    pdf_timeout: float = 30.0
    #: Bytes of address space the PDF child process may use.
    pdf_memory: int = 2 * GiB
    #: Most entries, and most uncompressed bytes, an EPUB (a zip) may hold.
    epub_max_entries: int = 10_000
    epub_max_uncompressed: int = 2 * GiB
    #: Largest ratio of uncompressed to compressed size of one EPUB entry.
    epub_max_ratio: int = 200
    #: Longest playing time of a video or audio file, in seconds.
    max_duration: float = 6 * 3600.0
    #: Most pages of a PDF the reader draws; the rest are only in the download.
    reader_pages: int = 500
    #: Most chapters of an EPUB the reader shows, and the most bytes of XHTML it renders for one.
    reader_chapters: int = 500
    reader_chapter_bytes: int = 4 * MiB

    def max_bytes(self, kind: str) -> int:
        """Return the size limit for a kind (``video``, ``audio``, ...)."""
        if kind not in KINDS:
            raise ValueError(f"unknown media kind {kind!r}")
        return getattr(self, f"{kind}_bytes")
