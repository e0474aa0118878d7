"""Tell what a file is from its content, and refuse it unless it is sound.

Nothing here trusts a file's name or its declared content type: the kind is
read from magic bytes, then the whole file is parsed by the library that will
later read it (Pillow, PyAV, pypdfium2 in a child process, defusedxml).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import av

from contentlib.errors import MediaRejected
from contentlib.media_kinds import AUDIO, BOOK, IMAGE, SUBTITLE, VIDEO

from . import epubfiles, images, pdf, subtitles
from .limits import Limits


@dataclasses.dataclass(frozen=True)
class Format:
    name: str
    kind: str
    content_type: str
    extension: str


FORMATS = {
    f.name: f
    for f in (
        Format("mp4", VIDEO, "video/mp4", "mp4"),
        Format("webm", VIDEO, "video/webm", "webm"),
        Format("mp3", AUDIO, "audio/mpeg", "mp3"),
        Format("m4a", AUDIO, "audio/mp4", "m4a"),
        Format("ogg", AUDIO, "audio/ogg", "ogg"),
        Format("pdf", BOOK, "application/pdf", "pdf"),
        Format("epub", BOOK, "application/epub+zip", "epub"),
        Format("jpeg", IMAGE, "image/jpeg", "jpg"),
        Format("png", IMAGE, "image/png", "png"),
        Format("webp", IMAGE, "image/webp", "webp"),
        Format("srt", SUBTITLE, "application/x-subrip", "srt"),
        Format("vtt", SUBTITLE, "text/vtt", "vtt"),
    )
}

VIDEO_CODECS = {"mp4": {"h264"}, "webm": {"vp8", "vp9", "av1"}}
AUDIO_CODECS = {"mp3": {"mp3"}, "m4a": {"aac"}, "ogg": {"vorbis", "opus", "flac"}}


@dataclasses.dataclass(frozen=True)
class FileInfo:
    """What :func:`inspect` found out about a file it accepted.

    ``kind`` is one of ``video``, ``audio``, ``book``, ``image``, ``subtitle``;
    ``format`` one of :data:`FORMATS`. Dimensions are pixels (video, image),
    ``duration_seconds`` is for video and audio, ``pages`` for PDF.
    ``details`` holds format-specific facts (codecs, an EPUB's title and
    cover entry, the number of subtitle cues).
    """

    kind: str
    format: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    pages: int | None = None
    details: dict = dataclasses.field(default_factory=dict)

    @property
    def extension(self) -> str:
        """The usual file name extension for this format, without the dot."""
        return FORMATS[self.format].extension


_HEAD = 4096
_MP3_FRAME = re.compile(rb"\xff[\xe2\xe3\xf2\xf3\xfa\xfb]")
_MARKUP = re.compile(r"\A\s*<(!doctype\s+html|html|svg|\?xml|head|body|script|!--)", re.I)


def sniff(head: bytes) -> str:
    """Return the format name that the first bytes of a file announce.

    :raises MediaRejected: for anything that is not one of :data:`FORMATS`.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/epub+zip" in head[:128]:
            return "epub"
        raise MediaRejected(
            "A zip archive is only accepted as an EPUB book (it has no EPUB mimetype entry first).",
            reason="format",
        )
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        if brand == b"qt  ":
            raise MediaRejected(
                "QuickTime (.mov) files are not accepted; convert the video to MP4 (H.264).",
                reason="format",
            )
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"):
            raise MediaRejected("HEIC/AVIF images are not accepted; use JPEG, PNG or WebP.", reason="format")
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return "webm"
        raise MediaRejected("Matroska (.mkv) files are not accepted; use MP4 (H.264) or WebM.", reason="format")
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") or _MP3_FRAME.match(head):
        return "mp3"
    if b"\x00" not in head:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        if subtitles.looks_like_vtt(text):
            return "vtt"
        if subtitles.looks_like_srt(text):
            return "srt"
        if _MARKUP.match(text):
            if re.match(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg", text, re.I | re.S):
                raise MediaRejected(
                    "SVG images are not accepted (they can carry scripts); use PNG, JPEG or WebP.",
                    reason="unsafe",
                )
            raise MediaRejected("HTML/XML documents are not accepted as media files.", reason="format")
    raise MediaRejected(
        "This file type is not accepted. Accepted: MP4 (H.264), WebM, MP3, M4A, Ogg, PDF, EPUB, "
        "JPEG, PNG, WebP, SRT, WebVTT.",
        reason="format",
    )


def inspect(path, limits: Limits | None = None) -> FileInfo:
    """Find out what the file at ``path`` is, and refuse it unless it is sound.

    :param limits: size and safety limits; :class:`Limits` defaults if omitted.
    :returns: a :class:`FileInfo`.
    :raises MediaRejected: with a message for a person, for any file of a kind
        we do not take, that does not parse, or that exceeds a limit.
    """
    limits = limits or Limits()
    path = Path(path)
    try:
        if not path.is_file():
            raise MediaRejected("This is not a regular file.", reason="format")
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise MediaRejected(f"The file could not be read ({exc.strerror}).") from None
    if size == 0:
        raise MediaRejected("The file is empty.", reason="missing")
    name = sniff(head)
    _check_size(size, FORMATS[name].kind, limits)  # before any parsing
    facts = _CHECKS[name](path, name, limits)
    # An MP4 holding sound only turns out to be audio (M4A): its own limit applies.
    name = facts.pop("format", name)
    fmt = FORMATS[name]
    _check_size(size, fmt.kind, limits)
    return FileInfo(kind=fmt.kind, format=name, content_type=fmt.content_type, size=size, **facts)


def within_limits(info: FileInfo, limits: Limits | None = None) -> None:
    """Apply today's limits to what an earlier :func:`inspect` found (the file is not parsed again).

    :raises MediaRejected: when the file is over a limit now.
    """
    limits = limits or Limits()
    _check_size(info.size, info.kind, limits)
    if info.width and info.height and (info.width * info.height > limits.max_pixels
                                       or (info.kind == "image" and max(info.width, info.height) > limits.max_side)):
        raise MediaRejected(f"The picture is {info.width}x{info.height} pixels, over the limit.", reason="size")
    if info.duration_seconds is not None and info.duration_seconds > limits.max_duration:
        raise MediaRejected(f"The file plays for {info.duration_seconds:,.0f} seconds "
                            f"(at most {limits.max_duration:,.0f}).", reason="size")
    if info.pages is not None and info.pages > limits.max_pages:
        raise MediaRejected(f"The PDF has {info.pages:,} pages (at most {limits.max_pages:,}).", reason="size")


def _check_size(size: int, kind: str, limits: Limits):
    limit = limits.max_bytes(kind)
    if size > limit:
        raise MediaRejected(
            f"The {kind} file is too large: {size:,} bytes (at most {limit:,} for this kind).",
            reason="size",
        )


# --- per-format checks: each returns FileInfo fields or raises MediaRejected ---


def _check_image(path, name, limits):
    with open(path, "rb") as fh:
        im = images.open_image(fh, limits)
    with im:
        found = im.format.lower()
        if found != name:
            raise MediaRejected(f"The image starts like {name.upper()} but Pillow reads it as {found.upper()}.")
        return {"width": im.width, "height": im.height, "details": {"mode": im.mode}}


def _codec_name(stream) -> str:
    """The stream's codec, or "unknown" when FFmpeg found none (a damaged header; found by fuzzing)."""
    ctx = stream.codec_context
    return ctx.codec.canonical_name if ctx is not None and ctx.codec is not None else "unknown"


def _check_av(path, name, limits):
    demuxer = {"m4a": "mp4"}.get(name, name)
    try:
        # The demuxer is forced to what the magic bytes said, so FFmpeg never
        # probes its way into playlist/concat formats that open other files.
        with av.open(str(path), mode="r", format=demuxer) as container:
            return _check_container(container, name, limits)
    except MediaRejected:
        raise
    except (av.FFmpegError, OSError, ValueError, IndexError, StopIteration) as exc:
        raise MediaRejected(f"The {name.upper()} file could not be read ({exc}).") from None


def _duration(container, stream) -> float | None:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _check_container(container, name, limits):
    videos = [s for s in container.streams if s.type == "video"
              and not (s.disposition & av.stream.Disposition.attached_pic)]
    audios = list(container.streams.audio)
    if name == "mp4" and not videos and audios:
        name = "m4a"  # an MP4 holding sound only is an audio file
    if name in VIDEO_CODECS:
        if not videos:
            raise MediaRejected(f"The {name.upper()} file has no video stream.", reason="format")
        stream = videos[0]
        codec = _codec_name(stream)
        if codec not in VIDEO_CODECS[name]:
            wanted = ", ".join(sorted(VIDEO_CODECS[name])).upper()
            raise MediaRejected(
                f"The video is encoded as {codec.upper()}; {name.upper()} videos must be {wanted}.",
                reason="format",
            )
        width, height = stream.codec_context.width, stream.codec_context.height
        if not width or not height:
            raise MediaRejected("The video stream has no picture size.")
        if width * height > limits.max_pixels:
            raise MediaRejected(f"The video is too large: {width} x {height} pixels.", reason="size")
        frame = next(container.decode(stream), None)
        if frame is None:
            raise MediaRejected("The video has no frame that can be decoded.")
        facts = {"width": width, "height": height}
        details = {"video_codec": codec,
                   "audio_codec": _codec_name(audios[0]) if audios else None}
    else:
        if videos:
            raise MediaRejected(f"The {name.upper()} file holds video; only sound is accepted here.", reason="format")
        if not audios:
            raise MediaRejected(f"The {name.upper()} file has no audio stream.", reason="format")
        stream = audios[0]
        codec = _codec_name(stream)
        if codec not in AUDIO_CODECS[name]:
            wanted = ", ".join(sorted(AUDIO_CODECS[name])).upper()
            raise MediaRejected(
                f"The sound is encoded as {codec.upper()}; {name.upper()} must be {wanted}.",
                reason="format",
            )
        frame = next(container.decode(stream), None)
        if frame is None:
            raise MediaRejected("The audio has no frame that can be decoded.")
        facts = {}
        details = {"audio_codec": codec}
    duration = _duration(container, stream)
    if duration is not None and duration > limits.max_duration:
        raise MediaRejected(
            f"The file plays for {duration:,.0f} seconds (at most {limits.max_duration:,.0f}).",
            reason="size",
        )
    facts["duration_seconds"] = round(duration, 3) if duration is not None else None
    facts["format"] = name
    facts["details"] = details
    return facts


def _check_pdf(path, name, limits):
    info = pdf.probe_pdf(path, limits)
    return {"pages": info["pages"], "details": {"page_width_pt": info.get("width"),
                                                "page_height_pt": info.get("height")}}


def _check_subtitle(path, name, limits):
    data = Path(path).read_bytes()
    cues = subtitles.validate(data, name)
    return {"details": {"cues": cues}}


# --- EPUB ---

_OCF, _OPF, _DC = epubfiles.OCF, epubfiles.OPF, epubfiles.DC
_safe_name, _parse_xml = epubfiles.safe_name, epubfiles.parse_xml


def _check_epub(path, name, limits):
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_epub_zip(zf, limits)
    except MediaRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError, zlib.error) as exc:  # zlib.error: damaged deflate data
        raise MediaRejected(f"The EPUB is not a sound zip archive ({exc}).", reason="damaged") from None


def _check_epub_zip(zf: zipfile.ZipFile, limits: Limits) -> dict:
    infos = zf.infolist()
    if len(infos) > limits.epub_max_entries:
        raise MediaRejected(
            f"The EPUB holds {len(infos):,} files (at most {limits.epub_max_entries:,}).",
            reason="size",
        )
    if not infos or infos[0].filename != "mimetype":
        raise MediaRejected("The EPUB does not start with its mimetype entry.")
    if zf.read(infos[0]).strip() != b"application/epub+zip":
        raise MediaRejected("The EPUB's mimetype entry is wrong.")
    total = 0
    for info in infos:
        if not _safe_name(info.filename):
            raise MediaRejected(f"The EPUB holds a file with an unsafe name: {info.filename!r}.", reason="unsafe")
        if info.flag_bits & 0x1:
            raise MediaRejected("The EPUB holds encrypted entries.", reason="unsafe")
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > limits.epub_max_ratio * max(info.compress_size, 1):
            raise MediaRejected(
                f"The EPUB entry {info.filename!r} is compressed suspiciously well (a zip bomb?).",
                reason="unsafe",
            )
    if total > limits.epub_max_uncompressed:
        raise MediaRejected(
            f"The EPUB unpacks to {total:,} bytes (at most {limits.epub_max_uncompressed:,}).",
            reason="size",
        )
    # Reading every entry checks every CRC: a damaged book is found now.
    bad = zf.testzip()
    if bad is not None:
        raise MediaRejected(f"The EPUB entry {bad!r} is damaged.")

    container = _parse_xml(zf, "META-INF/container.xml", "container file")
    rootfile = container.find(f".//{{{_OCF}}}rootfile")
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path or not _safe_name(opf_path):
        raise MediaRejected("The EPUB's container file names no package document.")
    opf = _parse_xml(zf, opf_path, "package document")
    if opf.tag != f"{{{_OPF}}}package":
        raise MediaRejected("The EPUB's package document is not an OPF package.")
    manifest = {item.get("id"): item for item in opf.iterfind(f"{{{_OPF}}}manifest/{{{_OPF}}}item")}
    if not manifest:
        raise MediaRejected("The EPUB's package document lists no content.")
    if opf.find(f"{{{_OPF}}}spine/{{{_OPF}}}itemref") is None:
        raise MediaRejected("The EPUB has no reading order (empty spine).")
    _check_spine(zf, opf, manifest, opf_path, limits)
    title_el = opf.find(f"{{{_OPF}}}metadata/{{{_DC}}}title")
    title = (title_el.text or "").strip() if title_el is not None else ""
    cover = _epub_cover(opf, manifest, opf_path, zf)
    return {"details": {"title": title, "version": opf.get("version"), "package": opf_path,
                        "cover": cover}}


def _check_spine(zf, opf, manifest, opf_path, limits) -> None:
    """Every chapter of the reading order lies inside the book, and none declares XML entities.

    Chapters larger than the reader renders are not read here (the reader leaves them to the download).
    """
    base = posixpath.dirname(opf_path)
    names = set(zf.namelist())
    for ref in opf.iterfind(f"{{{_OPF}}}spine/{{{_OPF}}}itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None:
            continue
        href = item.get("href") or ""
        path, _fragment = epubfiles.resolve(base, href)
        if not path:
            raise MediaRejected(f"The EPUB's reading order names a file outside the book: {href[:200]!r}.",
                                reason="unsafe")
        if path not in names or (item.get("media-type") or "") not in epubfiles.HTML_TYPES:
            continue
        info = zf.getinfo(path)
        if info.file_size <= limits.reader_chapter_bytes and epubfiles.declares_entities(zf.read(info)):
            raise MediaRejected(
                f"The EPUB's chapter {path[:200]!r} declares XML entities or external references, "
                "which are refused for safety.", reason="unsafe")


def _epub_cover(opf, manifest, opf_path, zf) -> str | None:
    """Return the zip path of the EPUB's cover image, or None."""
    item = next((i for i in manifest.values() if "cover-image" in (i.get("properties") or "").split()), None)
    if item is None:  # EPUB 2: <meta name="cover" content="ID"/>
        meta = next((m for m in opf.iterfind(f"{{{_OPF}}}metadata/{{{_OPF}}}meta") if m.get("name") == "cover"), None)
        if meta is not None:
            item = manifest.get(meta.get("content"))
    if item is None or not (item.get("media-type") or "").startswith("image/"):
        return None
    href = posixpath.normpath(posixpath.join(posixpath.dirname(opf_path), unquote(item.get("href") or "")))
    if not _safe_name(href) or href not in zf.namelist():
        return None
    return href


_CHECKS = {
    "jpeg": _check_image, "png": _check_image, "webp": _check_image,
    "mp4": _check_av, "webm": _check_av, "mp3": _check_av, "m4a": _check_av, "ogg": _check_av,
    "pdf": _check_pdf, "epub": _check_epub,
    "srt": _check_subtitle, "vtt": _check_subtitle,
}


__all__ = ["FileInfo", "Format", "FORMATS", "inspect", "sniff", "Limits"]
