"""The units a lexicon is learned in: the same forms the search index holds.

Tibetan: each syllable's search form and each pair of neighbouring syllables
(the index's ``bo`` and ``bo2`` terms). Chinese, on the side a query is read
from: jieba words and single characters (a Chinese query finds its Tibetan
through its characters as much as through its words); on the side a query
is read into: words and character bigrams, which the index can look up
directly (a lone character would have to be widened to every bigram it
starts).
"""

from __future__ import annotations

import math
import re

from ..search import chinese, tibetan

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Sentence ends: Chinese 。！？ (and their halfwidth kin), Tibetan shad and its variants.
_ZH_END = re.compile(r"(?<=[。！？!?；])")
_BO_END = re.compile(r"[\u0f0d-\u0f12\u0f14]+\s*")


def bo_units(text: str) -> list[str]:
    """Search forms of the syllables and of each pair of neighbours (``a་b``)."""
    syl = tibetan.syllables(text or "")
    return syl + tibetan.pairs(syl)


def zh_query_units(text: str) -> list[str]:
    """A Chinese text as a query reads it: its words and its characters (``#`` before a character)."""
    return zh_units(text)[0]


def zh_target_units(text: str) -> list[str]:
    """A Chinese text as a translation lands in it: its words of two or more characters and its bigrams."""
    return zh_units(text)[1]


def zh_units(text: str) -> tuple[list[str], list[str]]:
    """``(zh_query_units(text), zh_target_units(text))``, the text cut into words once."""
    simp = chinese.to_simplified(text or "")
    words = chinese.words(simp)
    query = [w for w in words if _HAN.search(w)] + ["#" + c for c in _HAN.findall(simp)]
    target = [w for w in words if len(w) > 1 and _HAN.match(w)]
    have = set(target)
    for run in _HAN_RUN.findall(simp):
        target += [g for g in (run[i:i + 2] for i in range(len(run) - 1)) if g not in have]
    return query, target


def zh_sentences(text: str) -> list[str]:
    return [s.strip() for s in _ZH_END.split(text or "") if s.strip()]


def bo_sentences(text: str) -> list[str]:
    return [s.strip() for s in _BO_END.split(text or "") if tibetan.has_tibetan(s)]


# Groupings a sentence alignment may use (Tibetan sentences, Chinese sentences) and what each costs beyond 1-1.
_STEPS = {(1, 1): 0.0, (2, 1): 0.6, (1, 2): 0.6, (3, 1): 1.2, (1, 3): 1.2, (2, 2): 1.0}


def sentence_pairs(bo: str, zh: str) -> list[tuple[str, str]]:
    """Align two descriptions sentence by sentence (Tibetan shad also ends clauses, so groups are allowed).

    Equal counts pair one to one; otherwise a length-based alignment (in the manner of Gale and
    Church 1993): dynamic programming over 1-1, 2-1, 1-2, 3-1, 1-3 and 2-2 groups, each costing how far
    its length ratio is from the two texts' overall one.
    """
    b, z = bo_sentences(bo), zh_sentences(zh)
    if not b or not z:
        return []
    if len(b) == len(z):
        return list(zip(b, z))
    ratio = sum(map(len, b)) / max(1, sum(map(len, z)))
    inf = float("inf")
    cost = [[inf] * (len(z) + 1) for _ in range(len(b) + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (len(z) + 1) for _ in range(len(b) + 1)]
    cost[0][0] = 0.0
    for i in range(len(b) + 1):
        for j in range(len(z) + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), extra in _STEPS.items():
                ni, nj = i + di, j + dj
                if ni > len(b) or nj > len(z):
                    continue
                lb = sum(len(s) for s in b[i:ni]) + 1
                lz = (sum(len(s) for s in z[j:nj]) + 1) * ratio
                c = cost[i][j] + abs(math.log(lb / lz)) + extra
                if c < cost[ni][nj]:
                    cost[ni][nj], back[ni][nj] = c, (i, j)
    if back[len(b)][len(z)] is None:  # no grouping covers both: too uneven to trust
        return []
    out, i, j = [], len(b), len(z)
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None  # each cell on the way back was reached from the one it names
        pi, pj = step
        out.append((" ".join(b[pi:i]), "".join(z[pj:j])))
        i, j = pi, pj
    return out[::-1]


def show(unit: str) -> str:
    """A unit as a reader sees it (``via``)."""
    return unit[1:] if unit.startswith("#") else unit
