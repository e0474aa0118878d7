"""Where each interface string appears: the source files that use it, for the review page.

The catalogs are extracted ``--no-location`` (a moved line must not change every .po file), so
``make extract`` writes this map separately, into ``translations/places.json``: msgid -> the files
(``catalog/templates/search/search.html``, ``catalog/works.py``) that use it, sorted. Files, not
lines: a line number would go stale with any edit above it, a file name only when a string moves.
``tests/unit/test_interface_places.py`` checks the shipped map against a fresh extraction.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

PLACES_FILE = "places.json"


def from_catalog(catalog) -> dict[str, list[str]]:
    """msgid -> the sorted files of its locations, from a Babel catalog extracted with locations."""
    out: dict[str, list[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        files = {Path(path).as_posix() for path, _ in message.locations}
        out[msgid] = sorted(files | set(out.get(msgid, ())))
    return dict(sorted(out.items()))


def dumps(places: dict[str, list[str]]) -> str:
    return json.dumps(places, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@functools.lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> dict[str, tuple[str, ...]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(k): tuple(str(f) for f in v) for k, v in data.items() if isinstance(v, list)}


def load(translations_dir: Path) -> dict[str, tuple[str, ...]]:
    """The shipped map (empty when there is none: the page then names no places), read again when it changes."""
    path = Path(translations_dir) / PLACES_FILE
    if not path.is_file():
        return {}
    return _load(str(path), path.stat().st_mtime)
