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
    simp = chinese.to_simplified(text or "")
    return [w for w in chinese.words(simp) if _HAN.search(w)] + ["#" + c for c in _HAN.findall(simp)]


def zh_target_units(text: str) -> list[str]:
    """A Chinese text as a translation lands in it: its words of two or more characters and its bigrams."""
    simp = chinese.to_simplified(text or "")
    out = [w for w in chinese.words(simp) if len(w) > 1 and _HAN.match(w)]
    have = set(out)
    for run in _HAN_RUN.findall(simp):
        out += [g for g in (run[i:i + 2] for i in range(len(run) - 1)) if g not in have]
    return out


def zh_sentences(text: str) -> list[str]:
    return [s.strip() for s in _ZH_END.split(text or "") if s.strip()]


def bo_sentences(text: str) -> list[str]:
    return [s.strip() for s in _BO_END.split(text or "") if tibetan.has_tibetan(s)]


def sentence_pairs(bo: str, zh: str) -> list[tuple[str, str]]:
    """Align two descriptions sentence by sentence when they split alike; else the two as one pair."""
    b, z = bo_sentences(bo), zh_sentences(zh)
    if b and len(b) == len(z):
        return list(zip(b, z))
    return [(bo, zh)] if bo.strip() and zh.strip() else []


def show(unit: str) -> str:
    """A unit as a reader sees it (``via``)."""
    return unit[1:] if unit.startswith("#") else unit
