"""The search's reach into the other language, and the lexicon's build, for one library.

A search whose query reads as Tibetan (script or EWTS) or Chinese (characters
or pinyin) also looks for works that have no version in that language, through
the learned lexicon (``spec/search-api.md``, ``other_language``). A server loads
the whole lexicon into memory before it serves (``Reach.load``: a ``table.Table``
of a few MB); without it, or while a newer generation loads in the background,
look-ups go to the database and are cached. Everything is kept per lexicon
generation, read from the database at most every ``RECHECK`` seconds, so every
process follows a rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from ..search import query as readings
from ..search.results import OtherLanguage
from . import lexicon
from .table import Table

log = logging.getLogger(__name__)

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

    def __init__(self, store, recheck: float = RECHECK, background: bool = True):
        self.store = store
        self.recheck = recheck
        self.background = background
        self._lock = threading.Lock()
        self._generation = None
        self._checked = 0.0
        self._cache: OrderedDict = OrderedDict()
        self._table: Table | None = None  # the whole lexicon, once ``load`` was asked for
        self._loading: threading.Thread | None = None
        self._load_started = float("-inf")

    def load(self) -> Table | None:
        """Read the live lexicon whole into memory (the server's warm-up; about 2 s and 8 MB at 180,000 entries).

        From then on a newer generation is loaded again in a background thread as soon as it is
        seen; until it is in, look-ups use the database.
        """
        while True:
            row = self.store.lexicon_state()
            if row is None:
                return None
            table = Table(row.generation, self.store.lexicon_rows())
            after = self.store.lexicon_state()
            if after is not None and after.generation == row.generation:  # not rebuilt meanwhile
                break
        self._table = table
        return table

    def _load_logged(self):
        try:
            self.load()
        except Exception:  # noqa: BLE001  look-ups keep reading the database; seen in the log
            log.exception("the new lexicon could not be loaded")

    def _table_for(self, generation):
        """The loaded table of ``generation``, or None (and a newer one starts loading)."""
        table = self._table
        if table is None or table.generation == generation:
            return table
        with self._lock:
            now = time.monotonic()
            idle = self._loading is None or not self._loading.is_alive()
            if idle and now - self._load_started >= self.recheck:  # a failed load is tried again, not at once
                self._load_started = now
                self._loading = threading.Thread(target=self._load_logged, name="lexicon-load", daemon=True)
                if self.background:
                    self._loading.start()
                else:
                    self._loading.run()
        table = self._table
        return table if table is not None and table.generation == generation else None

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
        generation = self.generation()
        if generation is None:
            return {}
        table = self._table_for(generation)
        if table is not None:
            return table.lookup(direction, sources)
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
