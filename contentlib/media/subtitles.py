"""Subtitles: check SRT and WebVTT, and turn SRT into WebVTT.

Only UTF-8 is accepted. Cue text is carried over exactly as written (Tibetan
stacks, Chinese punctuation, tags); only line endings become ``\\n`` and a
byte-order mark is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from contentlib.errors import MediaRejected

from ._files import atomic_output

_TS = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^[ \t]*{_TS}[ \t]*-->[ \t]*{_TS}[ \t]*(.*)$")


@dataclasses.dataclass(frozen=True)
class Cue:
    """One subtitle: when it shows (milliseconds) and its lines of text."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]


def decode_utf8(data: bytes, what: str = "The subtitle file") -> str:
    """Decode subtitle bytes as strict UTF-8, dropping a BOM and normalising line ends.

    :raises MediaRejected: if the bytes are not UTF-8 text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise MediaRejected(
            f"{what} is not UTF-8 (invalid byte at position {exc.start}); save it as UTF-8 and try again.",
            reason="format",
        ) from None
    if "\x00" in text:
        raise MediaRejected(f"{what} contains NUL characters; it is not a text file.", reason="format")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_vtt(text: str) -> bool:
    """Tell whether text starts like a WebVTT file."""
    text = text.lstrip("\ufeff")
    return text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\r\n")


def looks_like_srt(text: str) -> bool:
    """Tell whether text starts like an SRT file (an index, then a timing line)."""
    lines = [ln.strip("\r") for ln in text.lstrip("\ufeff").lstrip("\r\n").split("\n", 2)]
    if len(lines) >= 2 and lines[0].strip().isdigit() and _SRT_TIMING.match(lines[1]):
        return True
    return bool(lines) and _SRT_TIMING.match(lines[0]) is not None


def _ms(h, m, s, frac) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


_VTT_TIME = re.compile(r"(?:(\d+):)?(\d\d):(\d\d)\.(\d{3})")


def _vtt_ms(stamp: str) -> int:
    """A cue time as webvtt-py gives it (``[hh:]mm:ss.ttt``), in milliseconds."""
    found = _VTT_TIME.match(stamp)
    if found is None:
        raise MediaRejected(f"A WebVTT cue time is malformed ({stamp[:40]!r}).")
    return _ms(*found.groups(default="0"))


def parse_srt(text: str) -> list[Cue]:
    """Parse SRT text (already decoded) into cues.

    :raises MediaRejected: if a block has no valid timing line, or a cue ends before it starts.
    """
    cues: list[Cue] = []
    blocks = re.split(r"\n[ \t]*\n", text.strip("\n"))
    for number, block in enumerate(blocks, 1):
        lines = block.split("\n")
        if lines and lines[0].strip().isdigit() and len(lines) > 1 and _SRT_TIMING.match(lines[1]):
            lines = lines[1:]
        m = _SRT_TIMING.match(lines[0]) if lines else None
        if m is None:
            if cues and block.strip() and "-->" not in block:
                # A blank line inside a cue's text: keep the text with its cue.
                prev = cues[-1]
                cues[-1] = dataclasses.replace(prev, lines=prev.lines + tuple(lines))
                continue
            raise MediaRejected(f"The SRT file's block {number} has no timing line (HH:MM:SS,mmm --> HH:MM:SS,mmm).")
        start, end = _ms(*m.group(1, 2, 3, 4)), _ms(*m.group(5, 6, 7, 8))
        if end < start:
            raise MediaRejected(f"The SRT file's cue {number} ends before it starts.")
        cues.append(Cue(start, end, tuple(lines[1:])))
    if not cues:
        raise MediaRejected("The SRT file has no cues.")
    return cues


def _vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def cues_to_vtt(cues: list[Cue]) -> str:
    """Write cues as WebVTT text."""
    out = ["WEBVTT", ""]
    for cue in cues:
        out.append(f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}")
        # "-->" may not appear in WebVTT cue text; everything else stays as written.
        out.extend(line.replace("-->", "--&gt;") for line in cue.lines if line.strip())
        out.append("")
    return "\n".join(out)


def srt_to_vtt(data: bytes) -> bytes:
    """Convert SRT bytes (UTF-8) to WebVTT bytes (UTF-8).

    :raises MediaRejected: if the input is not UTF-8 or not valid SRT.
    """
    return cues_to_vtt(parse_srt(decode_utf8(data, "The SRT file"))).encode("utf-8")


def convert_srt_file(src_path, out_path) -> int:
    """Convert the SRT file at ``src_path`` into a WebVTT file at ``out_path``, atomically.

    :returns: the number of cues.
    :raises MediaRejected: as :func:`srt_to_vtt`; nothing is written then.
    """
    cues = parse_srt(decode_utf8(Path(src_path).read_bytes(), "The SRT file"))
    with atomic_output(out_path) as fh:
        fh.write(cues_to_vtt(cues).encode("utf-8"))
    return len(cues)


def parse_vtt(text: str) -> list[Cue]:
    """Parse WebVTT text (already decoded) into cues.

    :raises MediaRejected: if webvtt-py cannot parse it, or it has no cues.
    """
    if not looks_like_vtt(text):
        raise MediaRejected("The WebVTT file does not start with 'WEBVTT'.")
    try:
        doc = webvtt.from_string(text)
    except MalformedFileError as exc:
        raise MediaRejected(f"The WebVTT file is malformed ({exc}).") from None
    cues = []
    for caption in doc.captions:
        start, end = _vtt_ms(caption.start), _vtt_ms(caption.end)
        if end < start:
            raise MediaRejected("A WebVTT cue ends before it starts.")
        cues.append(Cue(start, end, tuple(caption.lines)))
    if not cues:
        raise MediaRejected("The WebVTT file has no cues.")
    return cues


def validate(data: bytes, fmt: str) -> int:
    """Check subtitle bytes of format ``srt`` or ``vtt``; return the number of cues.

    :raises MediaRejected: if not UTF-8, not parseable, or empty.
    """
    what = "The SRT file" if fmt == "srt" else "The WebVTT file"
    text = decode_utf8(data, what)
    cues = parse_srt(text) if fmt == "srt" else parse_vtt(text)
    return len(cues)
