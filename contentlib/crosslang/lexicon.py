"""The Tibetan <-> Chinese lexicon a library learns from its own published pairs.

``build`` aligns every pair of published texts (titles; descriptions sentence
by sentence) with IBM Model 1 in both directions and keeps, for each source
unit, the targets both directions agree on: the weight is the geometric mean
of t(target|source) and t(source|target), which drops the function words
one direction alone pairs with everything. Approved glossary pairs are
trained with the rest and, at query time, read first (they override).

``read`` turns a query into weighted units of the other language, for the
search's ``other_language`` block.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from . import align, units

BO_ZH, ZH_BO = "bo-zh", "zh-bo"
DIRECTIONS = (BO_ZH, ZH_BO)
KEEP = 8  # targets kept per source unit
FLOOR = 0.02  # weakest weight kept
PER_UNIT = 6  # targets read per query unit
MAX_TERMS = 16  # translated units a query becomes, at most
GLOSSARY_WEIGHT = 1.0
MAX_UNITS = 120  # a pair longer than this on either side was not cut into sentences: too loose to learn from
# Model 1 holds one row per co-occurring unit pair of every pair it learns from (about 40 bytes each
# at the peak): past this many rows it learns from the shortest pairs first, so a library of many
# long texts costs minutes and a few GB, never all the server's memory.
MAX_ROWS = 60_000_000


@dataclass(frozen=True)
class Entry:
    direction: str
    source: str
    target: str
    weight: float


@dataclass
class Reading:
    """A query read into the other language: weighted units, and the few shown as ``via``."""

    lang: str
    terms: list[tuple[str, float]] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def text_pairs(rows) -> list[tuple[str, str]]:
    """(Tibetan, Chinese) text pairs of bilingual works: ``rows`` of (bo title, bo description, zh title, zh description)."""
    out = []
    for bo_title, bo_desc, zh_title, zh_desc in rows:
        if (bo_title or "").strip() and (zh_title or "").strip():
            out.append((bo_title, zh_title))
        if (bo_desc or "").strip() and (zh_desc or "").strip():
            out += units.sentence_pairs(bo_desc, zh_desc)
    return out


def _symmetric(forward: align.Table, backward: align.Table, direction: str) -> list[Entry]:
    """Entries whose two directions agree: weight sqrt(t(e|f) t(f|e)), the ``KEEP`` best per source, in arrays."""
    floor = FLOOR * FLOOR  # both factors must be at least this for the product to reach FLOOR squared
    fwd = np.nonzero((forward.prob >= floor) & (forward.source != align.NULL))[0]
    bwd = np.nonzero((backward.prob >= floor) & (backward.source != align.NULL))[0]
    if not len(fwd) or not len(bwd):
        return []
    # the backward table's units, as ids of the forward one's (-1: never seen there)
    e_ids = {u: i for i, u in enumerate(forward.targets)}
    f_ids = {u: i for i, u in enumerate(forward.sources)}
    b_src = np.array([e_ids.get(u, -1) for u in backward.sources], dtype=np.int64)
    b_tgt = np.array([f_ids.get(u, -1) for u in backward.targets], dtype=np.int64)
    width = len(forward.targets)
    f_key = forward.source[fwd].astype(np.int64) * width + forward.target[fwd]
    bs, bt = b_src[backward.source[bwd]], b_tgt[backward.target[bwd]]
    ok = (bs >= 0) & (bt >= 0)
    b_key = bt[ok] * width + bs[ok]
    b_prob = backward.prob[bwd][ok]
    order = np.argsort(b_key)
    b_key, b_prob = b_key[order], b_prob[order]
    at = np.searchsorted(b_key, f_key)
    at[at >= len(b_key)] = 0
    hit = b_key[at] == f_key if len(b_key) else np.zeros(len(f_key), dtype=bool)
    weight = np.sqrt(forward.prob[fwd][hit].astype(np.float64) * b_prob[at[hit]])
    src, tgt = forward.source[fwd][hit], forward.target[fwd][hit]
    keep = weight >= FLOOR
    src, tgt, weight = src[keep], tgt[keep], weight[keep]
    order = np.lexsort((tgt, -weight, src))  # by source, best first
    src, tgt, weight = src[order], tgt[order], weight[order]
    starts = np.r_[0, np.flatnonzero(np.diff(src)) + 1]
    rank = np.arange(len(src)) - np.repeat(starts, np.diff(np.r_[starts, len(src)]))
    top = rank < KEEP
    return [Entry(direction, forward.sources[a], forward.targets[b], round(float(w), 5))
            for a, b, w in zip(src[top].tolist(), tgt[top].tolist(), weight[top].tolist())]


def build(pairs, glossary=(), max_rows: int = MAX_ROWS) -> list[Entry]:
    """The lexicon of ``pairs`` of (Tibetan, Chinese) texts, seeded by ``glossary`` (zh, bo) pairs.

    Learns from the shortest pairs that fit in ``max_rows`` rows (all of them, in most libraries).
    """
    seen = Counter(list(pairs) + [(bo, zh) for zh, bo in glossary])  # a repeated pair is cut and aligned once
    cut = []
    for (b, z), n in seen.items():
        bu, (zf, zt) = units.bo_units(b), units.zh_units(z)
        if max(len(bu), len(zf)) <= MAX_UNITS:
            cut.append((len(bu) * (len(zf) + len(zt)), bu, zt, zf, n))
    chosen, rows = [], 0
    for i in sorted(range(len(cut)), key=lambda i: cut[i][0]):
        rows += cut[i][0]
        if rows > max_rows:
            break
        chosen.append(i)
    bo, zh_to, zh_from, counts = [], [], [], []
    for i in sorted(chosen):  # in the pairs' own order (the same ids, the same sums, the same entries)
        _, bu, zt, zf, n = cut[i]
        bo.append(bu)
        zh_to.append(zt)
        zh_from.append(zf)
        counts.append(n)
    entries = _symmetric(*align.train_both(zip(bo, zh_to), counts=counts), BO_ZH)
    backward, forward = align.train_both(zip(bo, zh_from), counts=counts)
    entries += _symmetric(forward, backward, ZH_BO)
    return entries


def query_units(lang: str, text: str) -> list[str]:
    return units.bo_units(text) if lang == "bo" else units.zh_query_units(text)


def read(lang: str, text: str, lookup, glossary: dict[str, list[str]] | None = None) -> Reading:
    """Read ``text`` (in ``lang``) into the other language.

    :param lookup: ``(direction, source units) -> {source: [(target, weight), ...]}``.
    :param glossary: the glossary's equivalents of terms in the text (``glossary.expansions``).
    """
    other = "zh" if lang == "bo" else "bo"
    direction = BO_ZH if lang == "bo" else ZH_BO
    found = query_units(lang, text)
    weights: dict[str, float] = defaultdict(float)
    table = lookup(direction, list(dict.fromkeys(found))) if found else {}
    for unit in found:
        for target, w in table.get(unit, [])[:PER_UNIT]:
            weights[target] += w
    glossed = []
    for equivalents in (glossary or {}).values():
        for eq in equivalents:
            if (other == "bo") == _is_tibetan(eq):
                glossed.append(eq)
    terms = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    top = max([w for _, w in terms], default=GLOSSARY_WEIGHT)
    terms = [(g, max(top, GLOSSARY_WEIGHT) * 2) for g in glossed] + terms
    via = list(dict.fromkeys(glossed + [units.show(t) for t, _ in terms[len(glossed):len(glossed) + 5]]))
    return Reading(other, terms, via[:6])


def _is_tibetan(text: str) -> bool:
    return any("\u0f00" <= ch <= "\u0fff" for ch in text)
