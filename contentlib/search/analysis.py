"""Whoosh analyzers over the pure-Python Tibetan and Chinese analysis.

The indexer usually hands Whoosh ready lists of terms (Whoosh indexes a
list value as its tokens, in order), so one jieba pass per Chinese text
feeds both the gram field and the pinyin field. These analyzers give the
same terms for raw text, for anything that passes a string instead.
"""
from whoosh.analysis import Token, Tokenizer

from . import chinese, tibetan


class _TermsTokenizer(Tokenizer):
    """Yield the terms of ``self.terms(text)`` as Whoosh tokens, in order."""

    def terms(self, text):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, text in enumerate(self.terms(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            yield t


class TibetanTokenizer(_TermsTokenizer):
    """Normalized Tibetan syllables (see :mod:`.tibetan`)."""

    def terms(self, text):
        return tibetan.syllables(text)


class ChineseGramTokenizer(_TermsTokenizer):
    """Simplified unigrams, bigrams and jieba words (see :mod:`.chinese`)."""

    def terms(self, text):
        return chinese_terms(text)[0]


class PinyinTokenizer(_TermsTokenizer):
    """One toneless pinyin syllable per Chinese character."""

    def terms(self, text):
        return chinese_terms(text)[1]


def chinese_terms(text):
    """Return ``(grams, pinyin)`` term lists for one text."""
    grams, pinyin = chinese.analyze(chinese.to_simplified(text))
    return [t for t, _, _ in grams], [syl for syl, _ in pinyin]


def tibetan_analyzer():
    return TibetanTokenizer()


def chinese_analyzer():
    return ChineseGramTokenizer()


def pinyin_analyzer():
    return PinyinTokenizer()
