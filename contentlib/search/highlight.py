"""Highlight what matched, per language, as escaped HTML with ``<mark>``.

Matching is redone on the stored title or description with the same
normalization as the index, so a Traditional title lights up for a
Simplified query and ``ཚོར`` lights up for ``ཚོ``.
"""
import html
import re
from functools import lru_cache

from . import chinese, tibetan

BEFORE, AFTER = 30, 90  # characters of context kept around a description match
_WORD_RE = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


def prepare():
    """Build the pinyin reading tables now rather than in a user's query."""
    _syllable_codes()


def highlights(doc, readings):
    """Return ``{lang: html}`` for each language where something matched."""
    out = {}
    bo = {t for r in readings if r.script in ("bo", "ewts") for t in r.terms}
    zh = [t for r in readings if r.script == "zh" for t in r.terms + r.grams]
    py = [seq for r in readings if r.script == "pinyin" for seq in r.terms]
    en = {t for r in readings if r.script == "latin" for t in r.terms}
    finders = {"bo": (lambda text: _tibetan_spans(text, bo)) if bo else None,
               "zh": (lambda text: _chinese_spans(text, zh, py)) if zh or py else None,
               "en": (lambda text: _word_spans(text, en)) if en else None}
    for lang, find in finders.items():
        if find is None:
            continue
        for kind in ("titles", "descriptions"):
            text = doc.get(kind, {}).get(lang)
            if not text:
                continue
            spans = find(text)
            if spans:
                out[lang] = render(text, spans, whole=kind == "titles")
                break
    return out


def render(text, spans, whole=True):
    """Escape ``text`` and wrap the ``(start, end)`` spans in ``<mark>``."""
    spans = _merge(spans)
    lo, hi = 0, len(text)
    if not whole:
        lo = max(0, spans[0][0] - BEFORE)
        hi = min(len(text), spans[0][1] + AFTER)
    parts, pos = [], lo
    for start, end in spans:
        if start >= hi:
            break
        end = min(end, hi)
        parts.append(html.escape(text[pos:start], quote=False))
        parts.append("<mark>" + html.escape(text[start:end], quote=False) + "</mark>")
        pos = end
    parts.append(html.escape(text[pos:hi], quote=False))
    return ("…" if lo else "") + "".join(parts) + ("…" if hi < len(text) else "")


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _tibetan_spans(text, syllables):
    """Spans of the syllables whose search form is one of ``syllables``.

    A search form is the start of the folded syllable (its affix stripped),
    བ and བོ aside (folded to པ, པོ); a text that contains none of them so is
    not tokenized at all, as for the Wylie reading of a pinyin query.
    """
    folded = tibetan.fold(text).lower()
    if not any(s in folded or (s[:1] == "\u0f54" and "\u0f56" + s[1:] in folded) for s in syllables):
        return []
    return [(s, e) for t, s, e in tibetan.tokenize(text) if t in syllables]


def _chinese_spans(text, targets, pinyin_seqs):
    simp = chinese.to_simplified(text)
    if len(simp) != len(text):
        simp = text
    spans = []
    for t in set(targets):
        spans.extend(_occurrences(simp, t))
    if pinyin_seqs:
        coded = _reading_codes(simp)
        for seq in pinyin_seqs:
            pattern = _pinyin_pattern(tuple(seq))
            if pattern is not None:
                spans.extend((m.start() // 2, m.end() // 2) for m in pattern.finditer(coded))
    return spans


def _occurrences(text, word):
    """Spans of ``word`` in ``text``, left to right, not overlapping (as ``re.finditer`` finds them).

    ``str.find`` needs no compiled pattern: a question's many words each
    compiled one per search.
    """
    if not word:
        return []
    out, at = [], text.find(word)
    while at >= 0:
        out.append((at, at + len(word)))
        at = text.find(word, at + len(word))
    return out


def _reading_codes(text):
    """``text`` with each character as two code points: its first and second reading.

    Readings are numbered into two private-use ranges (:func:`_syllable_codes`);
    a character without a second reading gets U+0001 there, and anything that
    is not a Chinese character gets two U+0000. A pinyin phrase is then a short
    regex run over this string by the regex engine.
    """
    table = _syllable_codes()[1]
    return _NOT_HAN_RE.sub("\0", text).translate(table)


_NOT_HAN_RE = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FIRST, _SECOND = 0xE000, 0xE800


@lru_cache(maxsize=1)
def _syllable_codes():
    """Syllable numbers, and the translation table from characters to their reading codes."""
    numbers, table = {}, {0: "\0\0"}
    for syl in chinese.chars_by_reading():
        numbers.setdefault(syl, len(numbers))
    for chars in chinese.chars_by_reading().values():
        for ch in chars:
            if ord(ch) in table:
                continue
            readings = chinese.char_pinyin(ch)
            first = chr(_FIRST + numbers[readings[0]])
            second = chr(_SECOND + numbers[readings[1]]) if len(readings) > 1 else "\x01"
            table[ord(ch)] = first + second
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(lo, hi + 1):
            table.setdefault(code, "\0\0")  # no reading: two codes all the same
    return numbers, table


@lru_cache(maxsize=1024)
def _pinyin_pattern(seq):
    """A regex over reading codes for neighbouring characters read as ``seq`` (None if impossible).

    Each character is its first reading's code then its second's, so a
    first-reading code is always followed by a character's second code (or
    U+0001) and a second-reading code always preceded by a first one: a
    character reads ``syl`` where ``first.`` or ``.second`` matches. No
    character classes: compiling those took 2 ms a query.
    """
    numbers = _syllable_codes()[0]
    if any(syl not in numbers for syl in seq):
        return None
    parts = []
    for syl in seq:
        first, second = chr(_FIRST + numbers[syl]), chr(_SECOND + numbers[syl])
        parts.append(f"(?:{first}.|.{second})")
    return re.compile("".join(parts), re.DOTALL)


def _word_spans(text, words):
    return [m.span() for m in _WORD_RE.finditer(text) if m.group().lower() in words]
