"""Names from outside that may become paths: one strict pattern where they enter, one check before a write.

A name that came in a file or a request (a bundle's id, a backup's member, a
job token) is checked with :func:`check_name` where it enters; every path built
from outside data is made with :func:`inside`, which resolves it (symbolic
links and ``..`` included) and refuses one that is not strictly below its
root. Both, because each alone has failed before: a name checked in one place
and joined in another, or a join that trusted an earlier check.
"""

from __future__ import annotations

import re
from pathlib import Path

#: A plain name: a letter or digit first, then letters, digits, ``.``, ``_`` or ``-``; at most 64; no ``..``.
NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")


class PathEscape(ValueError):
    """A name that is not a plain name, or a path that would leave its root."""


def is_name(value) -> bool:
    """Whether ``value`` is a plain name (see :data:`NAME`)."""
    return isinstance(value, str) and NAME.match(value) is not None and ".." not in value


def check_name(value, what: str) -> str:
    """Return ``value`` if it is a plain name.

    :raises PathEscape: saying which value (``what``) is not one.
    """
    if not is_name(value):
        raise PathEscape(f"{what} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or "
                         f"digit, without '..' (got {_show(value)})")
    return value


def inside(root, *parts) -> Path:
    """Return ``root/parts...`` resolved, after checking it lies strictly inside ``root`` (also resolved).

    :raises PathEscape: when the path is ``root`` itself or anywhere outside it.
    """
    base = Path(root).resolve()
    path = base.joinpath(*(str(p) for p in parts)).resolve()
    if path == base or base not in path.parents:
        raise PathEscape(f"{_show('/'.join(str(p) for p in parts))} leads outside {base}")
    return path


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
