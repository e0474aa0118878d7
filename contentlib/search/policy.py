"""The search policy, written once above the engines (``engine.Engine``).

What a search means here is decided in this module: a query is read
(``query.interpret``) and turned into plans from strict to loose
(``query.to_plans``); the first plan that finds MIN_STRICT works wins and a
widening keeps the stricter works first (tiers); glossary equivalents join at
EXPANSION_BOOST; an ambiguous pinyin query shows each word's works in turn;
facets count everything matched; highlights redo the match on stored text.
The engine only runs plans and counts.
"""

from __future__ import annotations

import numpy as np

from ..errors import IndexUnavailable
from . import chinese, highlight
from .plan import And, Or, Term
from .query import clean, interpret, to_plans, translated_query, word_query
from .ranking import top, top_interleaved
from .results import Health, Hit, Reading, SearchResult

FACETS = {"type": "type", "subject": "subject", "audience": "audience",
          "language": "lang"}
FILTERS = {"type": "type", "subject": "subject", "audience": "audience",
           "grade": "grade", "lang": "lang", "has": "has"}
LANGS = ("bo", "zh", "en")
# Below this many strict matches a query is widened to its loose form.
MIN_STRICT = 10
# A one-character Chinese query matches the most common bigrams it starts
# (all of them for rare characters; see chinese.grams).
CHAR_EXPANSION = 200
EXPANSION_BOOST = 0.8  # glossary equivalents, relative to the typed query


def prepare():
    """Load every dictionary and table a query needs (jieba, OpenCC, pinyin, EWTS)."""
    chinese.prepare()
    highlight.prepare()
    interpret("zhong guo bod")


class Search:
    """Search works through one engine; the engine's sync and writes pass through unchanged.

    :raises IndexUnavailable: (from ``search``) only when the index is missing or
        outdated; any other fault propagates so it is logged and seen, not hidden.
    """

    def __init__(self, engine):
        self.engine = engine
        self.path = getattr(engine, "path", None)
        self._warmed = False

    # -- the engine's own business, passed through -----------------------------
    def serving(self) -> None:
        """Say this process serves searches: the engine keeps slow index upkeep out of it where it can."""
        if hasattr(self.engine, "merge_elsewhere"):
            self.engine.merge_elsewhere = True

    def exists(self) -> bool:
        return self.engine.exists()

    def doc_count(self) -> int:
        return self.engine.doc_count()

    def close(self) -> None:
        self.engine.close()

    def update(self, records=(), delete_ids=()) -> None:
        self.engine.update(records, delete_ids)

    def rebuild(self, records, expected=None, seq=None) -> int:
        return self.engine.rebuild(records, expected=expected, seq=seq)

    def lock(self, blocking: bool = True):
        return self.engine.lock(blocking)

    def applied_seq(self):
        return self.engine.applied_seq()

    def apply(self, records, delete_ids, seq) -> None:
        self.engine.apply(records, delete_ids, seq)

    def forget_applied(self) -> None:
        self.engine.forget_applied()

    def consumer_name(self) -> str:
        return self.engine.consumer_name()

    def health(self) -> Health:
        try:
            return Health(True, self.engine.doc_count())
        except IndexUnavailable as exc:
            return Health(False, None, str(exc))

    # -- searching ---------------------------------------------------------------
    def _warm(self):
        if not self._warmed:
            self.engine.read(lambda view: None)  # a missing index fails before any dictionary loads
            prepare()  # load dictionaries on the first search, not while reading a user's query
            self._warmed = True

    def search(self, q, filters=None, page=1, per_page=20, expansions=None) -> SearchResult:
        """One page of works for ``q``; see ``spec/search-api.md``.

        :raises IndexUnavailable: the index is missing or unreadable.
        """
        self._warm()
        return self.engine.read(lambda view: _search(view, q, filters or {}, max(1, page), max(1, per_page),
                                                     expansions or {}, self.plans))

    def plans(self, view, q, readings, expansions):
        """The strict plan and its loose widening (a benchmark's baseline overrides this)."""
        return _plans(view, q, readings, expansions)

    def search_other(self, lang, missing, terms, filters=None, limit=10) -> tuple[int, list[Hit]]:
        """Works in ``lang`` without a version in ``missing``, found by weighted ``terms`` of ``lang``.

        The cross-language block of a search (``crosslang.lexicon.read`` gives the terms).
        """
        plan = translated_query(lang, terms)
        if plan is None:
            self.engine.read(lambda view: None)  # still unavailable without an index
            return 0, []
        return self.engine.read(lambda view: _search_other(view, lang, missing, plan, filters or {}, limit))


def _hit(view, slot, score, readings) -> Hit:
    stored = view.stored(slot)
    doc = stored["doc"]
    return Hit(stored["id"], doc["type"], doc["titles"], [lang for lang in LANGS if lang in doc["titles"]],
               round(float(score), 4), highlight.highlights(doc, readings) if readings else {})


def _filter_mask(view, filters):
    """Works allowed by the filters (None when there are none)."""
    result = None
    for key, field in FILTERS.items():
        codes = filters.get(key)
        if not codes:
            continue
        union = np.zeros(view.size, dtype=bool)
        for code in codes:
            union |= view.mask(field, code)
        result = union if result is None else result & union
    return result


def _facets(view, matched):
    out = {}
    for name, field in FACETS.items():
        counts = {}
        for value in view.values(field):
            n = int(np.count_nonzero(matched & view.mask(field, value)))
            if n:
                counts[value] = n
        out[name] = counts
    return out


def _search(view, q, filters, page, per_page, expansions, plans=None) -> SearchResult:
    readings = interpret(q)
    allowed = _filter_mask(view, filters)
    live = view.live()
    start = (page - 1) * per_page
    if not clean(q):
        matched = live if allowed is None else live & allowed
        order = view.newest_first()
        if allowed is not None:
            order = order[matched[order]]
        hits = [(int(d), 0.0) for d in order[start:start + per_page]]
    else:
        matched, hits = np.zeros(len(live), dtype=bool), []
        plans = [] if allowed is not None and not allowed.any() else \
            (plans or _plans)(view, q, readings, expansions)
        # Works found by a stricter plan stay ahead of those a widening adds.
        tier = np.zeros(len(live), dtype=np.int8)
        for level, plan in enumerate(plans):
            seen = matched
            scores, matched = view.run(plan)
            if allowed is not None:
                matched &= allowed
            tier[matched & ~seen] = level
            if np.count_nonzero(matched) >= MIN_STRICT:
                break
        groups = _word_groups(view, readings, matched)
        if len(groups) > 1:
            hits = top_interleaved(scores, matched, start, per_page, groups, tier)
        elif matched.any():
            hits = top(scores, matched, start, per_page, tier)
    return SearchResult(
        query=q, total=int(np.count_nonzero(matched)), page=page, per_page=per_page,
        results=[_hit(view, slot, score, readings) for slot, score in hits],
        facets=_facets(view, matched),
        interpreted=[Reading(r.script, r.text) for r in readings])


COMMON = 0.2  # a translated term in more than this share of the works is left out of the other-language search
KEEP_RARE = 3  # ... unless nothing rarer is left: then the rarest clauses stay
# The postings the other-language search reads, at most, as a share of the works: clauses are taken best
# first until the next would pass it (the first is always taken). Chosen on xling-dev: 0.15 to 0.3 keep its
# recall@10 at 0.307, 0.1 drops it to 0.287.
BUDGET = 0.2


def _rare_clauses(view, plan):
    """``plan`` (an Or of translated units, best first) without the terms most works hold, within ``BUDGET``.

    A reading's common units (a Chinese bigram such as 科学) cost the most to read, a posting per
    work holding them, and tell the least; the block shows ten works. An And keeps its rare terms.
    Past the budget the weaker clauses are not even looked up: a term read cold costs about 0.1 ms
    per 1,000 postings, and a reading of 16 units held up to 76,000 at 100,000 works.
    """
    if not isinstance(plan, Or):
        return plan
    size = max(view.size, 1)
    most, budget, spent = COMMON * size, BUDGET * size, 0
    kept, rarest = [], []
    for clause in plan.clauses:
        terms = clause.clauses if isinstance(clause, And) else (clause,)
        freq = [view.doc_frequency(t.field, t.text) for t in terms]
        rare = tuple(t for t, f in zip(terms, freq) if f <= most)
        rarest.append((min(freq, default=0), clause))
        spent += sum(f for f in freq if f <= most)
        if kept and spent > budget:
            break
        if len(rare) == len(terms):
            kept.append(clause)
        elif len(rare) == 1:
            kept.append(Term(rare[0].field, rare[0].text, rare[0].boost * clause.boost))
        elif rare:
            kept.append(And(rare, clause.boost))
    if not kept:
        kept = [c for _, c in sorted(rarest, key=lambda fc: fc[0])[:KEEP_RARE]]
    return Or(tuple(kept), plan.boost)


def _search_other(view, lang, missing, plan, filters, limit):
    live = view.live()
    allowed = _filter_mask(view, filters)
    allowed = live if allowed is None else live & allowed
    allowed = allowed & ~view.mask("lang", missing) & view.mask("lang", lang)
    if not allowed.any():
        return 0, []
    scores, matched = view.run(_rare_clauses(view, plan))
    matched &= allowed
    hits = top(scores, matched, 0, limit) if matched.any() else []
    return int(np.count_nonzero(matched)), [_hit(view, d, score, []) for d, score in hits]


def _word_groups(view, readings, matched):
    """Works with each word a pinyin query reads as, most common word first.

    Pinyin is ambiguous (``qi shi``: 其实, 骑士, 起始 ...); the first
    page should show the rarer words too, not only the commonest.
    """
    words = [word for r in readings if r.script == "pinyin" for word, _ in r.candidates]
    if not words or not matched.any():
        return []
    groups = []
    for word in dict.fromkeys(words):
        found = np.zeros(len(matched), dtype=bool)
        found[view.matches(word_query(word))] = True
        found &= matched
        if found.any():
            groups.append(found)
    return groups


def _bigrams_from(view, char):
    """The most common indexed bigrams starting with ``char`` (kept while the index is unchanged)."""
    cache = view.cache.setdefault("prefix", {})
    if char not in cache:
        terms = [t for t in view.prefix_terms("zh", char) if len(t) == 2]
        terms.sort(key=lambda t: -view.doc_frequency("zh", t))
        cache[char] = terms[:CHAR_EXPANSION]
    return cache[char]


def _plans(view, q, readings, expansions):
    """The strict plan and its loose widening (either may be missing)."""
    extra = []
    for term, equivalents in expansions.items():
        if term and term.lower() in q.lower():
            for eq in equivalents:
                for r in interpret(eq):
                    r.boost = EXPANSION_BOOST  # what was typed counts most
                    extra.append(r)
    return to_plans(readings + extra, lambda c: _bigrams_from(view, c), view.doc_frequency)
