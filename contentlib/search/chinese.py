"""Chinese folding, segmentation and toneless pinyin for search.

Traditional text is folded to Simplified (OpenCC t2s) on both sides, so
either script finds the other. Text is indexed as character bigrams (see
``grams``), so partial words and single characters match whatever a
segmenter would decide; jieba search-mode words of titles and keywords rank whole-word
matches higher. A toneless pinyin syllable per character lets Latin pinyin
queries match.
"""
import os
import re
import unicodedata
from functools import cache, lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from . import pinyin_phrases
from .worddict import WordDict

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile("[" + _CJK + "]")
# A run of Chinese characters, or a Latin/digit word inside Chinese text.
_RUN_RE = re.compile("([" + _CJK + "]+)|([0-9A-Za-z]+)")

# Characters and words that carry no topic in a question; dropped only from
# long queries, where enough content words remain.
STOP_WORDS = frozenset(
    "的 了 是 在 和 与 及 或 吗 呢 吧 啊 么 被 把 于 为 由 其 之 也 都 而 有 "
    "什么 哪 哪里 哪个 哪些 哪儿 哪一 谁 何 何时 几 多少 怎么 怎样 怎么样 为什么 如何 "
    "时候 什么时候 是否 请问 一个 这个 那个 这 那 呀".split())
LONG_QUERY = 6  # Chinese characters from which a query is treated as a question

_converter = None
_ts_chars = None


def _t2s():
    global _converter, _ts_chars
    if _converter is None:
        _converter = OpenCC("t2s")
        path = os.path.join(os.path.dirname(__import__("opencc").__file__),
                            "dictionary", "TSCharacters.txt")
        with open(path, encoding="utf-8") as f:
            _ts_chars = frozenset(line.split("\t", 1)[0] for line in f if line.strip())
    return _converter


def to_simplified(text):
    """Fold Traditional Chinese to Simplified (OpenCC t2s).

    Most text is already Simplified; checking for any Traditional character
    first skips the slow phrase conversion for it.
    """
    conv = _t2s()
    if _ts_chars.isdisjoint(text):
        return text
    return conv.convert(text)


_dict = None


def _words():
    """jieba's bundled dictionary, read once into a compact trie (see :mod:`.worddict`)."""
    global _dict
    if _dict is None:
        _dict = WordDict.default()
    return _dict


def prepare():
    """Load the jieba and OpenCC dictionaries and the pinyin tables now rather than on first use.

    pypinyin's phrase readings are moved into a trie here (``pinyin_phrases``):
    the processes that call this are the long-lived ones (a server before it forks, a rebuild).
    """
    pinyin_phrases.compact()
    _words()
    _t2s()
    _char_sets()
    _second_chars()
    pinyin_words(("zhong", "guo"))  # loads pypinyin's phrase readings


def is_cjk(ch):
    return bool(_CJK_RE.match(ch))


def has_chinese(text):
    return _CJK_RE.search(text) is not None


def words(text):
    """Segment Simplified ``text`` with jieba (precise mode, no HMM)."""
    return list(_words().cut(text))


def search_words(text):
    """Return the jieba search-mode words of ``text`` (two characters or more).

    Like ``jieba.cut_for_search``: each word plus its dictionary sub-words
    of two and three characters.
    """
    freq = _words().freq
    out = []
    for word in words(text):
        n = len(word)
        if n < 2 or not _CJK_RE.match(word):
            continue
        for size in (2, 3):
            if size < n:
                out.extend(g for g in (word[i:i + size] for i in range(n - size + 1))
                           if freq(g))
        out.append(word)
    return out


def grams(text):
    """Index terms of Simplified text: bigrams, run-final characters, Latin words.

    Every character of a run starts a bigram except the last, which is
    indexed alone, so a character occurs in a text exactly when the text
    has the character as a term or a bigram starting with it: single
    characters stay findable without indexing every unigram, which would
    cost as many postings as the bigrams themselves.
    """
    out = []
    for m in _RUN_RE.finditer(text):
        run = m.group(1)
        if run:
            out.extend(map(str.__add__, run, run[1:]))
            out.append(run[-1])
        else:
            out.append(m.group(2).lower())
    return out


def fold_pinyin(text):
    """Lowercase, drop tone marks and tone digits, write ü as v."""
    s = unicodedata.normalize("NFD", text.lower())
    s = s.replace("u\u0308", "v").replace("u:", "v")
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[1-5]", " ", s).strip()


@cache
def char_pinyin(ch):
    """Toneless readings of one character, most common first (at most two).

    Indexing both readings of a polyphonic character (长: chang, zhang) at
    the same position lets either reading find it, with no word context.
    """
    from pypinyin.pinyin_dict import pinyin_dict
    value = pinyin_dict.get(ord(ch))
    if not value:
        return ()
    return tuple(dict.fromkeys(fold_pinyin(p) for p in value.split(",")))[:2]


@lru_cache(maxsize=1)
def chars_by_reading():
    """Every character with each toneless reading (``char_pinyin``), as one string per syllable."""
    from pypinyin.pinyin_dict import pinyin_dict
    out = {}
    for code in pinyin_dict:
        ch = chr(code)
        if is_cjk(ch):
            for syl in char_pinyin(ch):
                out.setdefault(syl, []).append(ch)
    return {syl: "".join(chars) for syl, chars in out.items()}


@lru_cache(maxsize=1)
def _chars_by_syllable(per_syllable=80):
    """Common characters for each toneless syllable, most frequent first."""
    freq = _words().freq
    out = {}
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        if freq(ch):
            for syl in char_pinyin(ch):
                out.setdefault(syl, []).append(ch)
    return {syl: sorted(chars, key=lambda c: -freq(c))[:per_syllable]
            for syl, chars in out.items()}


def pinyin_words(syllables, limit=5):
    """Return the most frequent dictionary words read as ``syllables``.

    What a pinyin input method offers first: ``jing ji`` is 经济 before
    荆棘. Candidates grow a character at a time and are kept only while they
    are a prefix of a jieba dictionary word, which keeps the search small;
    the words found are checked against pypinyin's reading of the whole
    word, which knows how polyphones are read in it.

    :return: ``[(word, frequency)]``, most frequent first.
    """
    return list(_pinyin_words(tuple(syllables), limit))


@lru_cache(maxsize=4096)
def _pinyin_words(syllables, limit):
    freq = _words().freq
    prefixes = _prefixes(syllables)
    if not prefixes:
        return ()
    found = sorted(((f, w) for f, w in zip(map(freq, prefixes), prefixes) if f > 0), reverse=True)
    target = list(syllables)
    out = []
    for f, w in found[:50]:
        if [_fold_reading(p) for p in lazy_pinyin(w, style=Style.TONE)] == target:
            out.append((w, f))
            if len(out) == limit:
                break
    return tuple(out)


@lru_cache(maxsize=1024)
def _prefixes(syllables):
    """Dictionary words and word prefixes read as ``syllables`` (common characters only).

    Cached by syllables, so the alternative splits of one query share their
    beginnings. The second character comes from the words that start with
    the first (:func:`_second_chars`), a set intersection instead of trying
    80 x 80 pairs.
    """
    chars = _chars_by_syllable()
    if len(syllables) == 1:
        return tuple(chars.get(syllables[0], ()))
    before = _prefixes(syllables[:-1])
    following = chars.get(syllables[-1], ())
    if len(syllables) == 2:
        wanted, second = _char_sets()[syllables[-1]] if following else frozenset(), _second_chars()
        return tuple(p + c for p in before for c in wanted.intersection(second.get(p, "")))
    begins_word = _words().has_prefix
    return tuple(w for p in before for w in map(p.__add__, following) if begins_word(w))


@lru_cache(maxsize=1)
def _second_chars():
    """For each character, the characters that follow it in dictionary words."""
    out = {}
    for w in _words():  # every word; a prefix of one starts as it does
        if len(w) > 1:
            out.setdefault(w[0], set()).add(w[1])
    return {k: "".join(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _char_sets():
    return {syl: frozenset(chars) for syl, chars in _chars_by_syllable().items()}


@lru_cache(maxsize=8192)
def _fold_reading(p):
    return fold_pinyin(p)


def pinyin(text):
    """Return ``(syllable, position)`` pairs, one position per Chinese character.

    Non-Chinese text between characters leaves a gap of one position, so a
    pinyin phrase does not match across punctuation or Latin words.
    """
    out, pos, last = [], 0, -1
    for i, ch in enumerate(text):
        readings = char_pinyin(ch) if ch >= "\u3400" else ()
        if not readings:
            continue
        if last >= 0 and i != last + 1:
            pos += 1
        out.extend((r, pos) for r in readings)
        pos += 1
        last = i
    return out


def query_parts(text):
    """Interpret a Chinese query: its Simplified form, words and grams.

    :return: ``(simplified, words, grams, is_question)``; ``grams`` are the
        bigrams (or single characters) and Latin/digit words. Long queries
        and queries with a question mark are questions: stop words are
        removed from their words and bigrams, and so are lone characters
        when anything longer is left, so the content words decide the ranking.
    """
    simp = to_simplified(text)
    runs = [m.group(1) for m in _RUN_RE.finditer(simp) if m.group(1)]
    latin = [m.group(2).lower() for m in _RUN_RE.finditer(simp) if m.group(2)]
    n_chars = sum(len(r) for r in runs)
    question = n_chars >= LONG_QUERY or "?" in simp or "？" in simp
    words, pieces = [], []
    for run in runs:
        if not question:
            pieces.append(run)
            words.extend(search_words(run))
            continue
        piece = []
        for w in _words().cut(run):
            if w in STOP_WORDS:
                pieces.append("".join(piece))
                piece = []
            else:
                piece.append(w)
        pieces.append("".join(piece))
        words.extend(w for w in search_words(run) if w not in STOP_WORDS)
    pieces = [p for p in pieces if p] or runs  # all stop words: keep them
    if question and any(len(p) > 1 for p in pieces):
        pieces = [p for p in pieces if len(p) > 1]
    grams = []
    for p in pieces:
        grams.extend([p] if len(p) == 1 else (p[i:i + 2] for i in range(len(p) - 1)))
    return simp, _dedupe(words), _dedupe(grams + latin), question


def _dedupe(items):
    return list(dict.fromkeys(items))


def pinyin_pairs(syllables):
    """Pair terms (``zhi_lv``) of neighbouring characters, every reading of each.

    :param syllables: ``(syllable, position)`` pairs from :func:`pinyin`.
    A pinyin phrase is then the AND of its pair terms, a few posting
    lookups, instead of a positional match that is slow when its syllables
    are common. Punctuation between characters breaks a pair, as it breaks
    a phrase.
    """
    by_pos = {}
    for syllable, pos in syllables:
        by_pos.setdefault(pos, []).append(syllable)
    return [a + "_" + b for pos, here in by_pos.items() for a in here
            for b in by_pos.get(pos + 1, ())]


def syllable_pairs(syllables):
    """The pair terms of a typed pinyin sequence, in order."""
    return [a + "_" + b for a, b in zip(syllables, syllables[1:])]
