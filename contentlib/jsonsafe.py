"""Bounded JSON parsing for every outside input (import lines, API bodies).

``json.loads`` recurses once per nesting level, so a line of 200,000 ``[`` ends
in RecursionError; a 4,300-digit integer raises a ValueError that is not a
JSONDecodeError; and ``"\\ud800"`` decodes to a lone surrogate that no database
driver can encode. ``loads`` checks size and depth before parsing and refuses
lone surrogates after, always with one exception: ``JSONRefused``.
"""

from __future__ import annotations

import json
import re

from .bounds import MAX_JSON_DEPTH

_SURROGATE = re.compile("[\ud800-\udfff]")
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONRefused(ValueError):
    """A document that is not JSON, or JSON beyond the bounds we accept."""


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings skipped), without recursion."""
    level = deepest = 0
    for m in _STRUCTURE.finditer(text):
        token = m.group()
        if token in "[{":
            level += 1
            deepest = max(deepest, level)
        elif token in "]}":
            level -= 1
    return deepest


def loads(text: str | bytes, max_bytes: int, max_depth: int = MAX_JSON_DEPTH):
    """Parse one JSON document within bounds.

    :raises JSONRefused: too long, too deep, malformed, an integer too long to
        convert, or a string holding a lone surrogate (the message says which).
    """
    if isinstance(text, (bytes, bytearray)):
        if len(text) > max_bytes:
            raise JSONRefused(f"longer than {max_bytes} bytes")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONRefused(f"not UTF-8 ({exc.reason})") from None
    elif len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise JSONRefused(f"longer than {max_bytes} bytes")
    if depth(text) > max_depth:
        raise JSONRefused(f"nested deeper than {max_depth} levels")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JSONRefused(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise JSONRefused(f"invalid JSON: {str(exc).split(';')[0]}") from None
    if _has_surrogate(value):
        raise JSONRefused("invalid JSON: a string holds a lone surrogate (not Unicode text)")
    return value


def _has_surrogate(value) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False
