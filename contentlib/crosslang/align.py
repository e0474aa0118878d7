"""IBM Model 1 word alignment, trained with EM over integer arrays (numpy).

The library learns its Tibetan-Chinese lexicon from the pairs it already
holds. Model 1 is the classic first step of statistical alignment (Brown et
al. 1993): t(e|f) for every co-occurring pair of units, from sentence pairs
alone. Written once here, over flat arrays (one row per target unit and
source unit of a pair); units are counted once per sentence. ``train_both``
trains the two directions of one set of pairs over one co-occurrence table
(the rows of f->e and e->f are the same unit pairs), which halves the sorting
and the memory of training them apart.
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
    fids: dict[str, int] = {"": NULL}
    eids: dict[str, int] = {}
    fnames: list[str] = [""]
    enames: list[str] = []
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


def _cat(arrays, dtype) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)


def _em(k, t, tn, groups, n_groups, occ, n_units, src_of, n_src, iterations, occ_weight=None):
    """Model 1's EM over shared rows: ``k`` the unit pair of each row, ``tn`` the empty unit's t per target.

    ``occ_weight`` (per group) counts a group as that many copies of itself: a pair seen n times.
    """
    for _ in range(iterations):
        vals = t[k]
        nvals = tn[occ]
        denom = np.bincount(groups, weights=vals, minlength=n_groups) + nvals
        if occ_weight is not None:
            denom /= occ_weight
        vals /= denom[groups]
        nvals = nvals / denom
        counts = np.bincount(k, weights=vals, minlength=len(t))
        del vals
        null_counts = np.bincount(occ, weights=nvals, minlength=n_units)
        totals = np.bincount(src_of, weights=counts, minlength=n_src)
        t = counts / totals[src_of]
        tn = null_counts / null_counts.sum()
    return t, tn


def train_both(pairs, iterations: int = 6, counts=None) -> tuple[Table, Table]:
    """``(train(pairs), train(reversed pairs))`` from one co-occurrence table: the same tables, made once.

    ``counts`` (one per pair) stands for repeats: a pair of count n trains as n copies of it would,
    in the rows of one (repeated titles, cues and sentences are common; their rows are made once).
    """
    fids: dict[str, int] = {}
    eids: dict[str, int] = {}
    fnames: list[str] = []
    enames: list[str] = []
    fs: list[np.ndarray] = []
    es: list[np.ndarray] = []
    for src, tgt in pairs:
        fs.append(np.array(_ids(src, fids, fnames), dtype=np.int32))
        es.append(np.array(_ids(tgt, eids, enames), dtype=np.int32))
    nf, ne = len(fnames), len(enames)
    # Each direction's groups are the occurrences of its targets: e in f->e, f in e->f.
    e_occ = _cat([e for e in es if len(e)], np.int32)
    f_occ = _cat([f for f in fs if len(f)], np.int32)
    keys: list[np.ndarray] = []
    by_e: list[np.ndarray] = []
    by_f: list[np.ndarray] = []
    e_at = f_at = 0
    for f, e in zip(fs, es):
        if len(f) and len(e):
            keys.append(np.repeat(f.astype(np.int64), len(e)) * max(ne, 1) + np.tile(e, len(f)))
            by_e.append(np.tile(np.arange(e_at, e_at + len(e), dtype=np.int32), len(f)))
            by_f.append(np.repeat(np.arange(f_at, f_at + len(f), dtype=np.int32), len(e)))
        e_at += len(e)
        f_at += len(f)
    e_sizes, f_sizes = [len(e) for e in es], [len(f) for f in fs]
    del fs, es
    key = _cat(keys, np.int64)
    del keys
    uniq, k = np.unique(key, return_inverse=True)
    del key
    k = k.astype(np.int32)
    ci, cj = (uniq // max(ne, 1)).astype(np.int32), (uniq % max(ne, 1)).astype(np.int32)
    del uniq
    e_of, f_of = _cat(by_e, np.int32), _cat(by_f, np.int32)
    del by_e, by_f
    e_weight = f_weight = None
    if counts is not None:
        n = np.asarray(list(counts), dtype=np.float64)
        e_weight, f_weight = np.repeat(n, e_sizes), np.repeat(n, f_sizes)
    tf, tnf = _em(k, np.ones(len(ci)), np.ones(ne), e_of, len(e_occ), e_occ, ne, ci, nf, iterations, e_weight)
    del e_of
    tr, tnr = _em(k, np.ones(len(ci)), np.ones(nf), f_of, len(f_occ), f_occ, nf, cj, ne, iterations, f_weight)
    del f_of, k
    # Laid out as ``train`` lays them: the empty unit is source 0, rows sorted by (source, target).
    seen_e = np.flatnonzero(np.bincount(e_occ, minlength=ne))
    seen_f = np.flatnonzero(np.bincount(f_occ, minlength=nf))
    forward = Table([""] + fnames, enames, np.r_[np.zeros(len(seen_e)), ci + 1].astype(np.int32),
                    np.r_[seen_e, cj].astype(np.int32), np.r_[tnf[seen_e], tf].astype(np.float32))
    back = np.lexsort((ci, cj))
    backward = Table([""] + enames, fnames, np.r_[np.zeros(len(seen_f)), cj[back] + 1].astype(np.int32),
                     np.r_[seen_f, ci[back]].astype(np.int32), np.r_[tnr[seen_f], tr[back]].astype(np.float32))
    return forward, backward
