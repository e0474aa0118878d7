"""Pairing the segments of two languages: sentences by length (Gale and Church, 1993), cues by time.

Tibetan marks clauses with the same shad it ends sentences with, so a Chinese
sentence often faces two or more Tibetan pieces: beads of up to four sentences
on either side are allowed, with priors that make 1-1 by far the likeliest.
"""

from __future__ import annotations

import math
from bisect import bisect_left

# (sentences on the source side, on the target side) -> prior probability of such a bead.
BEADS = {(1, 1): 0.89, (1, 0): 0.005, (0, 1): 0.005, (2, 1): 0.045, (1, 2): 0.045, (2, 2): 0.011,
         (1, 3): 0.02, (3, 1): 0.02, (1, 4): 0.01, (4, 1): 0.01, (2, 3): 0.005, (3, 2): 0.005}
_COST = {bead: -math.log(p) for bead, p in BEADS.items()}
VARIANCE = 6.8  # Gale and Church's variance of target length per source character (scaled by the ratio)


def _norm_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal deviate."""
    return max(1e-12, math.erfc(abs(z) / math.sqrt(2)))


def _match_cost(a: int, b: int, ratio: float) -> float:
    """-log P(a bead of ``a`` source and ``b`` target characters) given the texts' length ``ratio``."""
    if a == 0 and b == 0:
        return 0.0
    length = a if a else b / ratio
    z = (b - a * ratio) / math.sqrt(max(length, 1.0) * VARIANCE * ratio)
    return -math.log(_norm_sf(z))


def align_lengths(src: list[int], tgt: list[int], band: int = 12) -> list[tuple[range, range]]:
    """Align two lists of sentence lengths; return the beads as ``(source range, target range)``.

    Equal counts align one to one, and one sentence on a side takes everything on the other.
    Otherwise the cheapest path of beads (``_match_cost`` inlined: this runs for every
    published work when the memory is built), within a ``band`` around the diagonal so that
    long descriptions stay quick.
    """
    n, m = len(src), len(tgt)
    if n == m:
        return [(range(i, i + 1), range(i, i + 1)) for i in range(n)]
    if n <= 1 or m <= 1:
        return [(range(0, n), range(0, m))] if n or m else []
    ratio = max(sum(tgt), 1) / max(sum(src), 1)
    spread = VARIANCE * ratio
    beads = list(_COST.items())
    width = band + abs(n - m)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    pre_s = [0] + list(_accumulate(src))
    pre_t = [0] + list(_accumulate(tgt))
    sqrt, log, erfc, root2 = math.sqrt, math.log, math.erfc, math.sqrt(2)
    for i in range(n + 1):
        diag = i * m / n
        lo, hi = max(0, int(diag) - width), min(m, int(diag) + width + 1)
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, step = inf, None
            for (di, dj), prior in beads:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                before = cost[pi][pj]
                if before == inf:
                    continue
                a, b = pre_s[i] - pre_s[pi], pre_t[j] - pre_t[pj]
                length = a if a else b / ratio
                z = abs(b - a * ratio) / sqrt((length if length > 1.0 else 1.0) * spread)
                tail = erfc(z / root2)
                c = before + prior - log(tail if tail > 1e-12 else 1e-12)
                if c < best:
                    best, step = c, (di, dj)
            cost[i][j], back[i][j] = best, step
    if back[n][m] is None:  # outside the band: fall back on one bead for all
        return [(range(0, n), range(0, m))]
    out, i, j = [], n, m
    while i or j:
        step = back[i][j]
        assert step is not None  # each cell on the way back was reached from the one its step names
        di, dj = step
        out.append((range(i - di, i), range(j - dj, j)))
        i, j = i - di, j - dj
    return out[::-1]


def _accumulate(values):
    total = 0
    for v in values:
        total += v
        yield total


def align_sentences(src: list[str], tgt: list[str]) -> list[tuple[list[str], list[str]]]:
    """Pair sentences: ``[(source sentences, target sentences), ...]`` in order, every sentence in one bead."""
    beads = align_lengths([len(s) for s in src], [len(t) for t in tgt])
    return [([src[i] for i in a], [tgt[j] for j in b]) for a, b in beads]


def _overlap(a, b) -> int:
    return min(a.end_ms, b.end_ms) - max(a.start_ms, b.start_ms)


def _best(cues, others, starts) -> list[int | None]:
    """For each cue, the index of the cue of ``others`` (sorted by start) it overlaps most, or None."""
    out = []
    for cue in cues:
        best, at = 0, None
        k = bisect_left(starts, cue.end_ms)  # others starting at or after its end cannot overlap
        for j in range(k - 1, -1, -1):
            other = others[j]
            if other.start_ms + 600_000 < cue.start_ms:
                break  # ten minutes back: no longer cue reaches this far
            o = _overlap(cue, other)
            if o > best:
                best, at = o, j
        out.append(at)
    return out


def pair_cues(src: list, tgt: list) -> list[tuple[int, int]]:
    """Pairs ``(source index, target index)`` of cues that overlap each other in time more than any other."""
    s_order = sorted(range(len(src)), key=lambda i: (src[i].start_ms, src[i].end_ms))
    t_order = sorted(range(len(tgt)), key=lambda j: (tgt[j].start_ms, tgt[j].end_ms))
    s_sorted, t_sorted = [src[i] for i in s_order], [tgt[j] for j in t_order]
    s_best = _best(s_sorted, t_sorted, [c.start_ms for c in t_sorted])
    t_best = _best(t_sorted, s_sorted, [c.start_ms for c in s_sorted])
    return [(s_order[i], t_order[j]) for i, j in enumerate(s_best) if j is not None and t_best[j] == i]
