"""jieba's dictionary in a compact trie, and jieba's precise cut (no HMM) over it.

``jieba.initialize`` holds its dictionary as one Python dict of about
500,000 words and word prefixes (~66 MB). A forked server worker that looks
words up writes the reference counts of the values it touches, and so copies
the pages the processes otherwise share. Here the words live in a
``marisa_trie.Trie`` (~1.3 MB, no Python object per word) and their
frequencies in an ``array``; :meth:`WordDict.cut` reproduces
``jieba.Tokenizer.cut(text, HMM=False)`` step for step (same dictionary
file, same regular expressions, same arithmetic), so words are identical;
``tests/unit/test_worddict.py`` compares both on every dictionary word.
"""
from array import array
from math import log

import jieba
import marisa_trie

# jieba's own patterns, so that text is split into the same blocks.
_RE_HAN = jieba.re_han_default
_RE_SKIP = jieba.re_skip_default
_RE_ENG = jieba.re_eng


class WordDict:
    """The words of jieba's default dictionary and their frequencies."""

    def __init__(self, lines):
        """Read ``word freq [tag]`` lines (bytes) as ``jieba.Tokenizer.gen_pfdict`` does."""
        words, freqs, total = [], [], 0
        for line in lines:
            word, freq = line.strip().decode("utf-8").split(" ")[:2]
            freq = int(freq)
            words.append(word)
            freqs.append(freq)
            total += freq
        self._trie = marisa_trie.Trie(words)
        self._freq = array("q", bytes(8 * len(self._trie)))
        for word, freq in zip(words, freqs):  # a repeated word keeps its last frequency
            self._freq[self._trie[word]] = freq
        self.total = total
        self._logtotal = log(total)

    @classmethod
    def default(cls):
        """jieba's bundled dictionary (the one ``jieba.initialize()`` loads)."""
        f = jieba.Tokenizer().get_dict_file()
        try:
            return cls(f)
        finally:
            f.close()

    def freq(self, word):
        """The frequency of a dictionary word; 0 for anything else."""
        i = self._trie.get(word)
        return 0 if i is None else self._freq[i]

    def has_prefix(self, text):
        """Tell whether ``text`` begins some dictionary word (jieba's ``text in FREQ``)."""
        return bool(text) and next(self._trie.iterkeys(text), None) is not None

    def __iter__(self):
        """Every dictionary word."""
        return iter(self._trie)

    def __len__(self):
        return len(self._trie)

    def cut(self, sentence):
        """Words of ``sentence`` exactly as ``jieba.cut(sentence, HMM=False)`` yields them."""
        for blk in _RE_HAN.split(sentence):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                yield from self._cut_block(blk)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        yield x
                    else:
                        yield from x

    def _dag(self, sentence):
        """For each position, ``[(end, freq)]`` of the dictionary words starting there.

        jieba's ``get_DAG`` extends a fragment while it is a key of its
        prefix dict; every prefix of a word is such a key, so the words it
        finds are the dictionary words that are prefixes of the rest of the
        sentence: one trie walk. With none, the character alone (freq 0).
        """
        freqs, prefixes = self._freq, self._trie.iter_prefixes_with_ids
        dag = []
        for k in range(len(sentence)):
            ends = [(k + len(w) - 1, freqs[i]) for w, i in prefixes(sentence[k:]) if freqs[i]]
            dag.append(ends or [(k, 0)])
        return dag

    def _cut_block(self, sentence):
        """``Tokenizer.__cut_DAG_NO_HMM``: the most probable path, Latin letters kept together."""
        dag = self._dag(sentence)
        n = len(sentence)
        route = [None] * n + [(0, 0)]
        logtotal = self._logtotal
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(f or 1) - logtotal + route[x + 1][0], x) for x, f in dag[idx])
        x, buf = 0, ""
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if _RE_ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf
