"""Tibetan syllable tokenization and search normalization, in pure Python.

Search matches syllables, not exact code points: the same word reaches us
typed with precomposed or decomposed vowels, marks in any order, graphical
variants of letters, with or without its affixed case particle. Every rule
here is applied identically to indexed text and to queries, so folding two
spellings together only has to be consistent, not linguistically perfect.
Rules follow BDRC's lucene-bo analyzer (TibCharFilter lenient mode,
TibAffixedFilter, PaBaFilter).
"""
import re
from functools import lru_cache

TSHEG = "\u0f0b"

# Canonical decompositions of precomposed (discouraged) vowels and stacks.
_DECOMPOSE = {
    "\u0f73": "\u0f71\u0f72", "\u0f75": "\u0f71\u0f74", "\u0f81": "\u0f71\u0f80",
    "\u0f76": "\u0fb2\u0f80", "\u0f77": "\u0fb2\u0f71\u0f80",
    "\u0f78": "\u0fb3\u0f80", "\u0f79": "\u0fb3\u0f71\u0f80",
    "\u0f43": "\u0f42\u0fb7", "\u0f4d": "\u0f4c\u0fb7", "\u0f52": "\u0f51\u0fb7",
    "\u0f57": "\u0f56\u0fb7", "\u0f5c": "\u0f5b\u0fb7", "\u0f69": "\u0f40\u0fb5",
    "\u0f93": "\u0f92\u0fb7", "\u0f9d": "\u0f9c\u0fb7", "\u0fa2": "\u0fa1\u0fb7",
    "\u0fa7": "\u0fa6\u0fb7", "\u0fac": "\u0fab\u0fb7", "\u0fb9": "\u0f90\u0fb5",
}

# Graphical and lenient folding, applied after decomposition and reordering:
# fixed-form letters to their ordinary forms, retroflex (Sanskrit and foreign
# names) to dental, a-chung and reversed i dropped, anusvara variants unified.
_FOLD = str.maketrans({
    "\u0f6a": "\u0f62",                      # fixed-form ra
    "\u0fba": "\u0fad", "\u0fbb": "\u0fb1", "\u0fbc": "\u0fb2",  # fixed-form subjoined
    "\u0f4a": "\u0f4f", "\u0f4b": "\u0f50", "\u0f4c": "\u0f51", "\u0f4e": "\u0f53",
    "\u0f9a": "\u0f9f", "\u0f9b": "\u0fa0", "\u0f9c": "\u0fa1", "\u0f9e": "\u0fa3",
    "\u0f65": "\u0f64", "\u0fb5": "\u0fb4",  # ssa to sha
    "\u0f71": None, "\u0fb0": None,          # a-chung (long vowel mark)
    "\u0f80": "\u0f72",                      # reversed i to i
    "\u0f7e": "\u0f83", "\u0f82": "\u0f83",  # anusvara variants
    "\u0f35": None, "\u0f37": None, "\u0f39": None,  # under-marks
})
_DIGITS = str.maketrans({chr(0x0F20 + i): str(i) for i in range(10)})
_DOUBLE_VOWELS = (("\u0f7a\u0f7a", "\u0f7b"), ("\u0f7c\u0f7c", "\u0f7d"))

# Ordering classes of combining characters inside one stack: a base letter,
# then subjoined letters, then vowels below, vowels above, marks.
_ORDER = {}
for _c in range(0x0F90, 0x0FBD):
    _ORDER[chr(_c)] = 1
_ORDER.update({"\u0f39": 1, "\u0f71": 2, "\u0f74": 3, "\u0f72": 4, "\u0f80": 4,
               "\u0f7a": 4, "\u0f7b": 4, "\u0f7c": 4, "\u0f7d": 4,
               "\u0f7e": 5, "\u0f82": 5, "\u0f83": 5, "\u0f84": 5, "\u0f7f": 6})

_SYLLABLE_CHARS = "\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f40-\u0f7e\u0f80-\u0fbc"
# A syllable runs until any non-syllable character (tsheg U+0F0B, non-breaking
# tsheg U+0F0C, shad U+0F0D/U+0F0E, U+0FD2, space, punctuation) and ends right
# after a visarga U+0F7F. Digit and Latin runs are tokens of their own.
_TOKEN_RE = re.compile(
    "[" + _SYLLABLE_CHARS + "]+\u0f7f?|[0-9\u0f20-\u0f29]+|[A-Za-z]+")

_VOWELS = "\u0f72\u0f74\u0f7a\u0f7b\u0f7c\u0f7d"
_PARTICLE_ENDINGS = ("\u0f60\u0f72\u0f66", "\u0f60\u0f72", "\u0f60\u0f7c",
                     "\u0f60\u0f58", "\u0f60\u0f44")  # འིས འི འོ འམ འང
_PA_BA = {"\u0f56": "\u0f54", "\u0f56\u0f7c": "\u0f54\u0f7c"}  # བ→པ, བོ→པོ


def _replacer(table):
    """``str.translate`` with ``table``, but only over the characters it changes.

    ``translate`` looks every character up in the table, a tenth of a
    microsecond each; a regex finds the few that change much faster.
    """
    table = {chr(k) if isinstance(k, int) else k: v or "" for k, v in table.items()}
    pattern = re.compile("[" + re.escape("".join(sorted(table))) + "]")
    replace = table.__getitem__
    return lambda s: pattern.sub(lambda m: replace(m.group()), s)


_decompose = _replacer(_DECOMPOSE)
_fold = _replacer(_FOLD)
_digits = _replacer(_DIGITS)
# Two or more combining characters in a row: the only runs a reordering can change.
_RUN_RE = re.compile("[" + "".join(sorted(_ORDER)) + "]{2,}")


def _sorted_run(m):
    return "".join(sorted(m.group(), key=_ORDER.__getitem__))


def reorder(syllable):
    """Put the combining characters of each stack in one canonical order.

    Marks typed in another order render identically; a stable sort by
    class keeps same-class characters as typed. Only runs of two or more
    are sorted (by the regex engine's scan, not a loop over every
    character: highlighting folds whole descriptions).
    """
    return _RUN_RE.sub(_sorted_run, syllable)


def fold(syllable):
    """Apply decomposition, reordering and graphical/lenient folding."""
    s = reorder(_decompose(syllable))
    for double, single in _DOUBLE_VOWELS:
        s = s.replace(double, single)
    return _digits(_fold(s))


def strip_affix(syllable):
    """Remove an affixed particle (འི, འིས, འོ, འམ, འང; ས or ར after a vowel).

    A final ས/ར is only a particle after an open syllable, which ends in
    a vowel sign; after a consonant it is a suffix letter (ལས, བར) and stays.
    """
    for ending in _PARTICLE_ENDINGS:
        if syllable.endswith(ending) and len(syllable) > len(ending):
            return syllable[:-len(ending)]
    if len(syllable) > 2 and syllable[-1] in "\u0f66\u0f62" and syllable[-2] in _VOWELS:
        return syllable[:-1]
    return syllable


@lru_cache(maxsize=100_000)
def normalize_syllable(syllable):
    """Return the search form of one syllable ('' when nothing is left).

    Cached: a language has a few thousand distinct syllables.
    """
    s = strip_affix(fold(syllable))
    s = _PA_BA.get(s, s)
    return s.lower()


def tokenize(text):
    """Yield ``(search_form, start, end)`` for each syllable or digit/Latin run."""
    for m in _TOKEN_RE.finditer(text):
        norm = normalize_syllable(m.group())
        if norm and norm != "\u0f7f":
            yield norm, m.start(), m.end()


def syllables(text):
    """Return the search forms of the syllables of ``text``."""
    out = []
    for raw in _TOKEN_RE.findall(text):
        norm = normalize_syllable(raw)
        if norm and norm != "\u0f7f":
            out.append(norm)
    return out


@lru_cache(maxsize=100_000)
def exact_form(syllable):
    """Return the syllable folded but with its affix kept (``པའི`` stays).

    Indexed beside the search form when they differ, so that a query typed
    with the same particle ranks the works that have exactly it first.
    """
    return fold(syllable).lower()


def index_terms(text):
    """Return ``(term, position)``: search forms, plus differing exact forms."""
    out = []
    for pos, (norm, exact) in enumerate(_forms(text)):
        out.append((norm, pos))
        if exact != norm:
            out.append((exact, pos))
    return out


@lru_cache(maxsize=4)
def _forms(text):
    """``(search form, exact form)`` of each syllable, once for the fields that share a text."""
    out = []
    for raw in _TOKEN_RE.findall(text):
        norm = normalize_syllable(raw)
        if norm and norm != "\u0f7f":
            out.append((norm, exact_form(raw)))
    return tuple(out)


PAIR_JOINER = "\u0f0b"


def pairs(syllables):
    """Join neighbouring syllables into pair terms (``a་b``), in order, repeats kept."""
    return [a + PAIR_JOINER + b for a, b in zip(syllables, syllables[1:])]


def pair_terms(text):
    """Return the pair terms of a text: neighbouring search forms, and neighbouring exact forms.

    A phrase of n syllables is then n-1 term lookups instead of a positional
    match, which Whoosh does slowly when its syllables are common.
    """
    forms = _forms(text)
    norms = [n for n, _ in forms]
    exacts = [e for _, e in forms]
    found = pairs(norms)
    if exacts != norms:  # exact pairs the search forms lack, each as often as it occurs
        have = set(found)
        found += [p for p in pairs(exacts) if p not in have]
    return found


def exact_syllables(text):
    """Return the exact forms of the syllables that have a search form."""
    return [exact_form(raw) for raw in _TOKEN_RE.findall(text)
            if normalize_syllable(raw) not in ("", "\u0f7f")]


def has_tibetan(text):
    """Tell whether ``text`` contains any Tibetan letter."""
    return any("\u0f40" <= ch <= "\u0fbc" for ch in text)
