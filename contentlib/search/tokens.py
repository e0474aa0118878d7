"""The terms of each text field, as every engine indexes them (the analysis, engine-neutral).

``field_terms(field, text)`` is the list of terms, in order, that a text field
of ``fields.document`` holds: Tibetan syllables and their neighbour pairs,
Chinese bigrams and jieba words of the Simplified text, pinyin syllables and
their pairs, English words. The Whoosh analysers (``analysis``) and the tantivy
engine both take their terms from here, so both engines index the same tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import chinese, tibetan

# English as Whoosh's StandardAnalyzer reads it: words, lowercased, stop words and 1-letter words dropped.
_EN_WORD = re.compile(r"[\w\*]+(\.?[\w\*]+)*")
EN_STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it",
    "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will", "with",
    "yet", "you", "your"))


@lru_cache(maxsize=4)
def simplified(text):
    """Fold to Simplified once for the several fields that get the same text."""
    return chinese.to_simplified(text)


@lru_cache(maxsize=4)
def pinyin(text):
    """Pinyin once for the two fields (syllables and pairs) that get the same text."""
    return tuple(chinese.pinyin(simplified(text)))


def english(text):
    """English words as Whoosh's StandardAnalyzer gives them."""
    out = []
    for m in _EN_WORD.finditer(text):
        word = m.group(0).lower()
        if len(word) >= 2 and word not in EN_STOP_WORDS:
            out.append(word)
    return out


# field -> (terms of a text, whether the terms come as (term, position) pairs)
TOKENIZERS = {
    "bo": (tibetan.index_terms, True),
    "bo2": (tibetan.pair_terms, False),
    "zh": (lambda text: chinese.grams(simplified(text)), False),
    "zhw": (lambda text: chinese.search_words(simplified(text)), False),
    "py": (pinyin, True),
    "py2": (lambda text: chinese.pinyin_pairs(pinyin(text)), False),
    "en": (english, False),
}


def field_terms(field, text):
    """The terms ``field`` indexes for ``text``, in order (repeats kept: they are term frequencies)."""
    terms, positioned = TOKENIZERS[field]
    items = terms(text)
    if positioned:
        return [term for term, _ in items]
    return list(items)
