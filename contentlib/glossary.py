"""The zh <-> bo glossary of science terms: kept by editors, hinted in the editor, used by search.

Chinese is compared after Traditional -> Simplified folding, so a term entered
in either script matches text in the other. Tibetan terms match only on
syllable boundaries (tsheg, shad, space or the ends), so a short term does
not fire inside a longer word's syllables.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass

from . import bounds, xmltext
from .csvsafe import to_csv, uncell
from .errors import InvalidRecord, NotFound
from .search.chinese import to_simplified
from .targets import output_file

CSV_FIELDS = ("zh", "bo", "note")
_BO_EDGE = "\u0f0b\u0f0c\u0f0d\u0f0e\u0f11\u0f14 \t\n"


@dataclass
class Entry:
    id: int
    zh: str
    bo: str
    note: str | None = None
    updated_by: str | None = None


def _entry(r) -> Entry:
    return Entry(r.id, r.zh, r.bo, r.note, r.updated_by)


def _clean(zh, bo, note) -> tuple[str, str, str | None]:
    zh, bo = (zh or "").strip(), (bo or "").strip().strip("\u0f0b\u0f0d ")
    problems = []
    if not zh or len(zh) > 200:
        problems.append(("zh", "a Chinese term of 1-200 characters is required"))
    if not bo or len(bo) > 200:
        problems.append(("bo", "a Tibetan term of 1-200 characters is required"))
    note = (note or "").strip() or None
    if note is not None and len(note) > bounds.MAX_GLOSSARY_NOTE:
        problems.append(("note", f"at most {bounds.MAX_GLOSSARY_NOTE} characters"))
    problems += [p for p in (xmltext.problem(f, v) for f, v in (("zh", zh), ("bo", bo), ("note", note))) if p]
    if problems:
        raise InvalidRecord(problems)
    return zh, bo, note


def entries(store, q: str | None = None) -> list[Entry]:
    """Every entry (or those whose terms or note contain ``q``), by Chinese term."""
    return [_entry(r) for r in store.glossary_rows(q)]


def get(store, entry_id: int) -> Entry:
    r = store.glossary_row(entry_id)
    if r is None:
        raise NotFound(f"glossary entry {entry_id}")
    return _entry(r)


def add(store, zh: str, bo: str, note: str | None = None, actor: str | None = None) -> Entry:
    """Add a pair; an existing pair only gets its note updated.

    :raises InvalidRecord: without both terms.
    """
    zh, bo, note = _clean(zh, bo, note)
    return _entry(store.put_glossary_pairs([(zh, bo, note)], actor, time.time()))


def update(store, entry_id: int, zh: str, bo: str, note: str | None = None, actor: str | None = None) -> Entry:
    """Change an entry.

    :raises NotFound, InvalidRecord: (also when the new pair already exists).
    """
    zh, bo, note = _clean(zh, bo, note)
    store.update_glossary_entry(entry_id, zh, bo, note, actor, time.time())
    return get(store, entry_id)


def delete(store, entry_id: int) -> None:
    if not store.delete_glossary_entry(entry_id):
        raise NotFound(f"glossary entry {entry_id}")


def _bo_occurs(term: str, text: str) -> int:
    """Index of ``term`` in ``text`` on syllable boundaries, or -1."""
    for m in re.finditer(re.escape(term), text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before in _BO_EDGE and after in _BO_EDGE:
            return m.start()
    return -1


def occurs(term: str, text: str, lang: str) -> bool:
    """Whether a term occurs in ``text``: Chinese after Traditional/Simplified folding, Tibetan on syllable edges."""
    if not term or not text:
        return False
    if lang == "zh":
        return to_simplified(term) in to_simplified(text)
    return _bo_occurs(term, text) >= 0


def found_in(store, text: str) -> list[Entry]:
    """Entries whose Chinese (folded) or Tibetan term occurs in ``text``."""
    if not text or not text.strip():
        return []
    folded = to_simplified(text)
    return [e for e in entries(store)
            if to_simplified(e.zh) in folded or _bo_occurs(e.bo, text) >= 0]


def expansions(store, q: str) -> dict[str, list[str]]:
    """Search expansions for a query: each glossary term found in it, mapped to its equivalents.

    The keys are the text as written in the query (a Traditional spelling stays
    Traditional), because the index looks for each key inside the query.
    Reads the whole table; a search uses ``Expansions``, which keeps it folded.
    """
    return expand(q, folded(entries(store)))


def folded(found: list[Entry]) -> list[tuple[str, str]]:
    """``(Simplified zh, bo)`` of each entry: the OpenCC work ``expand`` needs, done once."""
    return [(to_simplified(e.zh), e.bo) for e in found]


def expand(q: str, pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """``expansions`` of ``q`` over folded pairs (``folded``)."""
    if not q or not q.strip():
        return {}
    folded_q = to_simplified(q)
    out: dict[str, list[str]] = {}
    for zh, bo in pairs:
        at = folded_q.find(zh)
        if at >= 0:
            # t2s keeps length for almost every text; otherwise fall back to the folded spelling
            key = q[at:at + len(zh)] if len(folded_q) == len(q) else zh
            out.setdefault(key, [])
            for eq in (bo, zh):
                if eq != key and eq not in out[key]:
                    out[key].append(eq)
        if _bo_occurs(bo, q) >= 0:
            out.setdefault(bo, [])
            if zh not in out[bo]:
                out[bo].append(zh)
    return out


class Expansions:
    """``expansions`` for every search, the glossary folded once per read of the table.

    The store keeps the table cached per process and reads it again within a second of an edit in
    any process (``storage.generations``); a new read is a new tuple, and only then is it folded again.
    """

    def __init__(self, store):
        self._store = store
        self._cached: tuple = (None, [])
        self.loads = 0  # how often the table was read (tests, benchmarks)

    def __call__(self, q: str) -> dict[str, list[str]]:
        if not q or not q.strip():
            return {}
        rows = self._store.glossary_rows()
        seen, pairs = self._cached
        if rows is not seen:
            pairs = folded([_entry(r) for r in rows])
            self._cached = (rows, pairs)
            self.loads += 1
        return expand(q, pairs)


def export_csv(store) -> str:
    """Every entry as ``zh,bo,note`` CSV (cells a spreadsheet would evaluate are neutralised)."""
    return _csv(entries(store))


def _csv(found: list[Entry]) -> str:
    return to_csv(CSV_FIELDS, ([e.zh, e.bo, e.note or ""] for e in found))


def export_file(store, path) -> int:
    """Write every entry as ``zh,bo,note`` CSV (UTF-8) to ``path`` atomically; return how many were written.

    The count and the file come from one read, and a crash leaves the old file or the new one.

    :raises CannotWrite: (one line) when the folder is missing or cannot be written.
    """
    found = entries(store)
    with output_file(path, prefix=".glossary-", suffix=".csv", newline="") as out:
        out.write(_csv(found))
    return len(found)


def import_csv(store, text: str, actor: str | None = None) -> int:
    """Add every row of a ``zh,bo,note`` CSV (a header row is required); all or nothing.

    :returns: how many rows were read.
    :raises InvalidRecord: listing every bad row as ``LINE: field: message``.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"zh", "bo"} <= {f.strip() for f in reader.fieldnames}:
        raise InvalidRecord([("header", "the first row must name the columns zh,bo[,note]")])
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): uncell(v) if isinstance(v, str) else v for k, v in row.items()}
        try:
            rows.append(_clean(row.get("zh"), row.get("bo"), row.get("note")))
        except InvalidRecord as exc:
            problems += [(f"{line}: {f}", m) for f, m in exc.problems]
    if problems:
        raise InvalidRecord(problems)
    store.put_glossary_pairs(rows, actor, time.time())
    return len(rows)
