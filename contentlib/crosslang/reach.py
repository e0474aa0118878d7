"""The search's reach into the other language, and the lexicon's build, for one library.

A search whose query reads as Tibetan (script or EWTS) or Chinese (characters
or pinyin) also looks for works that have no version in that language, through
the learned lexicon (``spec/search-api.md``, ``other_language``). Look-ups are
cached per lexicon generation; the generation is read from the database at
most every ``RECHECK`` seconds, so every process follows a rebuild.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from ..search import query as readings
from ..search.results import OtherLanguage
from . import lexicon

RECHECK = 2.0
CACHE = 50_000  # cached source units
LIMIT = 10  # works in the block
PINYIN_WORDS = 3  # likely words a pinyin query reads as


def query_language(q: str) -> tuple[str, str] | None:
    """``(lang, text)`` of the query's Tibetan or Chinese reading: script first, then EWTS, then pinyin."""
    found = {r.script: r for r in readings.interpret(q)}
    for script in ("bo", "zh"):
        if script in found:
            return script, found[script].text
    if "ewts" in found:
        return "bo", found["ewts"].text
    if "pinyin" in found and found["pinyin"].candidates:
        return "zh", " ".join(w for w, _ in found["pinyin"].candidates[:PINYIN_WORDS])
    return None


class Reach:
    """The lexicon of one store, cached, and the ``other_language`` block built with it."""

    def __init__(self, store, recheck: float = RECHECK):
        self.store = store
        self.recheck = recheck
        self._lock = threading.Lock()
        self._generation = None
        self._checked = 0.0
        self._cache: OrderedDict = OrderedDict()

    def generation(self) -> int | None:
        now = time.monotonic()
        if now - self._checked >= self.recheck:
            row = self.store.lexicon_state()
            gen = row.generation if row else None
            with self._lock:
                if gen != self._generation:
                    self._generation, self._cache = gen, OrderedDict()
                self._checked = now
        return self._generation

    def lookup(self, direction: str, sources: list[str]) -> dict:
        """``{source: [(target, weight), ...]}`` from the cache, the rest from the database."""
        if self.generation() is None:
            return {}
        out, missing = {}, []
        with self._lock:
            for s in sources:
                key = (direction, s)
                if key in self._cache:
                    self._cache.move_to_end(key)
                    out[s] = self._cache[key]
                else:
                    missing.append(s)
        if missing:
            found = self.store.lexicon_targets(direction, missing)
            with self._lock:
                for s in missing:
                    out[s] = self._cache[(direction, s)] = found.get(s, [])
                while len(self._cache) > CACHE:
                    self._cache.popitem(last=False)
        return out

    def other_language(self, index, q: str, filters: dict, expansions: dict) -> OtherLanguage | None:
        """Works without a version in the query's language that match its reading in the other one."""
        found = query_language(q)
        if found is None:
            return None
        lang, text = found
        reading = lexicon.read(lang, text, self.lookup, expansions)
        if not reading.terms:
            return OtherLanguage(reading.lang, 0, [], [])
        total, hits = index.search_other(reading.lang, lang, reading.terms, filters, LIMIT)
        return OtherLanguage(reading.lang, total, hits, reading.via)


LEXICON = "lexicon"  # the job kind
NEW_PAIRS = 20  # bilingual works published since the last build that call for a new one


def stale(store) -> bool:
    """Whether enough works were published (or withdrawn) in both languages since the lexicon was built."""
    row = store.lexicon_state()
    now = store.count_bilingual()
    if row is None:
        return now > 0
    return abs(now - row.works) >= max(NEW_PAIRS, row.works // 10)


def build(store, progress=None) -> dict:
    """Learn the lexicon from every work published in both languages, and the glossary; swap it in.

    :return: ``pairs``, ``works``, ``entries``, ``generation`` and ``seconds``.
    """
    start = time.monotonic()
    rows = list(store.bilingual_texts())
    pairs = lexicon.text_pairs(rows)
    glossary = [(r.zh, r.bo) for r in store.glossary_rows()]
    if progress:
        progress(len(pairs))
    entries = lexicon.build(pairs, glossary)
    seconds = time.monotonic() - start
    gen = store.replace_lexicon(entries, len(pairs), len(rows), time.time(), seconds)
    return {"pairs": len(pairs), "works": len(rows), "entries": len(entries), "generation": gen,
            "seconds": round(time.monotonic() - start, 2)}
