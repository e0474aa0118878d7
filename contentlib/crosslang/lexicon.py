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

import math
from collections import defaultdict
from dataclasses import dataclass, field

from . import align, units

BO_ZH, ZH_BO = "bo-zh", "zh-bo"
DIRECTIONS = (BO_ZH, ZH_BO)
KEEP = 8  # targets kept per source unit
FLOOR = 0.02  # weakest weight kept
PER_UNIT = 6  # targets read per query unit
MAX_TERMS = 16  # translated units a query becomes, at most
GLOSSARY_WEIGHT = 1.0


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
    back = backward.as_dict(FLOOR * FLOOR)
    best: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (src, tgt), p in forward.as_dict(FLOOR * FLOOR).items():
        q = back.get((tgt, src))
        if q:
            w = math.sqrt(p * q)
            if w >= FLOOR:
                best[src].append((w, tgt))
    out = []
    for src, cands in best.items():
        cands.sort(key=lambda c: (-c[0], c[1]))
        out += [Entry(direction, src, tgt, round(w, 5)) for w, tgt in cands[:KEEP]]
    return out


def build(pairs, glossary=()) -> list[Entry]:
    """The lexicon of ``pairs`` of (Tibetan, Chinese) texts, seeded by ``glossary`` (zh, bo) pairs."""
    pairs = list(pairs) + [(bo, zh) for zh, bo in glossary]
    bo = [units.bo_units(b) for b, _ in pairs]
    zh_to = [units.zh_target_units(z) for _, z in pairs]
    zh_from = [units.zh_query_units(z) for _, z in pairs]
    entries = _symmetric(align.train(zip(bo, zh_to)), align.train(zip(zh_to, bo)), BO_ZH)
    entries += _symmetric(align.train(zip(zh_from, bo)), align.train(zip(bo, zh_from)), ZH_BO)
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
