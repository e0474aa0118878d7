"""pypinyin's phrase readings held in a trie instead of ~600,000 Python objects.

Importing pypinyin parses its phrase dictionary from JSON into a dict of
lists of lists (two copies, ~34 MB) and a set of every phrase prefix for
its segmenter (~7 MB). In a forked server, each worker that reads them
writes the reference counts of what it reads, and so copies the pages the
processes share. :func:`compact` swaps them, in pypinyin's modules, for a
mapping over a ``marisa_trie.Trie`` and one string, and a trie of the
prefixes; pypinyin's code is unchanged, so its readings are too
(``tests/unit/test_pinyin_phrases.py`` compares every phrase).
"""
import sys
from array import array
from collections.abc import MutableMapping

import marisa_trie

_CHAR, _READING = "\x1e", "\x1f"  # between characters, between readings of one character


class PhraseDict(MutableMapping):
    """``{phrase: [[reading, ...] per character]}``, read from a trie and one string.

    Phrases added later (``pypinyin.load_phrases_dict``) go to a plain dict
    consulted first.
    """

    def __init__(self, phrases):
        self._trie = marisa_trie.Trie(phrases.keys())
        values = [""] * len(self._trie)
        for phrase, readings in phrases.items():
            values[self._trie[phrase]] = _CHAR.join(_READING.join(r) for r in readings)
        self._blob = "".join(values)
        self._ends = array("q", [0] * len(values))
        end = 0
        for i, v in enumerate(values):
            end += len(v)
            self._ends[i] = end
        self._added = {}

    def __getitem__(self, phrase):
        if self._added and phrase in self._added:
            return self._added[phrase]
        i = self._trie[phrase]  # KeyError when absent
        start = self._ends[i - 1] if i else 0
        return [r.split(_READING) for r in self._blob[start:self._ends[i]].split(_CHAR)]

    def __contains__(self, phrase):
        return phrase in self._trie or (bool(self._added) and phrase in self._added)

    def __setitem__(self, phrase, readings):
        self._added[phrase] = readings

    def __delitem__(self, phrase):
        raise TypeError("pypinyin's phrase readings are read-only here")

    def __iter__(self):
        yield from self._trie
        yield from (p for p in self._added if p not in self._trie)

    def __len__(self):
        return len(self._trie) + sum(1 for p in self._added if p not in self._trie)



def _fits(readings):
    return (isinstance(readings, list) and readings
            and all(isinstance(r, list) and r and all(isinstance(s, str) and s and _CHAR not in s
                                                      and _READING not in s for s in r) for r in readings))


_done = False


def compact():
    """Swap pypinyin's phrase dict and phrase prefix set for compact ones (once; False if not possible)."""
    global _done
    if _done:
        return True
    from pypinyin import constants, phrases_dict
    from pypinyin.seg import mmseg

    originals = {id(phrases_dict.phrases_dict): phrases_dict.phrases_dict,
                 id(constants.PHRASES_DICT): constants.PHRASES_DICT}
    source = constants.PHRASES_DICT
    prefix_set = getattr(getattr(mmseg, "p_set", None), "_set", None)
    if (not isinstance(source, dict) or not source or not isinstance(prefix_set, set)
            or not all(_fits(v) for v in source.values())
            or any(o is not source and o != source for o in originals.values())):
        return False  # customised, or another layout than this code knows
    prefixes = marisa_trie.Trie(p[:i] for p in source for i in range(1, len(p) + 1))
    if len(prefixes) != len(prefix_set):
        return False  # the segmenter was trained on more than the phrase dict
    compacted = PhraseDict(source)  # _fits: each value reads back exactly as it was
    for name, module in list(sys.modules.items()):
        if name == "pypinyin" or name.startswith("pypinyin."):
            for attr, value in list(vars(module).items()):
                if id(value) in originals and value is originals[id(value)]:
                    setattr(module, attr, compacted)
    # The segmenter only asks ``prefix in _set``; a trie answers that in C.
    # (``mmseg.retrain`` after this would fail: nothing here calls it.)
    mmseg.p_set._set = prefixes
    _done = True
    return True
