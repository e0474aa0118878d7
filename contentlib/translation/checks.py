"""What is wrong with a segment's target: the check codes of ``shared/spec/translation-api.md``.

Errors block a submit (``empty``, ``untranslated``, ``numbers``, ``timing``);
warnings only say so (``term``, ``reading_speed``, ``punctuation``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ERROR, WARNING = "error", "warning"
CODES = {"empty": ERROR, "untranslated": ERROR, "numbers": ERROR, "timing": ERROR,
         "term": WARNING, "reading_speed": WARNING, "punctuation": WARNING}
# Characters per second a viewer can read, per language (CONTENTLIB_READING_SPEED overrides them).
# Counted without spaces and combining marks, so a Tibetan stack counts as its base letter.
READING_SPEED = {"bo": 22.0, "zh": 9.0, "en": 20.0}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_NUMBER = re.compile(r"\d+(?:[.,·]\d+)*")
_SHADS = "\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u0f14"
_CHINESE_PUNCTUATION = "。，、；：？！“”‘’「」『』（）《》〈〉【】…—～"
_TIBETAN_LETTER = re.compile(r"[\u0f40-\u0fbc]")


@dataclass(frozen=True)
class Check:
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES[self.code]

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message}


def numbers(text: str) -> list[str]:
    """The numbers written in ``text`` as plain decimals (Tibetan and full-width digits by their values).

    Thousands separators go (1,000 = 1000); a decimal point stays.
    """
    out = []
    for m in _NUMBER.finditer(text or ""):
        raw = m.group()
        digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in raw)
        if re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
            digits = digits.replace(",", "")
        digits = digits.replace("·", ".").replace(",", ".")
        whole, _, frac = digits.partition(".")
        whole = whole.lstrip("0") or "0"
        frac = frac.rstrip("0").replace(".", "")
        out.append(f"{whole}.{frac}" if frac else whole)
    return sorted(out)


def reading_length(text: str) -> int:
    """Characters a viewer reads: no spaces, no combining marks."""
    return sum(1 for c in text if not c.isspace() and not unicodedata.category(c).startswith("M"))


def _closes(sentence: str) -> bool:
    """Whether a Tibetan sentence ends as it should: a shad, or ga/ka whose shad is left out by rule."""
    s = sentence.rstrip().rstrip("\u0f0b")
    if not s or not _TIBETAN_LETTER.search(s):
        return True
    last = s[-1]
    return bool(last in _SHADS or last in "གཀ" or not _TIBETAN_LETTER.match(last))


def check(kind: str, source: str, target: str, lang: str, *, done: bool = False, submitting: bool = False,
          terms=(), start_ms: int | None = None, end_ms: int | None = None, neighbours=(),
          reading_speed: dict | None = None) -> list[Check]:
    """Every check that fails for one segment's ``target`` (translating ``source`` into ``lang``).

    :param terms: the segment's glossary terms, as dicts with ``source``, ``target``, ``used``.
    :param neighbours: for a cue, the ``(start_ms, end_ms)`` of the cues before and after it in its track.
    """
    found = []
    text = (target or "").strip()
    if kind == "cue" and start_ms is not None and end_ms is not None:
        if end_ms <= start_ms:
            found.append(Check("timing", "the cue ends before it starts, or as it starts"))
        elif any(s < end_ms and start_ms < e for s, e in neighbours):
            found.append(Check("timing", "the cue overlaps the cue before or after it"))
    if not text:
        if done or submitting:
            found.append(Check("empty", "no translation yet"))
        return found
    if text == (source or "").strip():
        found.append(Check("untranslated", "the target is the source text"))
    elif lang == "bo" and _HAN.search(text):
        found.append(Check("untranslated", "the Tibetan target holds Chinese characters"))
    if numbers(source) != numbers(text):
        found.append(Check("numbers", f"the source has the numbers {', '.join(numbers(source)) or 'none'}, "
                                      f"the target {', '.join(numbers(text)) or 'none'}"))
    for term in terms:
        if not term["used"]:
            found.append(Check("term", f"the glossary says {term['source']} is {term['target']}"))
    if kind == "cue" and start_ms is not None and end_ms is not None and end_ms > start_ms:
        limit = (reading_speed or READING_SPEED).get(lang)
        speed = reading_length(text) / ((end_ms - start_ms) / 1000)
        if limit and speed > limit:
            found.append(Check("reading_speed", f"{speed:.1f} characters a second; at most {limit:g} read well"))
    if lang == "bo":
        left = sorted({c for c in text if c in _CHINESE_PUNCTUATION})
        if left:
            found.append(Check("punctuation", f"Chinese punctuation in a Tibetan text: {' '.join(left)}"))
        elif kind != "title" and not _closes(text):
            found.append(Check("punctuation", "the Tibetan sentence does not end with a shad (།)"))
    return found


def speeds_from(setting) -> dict:
    """Reading-speed limits from a setting such as ``"bo=20,zh=9"`` or a mapping; unknown parts are ignored."""
    out = dict(READING_SPEED)
    items = setting.items() if isinstance(setting, dict) else (part.split("=", 1) for part in str(setting or "").split(",") if "=" in part)
    for lang, value in items:
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue
        if value > 0:
            out[str(lang).strip()] = value
    return out
