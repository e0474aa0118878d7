"""The exported site's search: an inverted index built by the server's own analysers, and the query tables.

The pages are opened from ``file://``, where a page may not fetch anything, so the
index is a script (``index.js``) that sets ``CONTENTLIB_INDEX``. Terms carry a
prefix naming their field, as the server's index does:

- ``b:`` a Tibetan syllable's search form (``tibetan.syllables``: variants folded,
  affixed particles dropped) and ``B:`` two neighbouring ones (a phrase is their AND);
- ``z:`` a Simplified Chinese character or bigram (Traditional folded by OpenCC t2s);
- ``e:`` an English (Latin) word.

Pinyin needs no terms of its own: the tables give each toneless syllable the
characters of the index read so (``chinese.char_pinyin``, both readings of a
polyphone), and a pinyin query looks up their bigrams, which is what the server's
``py``/``py2`` fields hold (a syllable per character, pairs of neighbours) at half the size.

A posting is ``2 * work number + 1`` when the term is in the work's title or
keywords, else ``2 * work number``. The query side (``site.js``) applies the same
rules with tables made here from the server's code: the Tibetan folding tables
and token pattern, the pinyin syllables, a Traditional-to-Simplified table for the
characters the index has, and EWTS for every syllable the index has (pyewts'
``toWylie``), so a query needs no converter in the browser.
"""

from __future__ import annotations

import json
import re
import unicodedata

from ..search import chinese, tibetan

TITLE_FLAG = 1
_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TIBETAN_RUN = r"[\u0f00-\u0fff]+(?:[\s\u0f00-\u0fff]+[\u0f00-\u0fff]+)*"
_LATIN = r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff'][A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff'+\-.~]*"


def latin_words(text: str) -> list[str]:
    """Lowercase Latin words and numbers, accents removed (as ``search.query.latin_words``)."""
    s = unicodedata.normalize("NFD", text.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return [w for w in re.split(r"[^0-9a-z]+", s) if w]


def tibetan_terms(text: str) -> list[str]:
    norms = tibetan.syllables(text)
    return [f"b:{s}" for s in norms] + [f"B:{p}" for p in tibetan.pairs(norms)]


def chinese_terms(text: str) -> list[str]:
    simple = chinese.to_simplified(text)
    out = []
    for run in _CJK_RUN.findall(simple):
        out += [f"z:{c}" for c in run] + [f"z:{a}{b}" for a, b in zip(run, run[1:])]
    return out


def work_terms(work) -> tuple[set[str], set[str]]:
    """``(title terms, other terms)`` of a work's published versions."""
    head: set[str] = set()
    body: set[str] = set()
    for v in work.versions.values():
        for target, texts in ((head, (v.title or "", *v.keywords)), (body, (v.description or "",))):
            for text in texts:
                if not text:
                    continue
                if v.lang == "bo":
                    target.update(tibetan_terms(text))
                elif v.lang == "zh":
                    target.update(chinese_terms(text))
                target.update(f"e:{w}" for w in latin_words(text) if v.lang != "bo" or w.isascii())
    return head, body - head


class IndexBuilder:
    """Collects works one by one; ``script()`` is the text of ``index.js``."""

    def __init__(self):
        self.works: list[list] = []
        self.postings: dict[str, list[int]] = {}
        self.syllables: set[str] = set()  # raw Tibetan syllables, for the EWTS table
        self.chars: set[str] = set()

    def add(self, work, href: str) -> None:
        n = len(self.works)
        titles = {lang: v.title for lang, v in work.versions.items() if v.has_title}
        self.works.append([work.id, href, titles])
        head, body = work_terms(work)
        for flag, terms in ((TITLE_FLAG, head), (0, body)):
            for term in terms:
                self.postings.setdefault(term, []).append(2 * n + flag)
                if term.startswith("z:") and len(term) == 3:
                    self.chars.add(term[2])
        for v in work.versions.values():
            if v.lang == "bo":
                for text in (v.title, v.description, *v.keywords):
                    self.syllables.update(tibetan._TOKEN_RE.findall(text or ""))

    def tables(self) -> dict:
        """What the query side needs to read a query as the server does (see the module's docstring)."""
        from ..search.query import pinyin_syllables

        return {
            "tibetan": {
                "token": tibetan._TOKEN_RE.pattern, "run": _TIBETAN_RUN,
                "decompose": tibetan._DECOMPOSE,
                "fold": {chr(k) if isinstance(k, int) else k: v or "" for k, v in tibetan._FOLD.items()},
                "digits": {chr(k): v for k, v in tibetan._DIGITS.items()},
                "doubles": tibetan._DOUBLE_VOWELS, "order": tibetan._ORDER,
                "particles": tibetan._PARTICLE_ENDINGS, "vowels": tibetan._VOWELS, "paba": tibetan._PA_BA,
            },
            "latin": _LATIN,
            "ewts": self.ewts(),
            "pinyin": sorted(pinyin_syllables()),
            "readings": self.readings(),
            "t2s": self.t2s(),
        }

    def ewts(self) -> dict[str, str]:
        """EWTS of each Tibetan syllable the index has (and of its search form) -> its search form."""
        from ..search.query import _ewts_converter

        conv = _ewts_converter()
        out: dict = {}
        for raw in sorted(self.syllables):
            norm = tibetan.normalize_syllable(raw)
            if not norm or norm == "\u0f7f":
                continue
            # as written, without its particle (བའི: ba), and its search form (pa): a query may type any
            for form in (raw, tibetan.strip_affix(tibetan.fold(raw)), norm):
                try:
                    key = conv.toWylie(form)
                except Exception:  # pyewts on a syllable it cannot spell: no EWTS key for it
                    continue
                if key and key.isascii() and " " not in key.strip():
                    out.setdefault(key.strip(), norm)
        return out

    def readings(self) -> dict[str, str]:
        """Each toneless pinyin syllable -> the characters of the index read so."""
        out: dict[str, str] = {}
        for char in sorted(self.chars):
            for syllable in chinese.char_pinyin(char):
                out[syllable] = out.get(syllable, "") + char
        return out

    def t2s(self) -> dict[str, str]:
        """Traditional characters whose Simplified form the index has -> that form."""
        chinese._t2s()
        out = {}
        for trad in chinese._ts_chars or ():
            if len(trad) == 1:
                simple = chinese.to_simplified(trad)
                if simple != trad and simple in self.chars:
                    out[trad] = simple
        return out

    def script(self) -> str:
        """``index.js``: the index as a JSON string handed to ``JSON.parse`` (read faster than a literal)."""
        data = {"works": self.works, "terms": self.postings, "tables": self.tables()}
        text = json.dumps(json.dumps(data, ensure_ascii=False, separators=(",", ":")), ensure_ascii=False)
        return "window.CONTENTLIB_INDEX = JSON.parse(" + text.replace("</", "<\\/") + ");\n"
