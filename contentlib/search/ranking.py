"""Order what a search matched: by tier, then score, then slot; or in turns by word group.

Engine-neutral: works on the dense arrays an engine's ``View.run`` returns.
"""
import itertools

import numpy as np


def _key(scores, ids, tier):
    """Sort key of ``ids``: lower tier first, then higher score."""
    key = -scores[ids]
    if tier is not None and len(ids):
        span = float(scores[ids].max() - scores[ids].min()) + 1.0
        key = key + tier[ids] * span
    return key


def top(scores, hits, start, count, tier=None):
    """Docnums of hits ``start:start+count``: by tier, then score, then docnum.

    ``tier`` (optional, per docnum) puts every hit of a lower tier first;
    without it the order is by score, ties by slot (Whoosh's own order).
    """
    ids = np.flatnonzero(hits)
    key = _key(scores, ids, tier)
    end = start + count
    if end < len(ids):
        # Only the best ``end`` need sorting; keep every tie at the cut.
        cut = np.partition(key, end - 1)[end - 1]
        keep = key <= cut
        ids, key = ids[keep], key[keep]
    order = np.lexsort((ids, key))
    return [(int(d), float(scores[d])) for d in ids[order][start:end]]


def top_interleaved(scores, hits, start, count, groups, tier=None, pool=200):
    """Like :func:`top`, but the best ``pool`` hits take turns by group.

    ``groups`` are boolean masks (say, works with each word a pinyin query
    may mean, most likely word first); hits in none of them form a last
    group. Each round takes the next best hit of every group, so the first
    page shows every reading instead of only the commonest.
    """
    ids = np.flatnonzero(hits)
    key = _key(scores, ids, tier)
    need = max(pool, start + count)
    if need < len(ids):
        # Only the best ``need`` are ever shown; keep every tie at the cut.
        keep = key <= np.partition(key, need - 1)[need - 1]
        ids, key = ids[keep], key[keep]
    ranked = ids[np.lexsort((ids, key))][:need]
    head, tail = ranked[:pool], ranked[pool:]
    inside = np.zeros(len(head), dtype=bool)
    lists = []
    for mask in groups:
        member = mask[head]
        inside |= member
        lists.append(head[member].tolist())
    lists.append(head[~inside].tolist())
    order, taken = [], set()
    for turn in itertools.zip_longest(*lists):
        for d in turn:
            if d is not None and d not in taken:
                taken.add(d)
                order.append(d)
    order.extend(tail[:max(0, start + count - len(order))].tolist())
    return [(int(d), float(scores[d])) for d in order[start:start + count]]
