"""HTTP helpers for sending media, free of any web framework."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char, less nothing: these need no percent-encoding.
_ATTR_CHARS = "!#$&+-.^_`|~"
_RANGE = re.compile(r"\A\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*\Z", re.I)


class RangeNotSatisfiable(ValueError):
    """The Range header asks for bytes the file does not have (answer 416).

    :param size: the file's size, for ``Content-Range: bytes */size``.
    """

    def __init__(self, size: int):
        self.size = size
        super().__init__(f"range not satisfiable for a file of {size} bytes")

    @property
    def content_range(self) -> str:
        return f"bytes */{self.size}"


# Bidirectional overrides can make "gpj.exe" display as "exe.jpg".
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean_name(filename: str) -> str:
    # No folders, no control characters, no bidi overrides; otherwise the name
    # is kept exactly as written (no normalisation, no transliteration).
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    return name.strip() or "download"


def _ascii_fallback(name: str) -> str:
    """An ASCII name for old clients: non-ASCII letters are left out, not transliterated."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    def keep(s):
        s = "".join(ch for ch in s if 0x20 <= ord(ch) < 0x7F and ch not in '"\\%;')
        return re.sub(r"\s+", " ", s).strip(" .")
    stem, ext = keep(stem), keep(ext)
    stem = stem or "download"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(filename: str, attachment: bool = True) -> str:
    """Return a Content-Disposition header value for ``filename``.

    Names with characters outside ASCII (Tibetan, Chinese ...) are sent as
    written in ``filename*=UTF-8''...`` (RFC 5987/6266), with an ASCII
    ``filename="..."`` beside it for clients that know only that.

    :param attachment: ``attachment`` (download) if true, else ``inline``.
    """
    disposition = "attachment" if attachment else "inline"
    name = _clean_name(filename)
    fallback = _ascii_fallback(name)
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += "; filename*=UTF-8''" + quote(name, safe=_ATTR_CHARS, encoding="utf-8")
    return value


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Read a single byte range from a Range header, for a file of ``size`` bytes.

    :returns: ``(start, end)``, both inclusive, to answer 206 with
        ``Content-Range: bytes start-end/size``; or ``None`` when there is no
        usable Range header (absent, malformed, several ranges, another unit),
        in which case the whole file is sent with 200 as RFC 9110 allows.
    :raises RangeNotSatisfiable: when the range lies outside the file (416).
    """
    if not header:
        return None
    m = _RANGE.match(header)
    if m is None:
        return None
    first, last = m.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid range-spec: ignored
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, min(end, size - 1)


def content_range(start: int, end: int, size: int) -> str:
    """Return the Content-Range header value for a 206 answer."""
    return f"bytes {start}-{end}/{size}"
