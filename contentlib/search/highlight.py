"""Highlight what matched, per language, as escaped HTML with ``<mark>``.

Matching is redone on the stored title or description with the same
normalization as the index, so a Traditional title lights up for a
Simplified query and ``ཚོར`` lights up for ``ཚོ``.
"""
import html
import re

from . import chinese, tibetan

BEFORE, AFTER = 30, 90  # characters of context kept around a description match
_WORD_RE = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


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
    return [(s, e) for t, s, e in tibetan.tokenize(text) if t in syllables]


def _chinese_spans(text, targets, pinyin_seqs):
    simp = chinese.to_simplified(text)
    if len(simp) != len(text):
        simp = text
    spans = []
    for t in set(targets):
        for m in re.finditer(re.escape(t), simp):
            spans.append((m.start(), m.end()))
    if pinyin_seqs:
        chars = [(i, chinese.char_pinyin(ch)) for i, ch in enumerate(simp) if chinese.is_cjk(ch)]
        for seq in pinyin_seqs:
            n = len(seq)
            for k in range(len(chars) - n + 1):
                if all(seq[j] in chars[k + j][1] for j in range(n)):
                    spans.append((chars[k][0], chars[k + n - 1][0] + 1))
    return spans


def _word_spans(text, words):
    return [m.span() for m in _WORD_RE.finditer(text) if m.group().lower() in words]
