"""Whoosh analyzers and a fast text field over the Tibetan and Chinese analysis (the Whoosh engine's).

The terms come from ``tokens`` (engine-neutral), so every engine indexes the same ones.

Whoosh's generic path creates a Token per term occurrence; ``TermsField``
instead counts the analyzer's term list directly (``collections.Counter``
for fields without positions), a good part of rebuild time at 100,000
works. Query-time use goes through the ordinary Tokenizer interface.
"""
from collections import Counter, defaultdict

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.system import pack_uint

from . import chinese, tibetan
from .tokens import pinyin, simplified


class _TermsTokenizer(Tokenizer):
    """A tokenizer defined by ``terms(text)``: terms, or ``(term, pos)`` pairs."""

    positioned = False

    def terms(self, text):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        items = self.terms(value)
        if not self.positioned:
            items = ((term, i) for i, term in enumerate(items))
        for text, pos in items:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            yield t


class TibetanTokenizer(_TermsTokenizer):
    """Normalized Tibetan syllables, and their exact forms (see :mod:`.tibetan`)."""

    positioned = True

    def terms(self, text):
        return tibetan.index_terms(text)


class TibetanPairTokenizer(_TermsTokenizer):
    """Neighbouring Tibetan syllables as one term (see ``tibetan.pair_terms``)."""

    def terms(self, text):
        return tibetan.pair_terms(text)


class ChineseGramTokenizer(_TermsTokenizer):
    """Simplified bigrams and run-final characters (see ``chinese.grams``)."""

    def terms(self, text):
        return chinese.grams(simplified(text))


class ChineseWordTokenizer(_TermsTokenizer):
    """jieba search-mode words of Simplified text."""

    def terms(self, text):
        return chinese.search_words(simplified(text))


class PinyinTokenizer(_TermsTokenizer):
    """Toneless pinyin per Chinese character; polyphones share a position."""

    positioned = True

    def terms(self, text):
        return pinyin(text)


class PinyinPairTokenizer(_TermsTokenizer):
    """Pinyin of neighbouring characters as one term (see ``chinese.pinyin_pairs``)."""

    def terms(self, text):
        return chinese.pinyin_pairs(pinyin(text))


class TermsField(TEXT):
    """A TEXT field indexed straight from its tokenizer's term list."""

    def counts(self, value):
        """``{term: frequency}`` of ``value``, or None where only ``index`` applies.

        The rebuild's segment writer (``segwriter``) takes these directly:
        no bytes, weights or encoded values per posting.
        """
        ana = self.analyzer
        if (not isinstance(ana, _TermsTokenizer) or not isinstance(value, str)
                or self.format.supports("positions") or self.format.field_boost != 1.0):
            return None
        items = ana.terms(value)
        if ana.positioned:
            items = (term for term, _ in items)
        return Counter(items)

    def index(self, value, **kwargs):
        ana = self.analyzer
        if not isinstance(ana, _TermsTokenizer) or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        fb = self.format.field_boost
        items = ana.terms(value)
        if not self.format.supports("positions"):
            if ana.positioned:
                items = (term for term, _ in items)
            for term, n in Counter(items).items():
                yield term.encode("utf-8"), n, n * fb, pack_uint(n)
            return
        if not ana.positioned:
            items = ((term, i) for i, term in enumerate(items))
        poses = defaultdict(list)
        for term, pos in items:
            poses[term].append(pos)
        encode = self.format.encode
        for term, plist in poses.items():
            yield term.encode("utf-8"), len(plist), len(plist) * fb, encode(plist)


def tibetan_analyzer():
    return TibetanTokenizer()


def tibetan_pair_analyzer():
    return TibetanPairTokenizer()


def chinese_analyzer():
    return ChineseGramTokenizer()


def chinese_word_analyzer():
    return ChineseWordTokenizer()


def pinyin_analyzer():
    return PinyinTokenizer()


def pinyin_pair_analyzer():
    return PinyinPairTokenizer()
