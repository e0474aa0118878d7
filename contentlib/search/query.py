"""Read a typed query as Tibetan, Chinese, EWTS, pinyin and/or English.

People type what their keyboard gives them: Tibetan script in any Unicode
variant, Simplified or Traditional Chinese, Wylie (EWTS) for Tibetan, pinyin
with or without spaces and tones for Chinese, English. Latin input is tried
as EWTS and as pinyin at once; each valid reading becomes part of one OR
query and the ranking decides. Nothing here raises on any input: syntax
characters are just text.
"""
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from . import chinese, tibetan
from .plan import And, Or, Term, boosted

MAX_QUERY = 500
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff'][A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff'+\-.~]*")
_TIBETAN_RUN_RE = re.compile(r"[\u0f00-\u0fff]+(?:[\s\u0f00-\u0fff]+[\u0f00-\u0fff]+)*")
_EWTS_OK_RE = re.compile(r"^[\u0f0b\u0f40-\u0f6c\u0f71-\u0f7d\u0f80\u0f90-\u0fbc\s]+$")


@dataclass
class Reading:
    """One interpretation of (part of) a query.

    :param script: ``bo``, ``zh``, ``ewts``, ``pinyin`` or ``latin``.
    :param text: the reading as shown to the user (``interpreted``).
    :param terms: search forms: Tibetan syllables, English words; for
        ``zh``: jieba search-mode words; for ``pinyin``: alternative
        syllable sequences.
    :param grams: Chinese bigrams (or a single character).
    :param candidates: for ``pinyin``: likely Chinese words, ``(word, weight)``.
    :param exact: for Tibetan: the syllables with their affixes, as typed.
    """
    script: str
    text: str
    terms: list = field(default_factory=list)
    grams: list = field(default_factory=list)
    question: bool = False
    boost: float = 1.0
    candidates: list = field(default_factory=list)
    exact: list = field(default_factory=list)


def clean(q):
    """Make any user string safe to interpret: no control chars, bounded."""
    q = _CONTROL_RE.sub(" ", q or "")[:MAX_QUERY]
    return " ".join(q.split())


@lru_cache(maxsize=1)
def pinyin_syllables():
    """All toneless pinyin syllables (ü written v), from pypinyin's table."""
    from pypinyin.pinyin_dict import pinyin_dict
    out = set()
    for value in pinyin_dict.values():
        for p in value.split(","):
            s = chinese.fold_pinyin(p)
            if s and re.search("[aeiouv]", s):
                out.add(s)
    return frozenset(out)


def split_pinyin(word, limit=4):
    """Split run-together pinyin into syllables, e.g. ``fulixiya``.

    :return: up to ``limit`` segmentations, fewest syllables first; empty
        when the word is not pinyin. Apostrophes (``xi'an``) are hard breaks.
    """
    valid = pinyin_syllables()
    parts = [p for p in word.split("'") if p]
    if not parts:
        return []
    results = [[]]
    for part in parts:
        segs = _segment(part, valid)
        if not segs:
            return []
        results = [r + s for r in results for s in segs][:limit]
    return sorted(results, key=len)[:limit]


def _segment(word, valid, limit=8):
    n = len(word)
    # best[i]: segmentations of word[i:], computed right to left
    best = [None] * (n + 1)
    best[n] = [[]]
    for i in range(n - 1, -1, -1):
        found = []
        for j in range(min(n, i + 6), i, -1):
            if word[i:j] in valid and best[j]:
                found.extend([word[i:j]] + rest for rest in best[j])
                if len(found) >= limit:
                    break
        best[i] = sorted(found, key=len)[:limit] or None
    return best[0] or []


def ewts_reading(latin):
    """Convert Latin text read as EWTS to Tibetan, or return None.

    Strict first (EWTS is case-sensitive); if pyewts warns, retry leniently
    (lowercase, hyphens to spaces). Only clean Tibetan output is accepted.
    """
    conv = _ewts_converter()
    for text in (latin, latin.lower().replace("-", " ")):
        warns = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = conv.toUnicode(text, warns)
            except Exception:  # pyewts on malformed input: treat as not EWTS
                continue
        if not warns and _EWTS_OK_RE.match(out or ""):
            return out
    return None


@lru_cache(maxsize=1)
def _ewts_converter():
    import pyewts
    return pyewts.pyewts()


MAX_PINYIN = 16  # syllables; longer Latin text is not read as pinyin


def pinyin_reading(latin):
    """Read Latin text as pinyin: syllable sequences, or [] when it is not."""
    tokens = re.split(r"[^a-z']+", chinese.fold_pinyin(latin))
    tokens = [t for t in tokens if t.strip("'")]
    if not tokens or sum(len(t) for t in tokens) > 6 * MAX_PINYIN:
        return []
    seqs = [[]]
    for tok in tokens:
        alts = split_pinyin(tok)
        if not alts:
            return []
        seqs = [s + a for s in seqs for a in alts][:4]
    return [s for s in seqs if len(s) <= MAX_PINYIN]


def _likely_words(seqs):
    """Weight the most frequent words read as any of ``seqs`` (1.0 for the top)."""
    found = [wf for seq in seqs if len(seq) > 1 for wf in chinese.pinyin_words(seq)]
    if not found:
        return []
    top = max(f for _, f in found)
    return [(w, f / top) for w, f in found]


def interpret(q):
    """Return the readings of a query (empty for a browse query)."""
    q = clean(q)
    readings = []
    bo = " ".join(_TIBETAN_RUN_RE.findall(q))
    if bo:
        syl = tibetan.syllables(bo)
        if syl:
            readings.append(Reading("bo", bo.strip(), terms=syl,
                                    exact=tibetan.exact_syllables(bo)))
    zh = re.sub(r"[\u0f00-\u0fff]+", " ", q) if chinese.has_chinese(q) else ""
    if zh:
        simp, words, grams, question = chinese.query_parts(zh)
        if grams or words:
            readings.append(Reading("zh", simp.strip(), terms=words, grams=grams,
                                    question=question))
    latin = " ".join(_LATIN_RE.findall(q))
    if latin:
        tib = ewts_reading(latin)
        if tib:
            syl = tibetan.syllables(tib)
            if syl:
                readings.append(Reading("ewts", tib, terms=syl,
                                        exact=tibetan.exact_syllables(tib)))
        seqs = pinyin_reading(latin)
        if seqs:
            readings.append(Reading("pinyin", " ".join(seqs[0]), terms=seqs,
                                    candidates=_likely_words(seqs)))
        words = latin_words(latin)
        if words:
            readings.append(Reading("latin", latin, terms=_dedupe(words)))
    elif re.search(r"[0-9]", q) and not readings:
        readings.append(Reading("latin", q, terms=re.findall(r"[0-9]+", q)))
    return readings


def _dedupe(items):
    return list(dict.fromkeys(items))


def latin_words(text):
    """Lowercase Latin words and numbers of ``text``, accents removed."""
    s = unicodedata.normalize("NFD", text.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return [w for w in re.split(r"[^0-9a-z]+", s) if w]


# -- query plans (engine-neutral: ``plan``) ----------------------------
# Works with a Tibetan phrase exactly as typed (same particles) come first.
EXACT_BOOST = 1.0
# Bounds that keep a pasted paragraph as fast as a word: an AND/OR uses its
# MAX_TERMS rarest distinct terms.
MAX_TERMS = 24
MAX_ANY = 8  # terms of a Tibetan fallback OR (common syllables match most works)
HOMOPHONE_BOOST = 0.5  # pinyin syllables side by side, beside the dictionary words


def _terms(field, terms, boost=1.0):
    return [Term(field, t, boost) for t in terms]


def _or(clauses, boost=1.0):
    """Any of ``clauses``, weighted by ``boost``.

    A one-clause OR is its clause alone without the OR's boost (``plan``),
    so a lone clause carries the boost itself.
    """
    if len(clauses) == 1:
        return boosted(clauses[0], boost)
    return Or(tuple(clauses), boost)


def word_query(word, boost=1.0):
    """A Chinese word as the AND of its bigrams (or the single character)."""
    grams = list(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1))) or [word]
    if len(grams) == 1:
        return Term("zh", grams[0], boost)
    return And(tuple(_terms("zh", grams)), boost)


class _Builder:
    """Build the clauses of each reading against one index.

    :param expand: gives the indexed bigrams that start with a character.
    :param doc_frequency: ``(field, term) -> int``, to keep the rarest terms.
    """

    def __init__(self, expand, doc_frequency):
        self.expand = expand
        self.doc_frequency = doc_frequency

    def rarest(self, field, terms, n=MAX_TERMS):
        """Distinct ``terms``; if more than ``n``, the ``n`` rarest in the index."""
        terms = list(dict.fromkeys(terms))
        if len(terms) > n and self.doc_frequency is not None:
            terms.sort(key=lambda t: self.doc_frequency(field, t))
        return terms[:n]

    def all(self, field, terms, boost=1.0):
        terms = self.rarest(field, terms)
        if len(terms) == 1:
            return Term(field, terms[0], boost)
        return And(tuple(_terms(field, terms)), boost)

    def any(self, field, terms, boost=1.0, n=MAX_TERMS):
        return _or(_terms(field, self.rarest(field, terms, n)), boost)

    def together(self, syllables, boost=1.0):
        """Tibetan syllables next to each other: all their pair terms, or the one syllable."""
        if len(set(syllables)) == 1:
            return Term("bo", syllables[0], boost)
        return self.all("bo2", tibetan.pairs(syllables), boost)

    def together_py(self, syllables, boost=1.0):
        """Pinyin syllables next to each other: their pair terms, or the one syllable."""
        if len(set(syllables)) == 1:
            return Term("py", syllables[0], boost)
        return self.all("py2", chinese.syllable_pairs(syllables), boost)

    def apart_py(self, syllables, boost=1.0):
        """Pinyin syllables two by two, the pairs anywhere: ``di_xia AND tie_lu``.

        The loose form of a pinyin phrase (its words apart). Single
        syllables match most works and cost the longest posting lists to
        read; pairs are a hundred times rarer. An odd last syllable pairs
        with the one before it. Two syllables stay two terms apart.
        """
        if len(syllables) < 3:
            return self.all("py", syllables, boost)
        pairs = [syllables[i:i + 2] for i in range(0, len(syllables) - 1, 2)]
        if len(syllables) % 2:
            pairs.append(syllables[-2:])
        return self.all("py2", [a + "_" + b for a, b in pairs], boost)

    def gram(self, gram, boost=1.0):
        """A Chinese gram; a lone character also matches bigrams it starts."""
        if len(gram) == 1 and chinese.is_cjk(gram):
            return _or(_terms("zh", [gram] + self.expand(gram)), boost)
        return Term("zh", gram, boost)

    def tiers(self, r):
        """Return the clauses of a reading: ``(first, loose)``."""
        first, loose = [], []
        if r.script in ("bo", "ewts"):
            # Neighbouring syllables are indexed as pair terms: a phrase is their AND.
            first = [self.together(r.terms)]
            if r.exact != r.terms:
                first.append(self.together(r.exact, EXACT_BOOST))
            loose = [self.all("bo", r.terms), self.any("bo", r.terms, 0.3, MAX_ANY)]
        elif r.script == "zh":
            grams = self.rarest("zh", r.grams)
            words = _terms("zhw", self.rarest("zhw", r.terms), 1.5 if r.question else 1.0)
            if r.question:
                # numbers (years, counts) are weak evidence of what a question is about
                first = words + [self.gram(g, 0.3 if g.isdigit() else 1.0) for g in grams]
            else:
                clauses = [self.gram(g) for g in grams]
                first = [clauses[0] if len(clauses) == 1 else And(tuple(clauses))] + words
                loose = [_or(clauses, 0.3)]
        elif r.script == "pinyin":
            # Like an input method: the dictionary words read so weigh by how
            # common they are; any other homophone (the syllables side by
            # side) still matches. The search then shows several words'
            # works on the first page (SearchIndex interleaves them).
            first = [word_query(word, weight) for word, weight in r.candidates]
            first += [self.together_py(seq, HOMOPHONE_BOOST) for seq in r.terms]
            loose = [self.apart_py(seq, 0.5) for seq in r.terms[:1]]
        else:
            first = [self.all("en", r.terms)]
            loose = [self.any("en", r.terms, 0.3)]
        return first, loose


def to_plans(readings, expand=lambda char: [], doc_frequency=None):
    """Return query plans for the readings, from the strictest to the loosest.

    The first asks for the words together (syllables side by side, all
    bigrams, the words pinyin reads as); the second adds partial matches.
    The search uses the first that finds enough works. A question is a
    ranked OR of its content words from the start.

    :param expand: gives the indexed bigrams that start with a character.
    :param doc_frequency: ``(field, term) -> int``, to keep the rarest terms
        of long queries.
    """
    builder = _Builder(expand, doc_frequency)
    tiers = [[], []]
    for r in readings:
        for tier, clauses in zip(tiers, builder.tiers(r)):
            if clauses:
                tier.append(_or(clauses, r.boost))
    queries, clauses = [], []
    for tier in tiers:
        if tier:
            clauses = clauses + tier
            queries.append(Or(tuple(clauses)))
    return queries


def translated_query(lang, terms):
    """A weighted OR of units read from another language (``crosslang``), or None.

    Chinese units are words or bigrams (a word is the AND of its bigrams);
    Tibetan units are syllables, neighbour pairs (``a་b``) or whole glossary
    terms (their pairs together).
    """
    clauses = []
    for unit, weight in terms:
        if lang == "zh":
            simp = chinese.to_simplified(unit)
            if len(simp) >= 2:
                clauses.append(word_query(simp, weight))
        else:
            syl = tibetan.syllables(unit)
            if len(syl) == 1:
                clauses.append(Term("bo", syl[0], weight))
            elif syl:
                pairs = list(dict.fromkeys(tibetan.pairs(syl)))
                clauses.append(Term("bo2", pairs[0], weight) if len(pairs) == 1
                               else And(tuple(_terms("bo2", pairs)), weight))
    return Or(tuple(clauses)) if clauses else None
