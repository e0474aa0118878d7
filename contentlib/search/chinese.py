"""Chinese folding, segmentation and toneless pinyin for search.

Traditional text is folded to Simplified (OpenCC t2s) on both sides, so
either script finds the other. Text is indexed as jieba words plus character
unigrams and bigrams: words rank whole-word matches, unigrams and bigrams
let partial words and single characters match whatever jieba decided.
A toneless pinyin syllable per character lets Latin pinyin queries match.
"""
import logging
import os
import re
from functools import lru_cache

import jieba
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

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


_jieba_ready = False


def _jieba():
    """Initialise jieba once, quietly, from its bundled dictionary."""
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True
    return jieba.dt


def is_cjk(ch):
    return bool(_CJK_RE.match(ch))


def has_chinese(text):
    return _CJK_RE.search(text) is not None


def words(text):
    """Segment Simplified ``text`` with jieba (precise mode, no HMM)."""
    return list(_jieba().cut(text, HMM=False))


def search_words(word):
    """Return ``word`` plus its dictionary sub-words, like jieba search mode."""
    out = [word]
    n = len(word)
    if n > 2:
        freq = _jieba().FREQ
        for size in (2, 3):
            if size < n:
                out.extend(g for g in (word[i:i + size] for i in range(n - size + 1))
                           if freq.get(g))
    return out


@lru_cache(maxsize=200_000)
def word_pinyin(word):
    """Toneless pinyin syllables of one word; cached since words repeat."""
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


def analyze(text):
    """Split Simplified text into grams, words and pinyin in one jieba pass.

    :return: ``(grams, pinyin)``: ``grams`` are ``(token, start, end)`` with
        unigrams, bigrams and words of three or more characters (two-character
        words are bigrams already); ``pinyin`` is one syllable per character,
        ``(syllable, position)``, with a gap between runs so phrases do not
        cross punctuation.
    """
    grams, pinyin, pos = [], [], 0
    for m in _RUN_RE.finditer(text):
        start = m.start()
        if m.group(2):
            grams.append((m.group(2).lower(), start, m.end()))
            pos += 2
            continue
        run = m.group(1)
        n = len(run)
        for i, ch in enumerate(run):
            grams.append((ch, start + i, start + i + 1))
            if i + 1 < n:
                grams.append((run[i:i + 2], start + i, start + i + 2))
        offset = start
        for w in words(run):
            if len(w) > 2:
                for sub in search_words(w):
                    if len(sub) > 2:
                        grams.append((sub, offset, offset + len(w)))
            syl = word_pinyin(w)
            if len(syl) == len(w):
                pinyin.extend((s, pos + k) for k, s in enumerate(syl))
            pos += len(w)
            offset += len(w)
        pos += 1
    return grams, pinyin


def query_parts(text):
    """Interpret a Chinese query: its Simplified form, words and bigrams.

    :return: ``(simplified, words, bigrams, is_question)``. Long queries are
        questions: stop words are removed from their words and bigrams so
        the content words decide the ranking.
    """
    simp = to_simplified(text)
    runs = [m.group(1) for m in _RUN_RE.finditer(simp) if m.group(1)]
    latin = [m.group(2).lower() for m in _RUN_RE.finditer(simp) if m.group(2)]
    n_chars = sum(len(r) for r in runs)
    question = n_chars >= LONG_QUERY
    ws, grams = [], []
    for run in runs:
        segs = words(run)
        if question:
            keep, pieces = [], []
            for w in segs:
                if w in STOP_WORDS:
                    if pieces:
                        keep.append("".join(pieces))
                    pieces = []
                else:
                    pieces.append(w)
            if pieces:
                keep.append("".join(pieces))
        else:
            keep = [run]
        for piece in keep:
            if len(piece) == 1:
                grams.append(piece)
            grams.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        for w in segs:
            if len(w) > 2 and not (question and w in STOP_WORDS):
                ws.extend(s for s in search_words(w) if len(s) > 2)
    return simp, ws + latin, _dedupe(grams), question


def _dedupe(items):
    return list(dict.fromkeys(items))
