"""A work's source cut into segments: its title, each sentence of its description, each subtitle cue.

Segment ids (``sid``) are XML NMTOKENs and plain URL path segments: ``title``,
``description.N`` and ``cue.{track}.N`` (1-based), where ``{track}`` is the
source subtitle track's language, then ``zh-2``, ``zh-3`` ... for more tracks
of that language, in the work's media order.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from ..errors import MediaRejected
from ..media.subtitles import Cue, decode_utf8, parse_srt, parse_vtt
from ..model import LANGUAGES, MediaEntry

log = logging.getLogger(__name__)

SID_RE = re.compile(r"\A(title|description\.[1-9][0-9]{0,4}|cue\.[a-z]{2}(?:-[1-9][0-9]{0,2})?\.[1-9][0-9]{0,5})\Z")
TITLE, DESCRIPTION, CUE = "title", "description", "cue"

# Where a sentence ends: Chinese full stops, Tibetan shad (one or more, spaced or not), a Tibetan
# sentence ending in ga or ka (whose shad is left out by rule) before a space, Latin stops before a space.
_CLOSERS = "”’」』）)》〉\"'"
_SENTENCE_END = re.compile(
    rf"(?<=[。！？][{_CLOSERS}])|(?<=[。！？])(?![{_CLOSERS}。！？])"
    r"|(?<=[\u0f0d-\u0f12\u0f14])(?![\s\u0f0d-\u0f12\u0f14])"
    r"|(?<=[\u0f0d-\u0f12\u0f14])\s+(?=[^\s\u0f0d-\u0f12\u0f14])"
    r"|(?<=[\u0f42\u0f40])\s+(?=[\u0f40-\u0f6c])"
    r"|(?<=[.!?])\s+(?=\S)")
_JOINER = {"zh": "", "bo": " ", "en": " "}
_TIBETAN_LETTER = re.compile("[\u0f40-\u0fbc]")  # letters, subjoined letters and vowel signs


def split_sentences(text: str | None) -> list[str]:
    """Cut ``text`` into sentences after 。！？, Tibetan shad (། ༎ ...) and Latin stops; spaces between go."""
    if not text or not text.strip():
        return []
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def join_sentences(sentences: list[str], lang: str) -> str:
    """The description made of these sentences (Chinese without spaces, Tibetan and English with one)."""
    return _JOINER.get(lang, " ").join(s.strip() for s in sentences if s and s.strip())


def append_term(text: str, term: str, lang: str) -> str:
    """``text`` with a glossary ``term`` at its end, as a translator would type it there.

    Chinese runs on; Tibetan runs on after a tsheg, a shad or a space, and takes
    a tsheg after a syllable's last letter (words are not spaced); other languages
    take one space.
    """
    if not term:
        return text
    if lang == "zh" or not text:
        return text + term
    if lang == "bo":
        return text + ("\u0f0b" if _TIBETAN_LETTER.match(text[-1]) else "") + term
    return f"{text.rstrip()} {term}" if text.strip() else term


def source_language(work) -> str | None:
    """The language translations of ``work`` start from (spec: zh, else the original file's, else zh/bo/en)."""
    titled = work.languages
    if "zh" in titled:
        return "zh"
    for m in work.media:
        if m.role == "original" and m.lang in titled:
            return m.lang
    return next((lang for lang in LANGUAGES if lang in titled), None) if titled else None


@dataclass
class Track:
    """One subtitle track of a work, as segments see it."""

    key: str                 # "zh", "zh-2" ...
    lang: str
    entry: MediaEntry
    cues: list[Cue] = field(default_factory=list)


@dataclass
class Segment:
    sid: str
    kind: str
    source: str
    start_ms: int | None = None
    end_ms: int | None = None
    track: str | None = None


def read_cues(entry, media) -> list[Cue]:
    """The cues of a stored WebVTT or SRT file; an unreadable file gives none (and is logged)."""
    fmt = ((entry.info or {}).get("file") or {}).get("format")
    if fmt not in ("vtt", "srt"):
        fmt = "srt" if (entry.content_type or "").endswith("subrip") or entry.path.lower().endswith(".srt") else "vtt"
    try:
        text = decode_utf8(media.path(entry.sha256).read_bytes())
        return parse_srt(text) if fmt == "srt" else parse_vtt(text)
    except (OSError, ValueError, MediaRejected) as exc:
        log.warning("subtitle %s of a work cannot be read: %s", entry.sha256, exc)
        return []


def tracks(work, lang: str, media, with_cues: bool = True) -> list[Track]:
    """The subtitle tracks of ``work`` in ``lang`` (its media as loaded), keyed ``lang``, ``lang-2`` ..."""
    found: list[Track] = []
    for entry in work.media:
        if entry.role == "subtitle" and entry.lang == lang:
            key = lang if not found else f"{lang}-{len(found) + 1}"
            found.append(Track(key, lang, entry, read_cues(entry, media) if with_cues else []))
    return found


def cue_text(cue: Cue) -> str:
    return "\n".join(line for line in cue.lines)


def segments(work, source_lang: str, source_tracks: list[Track]) -> list[Segment]:
    """The segments of ``work``'s ``source_lang`` version (published text) and of its source tracks."""
    version = work.versions.get(source_lang)
    out = []
    if version is not None and version.has_title:
        out.append(Segment(TITLE, TITLE, version.title.strip()))
    for n, sentence in enumerate(split_sentences(version.description if version else None), 1):
        out.append(Segment(f"{DESCRIPTION}.{n}", DESCRIPTION, sentence))
    for track in source_tracks:
        for n, cue in enumerate(track.cues, 1):
            out.append(Segment(f"{CUE}.{track.key}.{n}", CUE, cue_text(cue), cue.start_ms, cue.end_ms, track.key))
    return out


def vtt_time(ms: int | None) -> str | None:
    """``hh:mm:ss.ttt``."""
    if ms is None:
        return None
    h, rest = divmod(int(ms), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
