"""IBM Model 1 word alignment, trained with EM over integer arrays (numpy).

The library learns its Tibetan-Chinese lexicon from the pairs it already
holds. Model 1 is the classic first step of statistical alignment (Brown et
al. 1993): t(e|f) for every co-occurring pair of units, from sentence pairs
alone. Written once here, over flat arrays (one row per target unit and
source unit of a pair), so 50,000 pairs train in seconds; units are counted
once per sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NULL = 0  # every source sentence also holds the empty unit


@dataclass
class Table:
    """t(e|f) for every co-occurring (f, e): ``source[i]``, ``target[i]``, ``prob[i]``."""

    sources: list[str]
    targets: list[str]
    source: np.ndarray
    target: np.ndarray
    prob: np.ndarray

    def as_dict(self, floor: float = 0.0) -> dict[tuple[str, str], float]:
        keep = np.nonzero((self.prob >= floor) & (self.source != NULL))[0]
        s, t, p = self.source[keep], self.target[keep], self.prob[keep]
        return {(self.sources[a], self.targets[b]): float(v) for a, b, v in zip(s.tolist(), t.tolist(), p.tolist())}


def _ids(units, table, names):
    out = []
    for u in dict.fromkeys(units):
        i = table.get(u)
        if i is None:
            i = table[u] = len(names)
            names.append(u)
        out.append(i)
    return out


def train(pairs, iterations: int = 6) -> Table:
    """Train t(e|f) on ``pairs`` of (source units, target units)."""
    fids, eids = {"": NULL}, {}
    fnames, enames = [""], []
    fs_all, es_all, sizes = [], [], []
    for src, tgt in pairs:
        fs = [NULL] + _ids(src, fids, fnames)
        es = _ids(tgt, eids, enames)
        if not es:
            continue
        fs_all.append(np.array(fs, dtype=np.int32))
        es_all.append(np.array(es, dtype=np.int32))
        sizes.append((len(fs), len(es)))
    if not sizes:
        empty = np.zeros(0, dtype=np.int32)
        return Table(fnames, enames, empty, empty, np.zeros(0, dtype=np.float32))
    # One row per (target unit occurrence, source unit) of each pair; a group is one target occurrence.
    f = np.concatenate([np.tile(fs, len(es)) for fs, es in zip(fs_all, es_all)])
    e = np.concatenate([np.repeat(es, len(fs)) for fs, es in zip(fs_all, es_all)])
    group_sizes = np.concatenate([np.full(len(es), len(fs), dtype=np.int32) for fs, es in zip(fs_all, es_all)])
    del fs_all, es_all
    grp = np.repeat(np.arange(len(group_sizes), dtype=np.int32), group_sizes)
    key = f.astype(np.int64) * len(enames) + e
    del f, e
    uniq, k = np.unique(key, return_inverse=True)
    del key
    k = k.astype(np.int32)
    pf = (uniq // len(enames)).astype(np.int32)
    pe = (uniq % len(enames)).astype(np.int32)
    del uniq
    t = np.ones(len(pf), dtype=np.float64)
    for _ in range(iterations):
        vals = t[k]
        denom = np.bincount(grp, weights=vals, minlength=len(group_sizes))
        vals /= denom[grp]
        counts = np.bincount(k, weights=vals, minlength=len(pf))
        totals = np.bincount(pf, weights=counts, minlength=len(fnames))
        t = counts / totals[pf]
    return Table(fnames, enames, pf, pe, t.astype(np.float32))
