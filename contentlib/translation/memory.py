"""The translation memory: every pair of segments this library has published in two languages.

Learned from published works only (titles, description sentences aligned by
``align``, subtitle cues that overlap in time in the same work), between the work's
source language and each other language it is published in, both ways: a pair
learned from a Chinese work translated into Tibetan also helps whoever translates
a Tibetan work into Chinese. The memory
lives in the database and follows the outbox with its own cursor, as a search
index does, so every server and the CLI see the same one; a large backlog (an
import) is applied by a rebuild.

Look-ups compare normalised source texts: NFKC, Traditional folded to
Simplified, case folded, WebVTT tags, punctuation at the ends and (for
Chinese and Tibetan) spaces dropped. Exact matches come from the database by a
hash of that form; fuzzy ones from the candidates that share the most character
bigrams in a process's ``GramIndex`` (built from the database's source texts,
followed as they change), scored with rapidfuzz's normalised Indel similarity.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from ..model import LANGUAGES
from ..search.chinese import to_simplified
from . import align
from .segments import cue_text, source_language, split_sentences, tracks

log = logging.getLogger(__name__)

KINDS = ("cue", "sentence", "title")          # ties in similarity list them in this order
MAX_TEXT = 2000                                 # longer segments are not kept (nor looked up)
MIN_SIMILARITY = 0.6
SUGGESTIONS = 5
CANDIDATES = 60                                 # sources scored per look-up (by shared bigrams)
REBUILD_BACKLOG = 5000                          # as the search index: a long backlog is a rebuild
WRITE_STEP = 5000                               # pairs a rebuild writes per transaction
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,100}>|&[a-z]+;")
_EDGE = "\u0f0b\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u0f14"


@dataclass(frozen=True)
class Suggestion:
    source: str
    target: str
    similarity: float
    work: str
    kind: str

    def as_dict(self) -> dict:
        return {"target": self.target, "source": self.source, "similarity": self.similarity, "work": self.work,
                "kind": self.kind}


def normalize(text: str, lang: str) -> str:
    """The form look-ups compare (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", _TAG.sub("", text or ""))
    if lang == "zh":
        text = to_simplified(text)
    text = text.casefold()
    text = "".join(text.split()) if lang in ("zh", "bo") else " ".join(text.split())
    i, j = 0, len(text)
    while i < j and _edge(text[i]):
        i += 1
    while j > i and _edge(text[j - 1]):
        j -= 1
    return text[i:j]


def _edge(c: str) -> bool:
    return c.isspace() or c in _EDGE or unicodedata.category(c)[0] in "PS"


def norm_hash(norm: str, lang: str) -> int:
    """A signed 64-bit hash of a normalised text and its language (the exact look-up's key)."""
    digest = hashlib.blake2b(f"{lang}\0{norm}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def grams(norm: str, lang: str) -> list[int]:
    """The distinct character bigrams of a normalised text (a one-character text: itself), with the language."""
    base = _lang_base(lang)
    if len(norm) == 1:
        return [base | ord(norm)]
    return list({base | (ord(a) << 21) | ord(b) for a, b in zip(norm, norm[1:])})


def _pair(work_id, src_lang, tgt_lang, source, target, kind) -> dict | None:
    source, target = _TAG.sub("", source or "").strip(), _TAG.sub("", target or "").strip()
    if not source or not target or len(source) > MAX_TEXT or len(target) > MAX_TEXT:
        return None
    norm = normalize(source, src_lang)
    if not norm:
        return None
    return {"source_lang": src_lang, "target_lang": tgt_lang, "source": source, "target": target, "kind": kind,
            "work_id": work_id, "norm": norm, "norm_hash": norm_hash(norm, src_lang)}


def pairs_of(work, media) -> list[dict]:
    """Every pair a published work teaches: its source language against each other published language, both ways."""
    src = source_language(work)
    if src is None:
        return []
    sv = work.versions[src]
    src_tracks = tracks(work, src, media)
    out = []
    for tgt in work.languages:
        if tgt == src:
            continue
        tv = work.versions[tgt]
        out.append(_pair(work.id, src, tgt, sv.title, tv.title, "title"))
        for a, b in align.align_sentences(split_sentences(sv.description), split_sentences(tv.description)):
            if a and b:
                out.append(_pair(work.id, src, tgt, " ".join(a) if src != "zh" else "".join(a),
                                 " ".join(b) if tgt != "zh" else "".join(b), "sentence"))
        tgt_tracks = tracks(work, tgt, media) if src_tracks else []
        for s in src_tracks:
            for t in tgt_tracks:
                for i, j in align.pair_cues(s.cues, t.cues):
                    out.append(_pair(work.id, src, tgt, cue_text(s.cues[i]), cue_text(t.cues[j]), "cue"))
    taught = [p for p in out if p is not None]
    taught += [back for p in taught
               if (back := _pair(work.id, p["target_lang"], p["source_lang"], p["target"], p["source"], p["kind"]))]
    seen, unique = set(), []
    for p in taught:
        if (key := (p["source_lang"], p["target_lang"], p["source"], p["target"], p["kind"])) not in seen:
            seen.add(key)
            unique.append(p)
    return unique


# -- keeping it current -------------------------------------------------------

def follow(store, media, batch: int = 500, blocking: bool = True) -> int:
    """Apply the outbox rows past the memory's cursor (building it first if it never was); return works applied.

    One process at a time (the store's memory lock); a cheap read first, so an idle
    follower takes no lock at all. A whole build is one process's job: with ``blocking``
    off (the servers' appliers) a process that finds another building it lets it be, and
    nobody follows while a rebuild writes (its fence says so); a rebuild that died is done again.
    """
    cursor = store.memory_cursor()
    if cursor is not None and cursor >= store.last_seq():
        return 0
    if cursor is None or store.memory_building() or _cheaper_to_rebuild(store, cursor):
        with store.memory_rebuild_lock(blocking) as got:
            if not got:
                return 0
            cursor = store.memory_cursor()  # built meanwhile by the process we waited for?
            if cursor is None or store.memory_building() or _cheaper_to_rebuild(store, cursor):
                rebuild(store, media, locked=True)
                return store.count_works()
    done = 0
    with store.transaction() as conn:
        cursor = store.memory_lock(conn)
        if cursor is None or store.memory_window(conn)[1] is not None:
            return 0  # cleared meanwhile (a restore), or a rebuild began: the next pass sees to it
        while True:
            rows = store.memory_changes(conn, cursor, batch)
            if not rows:
                break
            ids = list(dict.fromkeys(w for _, w in rows))
            store.memory_forget_works(conn, ids)
            store.memory_add(conn, [p for w in store.get_works(ids) for p in pairs_of(w, media)])
            cursor = rows[-1][0]
            done += len(ids)
        store.memory_set_cursor(conn, cursor, time.time())
    return done


def _cheaper_to_rebuild(store, cursor: int) -> bool:
    backlog = store.count_after(cursor)
    return backlog >= REBUILD_BACKLOG and backlog * 4 >= store.count_works()


def rebuild(store, media, progress=None, locked: bool = False) -> int:
    """Learn the whole memory again from every published work; return how many pairs it holds.

    The new memory is written beside the old one, a few thousand pairs per transaction, behind a
    fence that keeps it out of look-ups (``store.memory_begin_build``); one short transaction then
    makes it the live one, and the old one is dropped in steps. A look-up sees the old memory or
    the new one, and no save waits on the database for more than one step. A rebuild stopped
    half-way leaves the old memory live; the next one starts over.

    :param progress: called now and then with the number of works read.
    """
    if not locked:
        with store.memory_rebuild_lock() as _:
            return rebuild(store, media, progress, locked=True)
    seq = store.last_seq()  # what is written while we read is applied by the next follow
    top = store.memory_begin_build()
    total, pending = 0, []
    for n, work in enumerate(store.iter_works(), 1):
        pending += pairs_of(work, media)
        if len(pending) >= WRITE_STEP:
            total += _write(store, pending, top)
            pending = []
        if progress and n % 1000 == 0:
            progress(n)
    total += _write(store, pending, top)
    store.memory_finish_build(top, seq, time.time())
    log.info("translation memory rebuilt: %d pairs", total)
    return total


def _write(store, pairs: list[dict], top: int) -> int:
    with store.transaction() as conn:
        return store.memory_add(conn, pairs, above=top)


# -- looking up ---------------------------------------------------------------

@dataclass(frozen=True)
class _Snapshot:
    """One state of a process's bigram index: a sorted posting array (CSR) plus what came after it."""

    first: int                      # the lowest source id it was built from (a rebuilt memory starts above)
    last: int                       # the highest source id it holds
    keys: np.ndarray                # the distinct grams, sorted
    starts: np.ndarray              # where each gram's postings begin in ``positions`` (one more at the end)
    positions: np.ndarray           # positions (into ``ids``/``norms``) of the sources, grouped by gram
    ids: np.ndarray                 # source id at each position
    norms: list                     # normalised text at each position
    extra: dict = field(default_factory=dict)    # gram -> [source id] of sources added since the build
    extra_norms: dict = field(default_factory=dict)


_EMPTY = _Snapshot(0, 0, np.empty(0, np.int64), np.zeros(1, np.int64), np.empty(0, np.int32),
                   np.empty(0, np.int64), [])


class GramIndex:
    """A process's index of the memory's sources by character bigram: the candidates of fuzzy look-ups.

    Rebuilt from the database when the memory was rebuilt (every source id is then new), or when
    the sources added since the last build grow past a fifth of it; otherwise new sources (ids past
    the last one seen) join a small side table. A source deleted since is simply not found among
    the pairs when its candidates are fetched, so the index never answers with one.
    """

    def __init__(self):
        self._snap = _EMPTY
        self._lock = threading.Lock()

    def refresh(self, store) -> _Snapshot:
        """Bring the index in line with the memory in the database (one cheap query when nothing changed)."""
        lo, hi = store.memory_span()
        snap = self._snap
        if lo is None:
            self._snap = _EMPTY
            return _EMPTY
        if snap.last >= hi and lo >= snap.first:
            return snap
        with self._lock:
            snap = self._snap
            if lo > snap.last or lo < snap.first or snap is _EMPTY \
                    or len(snap.extra_norms) > max(1000, len(snap.norms) // 5):
                snap = _build(store.memory_sources_after(0))
            elif hi > snap.last:
                snap = _extend(snap, store.memory_sources_after(snap.last))
            self._snap = snap
        return snap

    def candidates(self, snap: _Snapshot, wanted: list[int], limit: int) -> list[tuple[int, str]]:
        """The ``limit`` sources sharing the most of ``wanted`` grams, as ``(id, normalised text)``."""
        found = []
        if len(snap.keys):
            at = np.searchsorted(snap.keys, wanted)
            for i, gram in zip(at, wanted):
                if i < len(snap.keys) and snap.keys[i] == gram:
                    found.append(snap.positions[snap.starts[i]:snap.starts[i + 1]])
        out = []
        if found:
            counts = np.bincount(np.concatenate(found))
            hit = np.flatnonzero(counts)
            top = hit[np.argpartition(-counts[hit], limit)[:limit]] if len(hit) > limit else hit
            out = [(i, snap.norms[p], n) for i, p, n in zip(snap.ids[top].tolist(), top.tolist(),
                                                            counts[top].tolist())]
        if snap.extra:
            shared: dict[int, int] = {}
            for gram in wanted:
                for source_id in snap.extra.get(gram, ()):
                    shared[source_id] = shared.get(source_id, 0) + 1
            out += [(i, snap.extra_norms[i], n) for i, n in shared.items()]
        out.sort(key=lambda c: -c[2])
        return [(i, norm) for i, norm, _ in out[:limit]]


def _lang_base(lang: str) -> int:
    return (LANGUAGES.index(lang) + 1) << 42 if lang in LANGUAGES else 0


def _build(rows) -> _Snapshot:
    """The index of every source in ``rows`` (``(id, lang, normalised text)`` in id order).

    The grams are the same as ``grams()`` gives, computed for all texts at once with NumPy
    (one pass over their code points), then sorted by gram with each source once per gram.
    """
    ids, norms, bases = [], [], []
    for source_id, lang, norm in rows:
        ids.append(source_id)
        norms.append(norm)
        bases.append(_lang_base(lang))
    if not ids:
        return _EMPTY
    lengths = np.fromiter(map(len, norms), np.int64, len(norms))
    base = np.asarray(bases, np.int64)
    points = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32)
    owner = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    pair = owner[:-1] == owner[1:]  # two characters of one text
    positions = owner[:-1][pair]
    keys = (points[:-1][pair].astype(np.int64) << 21) | points[1:][pair]
    keys |= base[positions]
    del owner, pair
    single = np.flatnonzero(lengths == 1)  # a one-character text's gram is the character
    if len(single):
        first = np.cumsum(lengths) - lengths
        keys = np.concatenate((keys, base[single] | points[first[single]]))
        positions = np.concatenate((positions, single.astype(np.int32)))
    order = np.lexsort((positions, keys))
    keys, positions = keys[order], positions[order]
    keep = np.ones(len(keys), bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (positions[1:] != positions[:-1])
    keys, positions = keys[keep], positions[keep]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(keys)) + 1, [len(keys)])).astype(np.int64)
    return _Snapshot(ids[0], ids[-1], keys[starts[:-1]], starts, positions, np.asarray(ids, np.int64), norms)


def _extend(snap: _Snapshot, rows) -> _Snapshot:
    extra = {g: list(v) for g, v in snap.extra.items()}
    extra_norms = dict(snap.extra_norms)
    last = snap.last
    for source_id, lang, norm in rows:
        extra_norms[source_id] = norm
        for g in grams(norm, lang):
            extra.setdefault(g, []).append(source_id)
        last = source_id
    return _Snapshot(snap.first, last, snap.keys, snap.starts, snap.positions, snap.ids, snap.norms, extra,
                     extra_norms)


def lookup(store, text: str, source_lang: str, target_lang: str, exclude_work: str | None = None,
           limit: int = SUGGESTIONS, index: GramIndex | None = None) -> list[Suggestion]:
    """The best ``limit`` suggestions for ``text``: similarity first, then cue, sentence, title pairs.

    Pairs learned from ``exclude_work`` (the work being translated) never come back;
    one target is offered once. Exact matches come from the database; fuzzy ones
    from ``index`` (a process keeps one; without it only exact matches are found).
    """
    norm = normalize(text, source_lang)
    if not norm or len(norm) > MAX_TEXT:
        return []
    scored: dict[int, float] = {i: 1.0 for i in store.memory_exact(source_lang, norm_hash(norm, source_lang), norm)}
    if index is not None:
        snap = index.refresh(store)
        lo = len(norm) * MIN_SIMILARITY / (2 - MIN_SIMILARITY)
        hi = len(norm) * (2 - MIN_SIMILARITY) / MIN_SIMILARITY
        for source_id, cand in index.candidates(snap, grams(norm, source_lang), CANDIDATES):
            if source_id in scored or not lo <= len(cand) <= hi:
                continue
            score = fuzz.ratio(norm, cand, score_cutoff=MIN_SIMILARITY * 100) / 100.0
            if score >= MIN_SIMILARITY:
                scored[source_id] = 1.0 if cand == norm else min(score, 0.999)
    ranked = sorted(scored, key=lambda i: -scored[i])
    out: list[Suggestion] = []
    seen: set[str] = set()
    start = 0
    while start < len(ranked) and len(out) < limit:
        # the best sources first; more only when these give too few targets (the work itself left out)
        take = ranked[start:start + (limit if start == 0 else limit * 4)]
        end = start + len(take)
        while end < len(ranked) and scored[ranked[end]] == scored[take[-1]]:  # a tie stays together
            take.append(ranked[end])
            end += 1
        pairs = sorted(store.memory_pairs_of(take, target_lang, exclude_work),
                       key=lambda p: (-scored[p.source_id], KINDS.index(p.kind) if p.kind in KINDS else 9, -p.id))
        for p in pairs:
            if p.target not in seen and len(out) < limit:
                seen.add(p.target)
                out.append(Suggestion(p.source, p.target, round(scored[p.source_id], 3), p.work_id, p.kind))
        start = end
    return out
