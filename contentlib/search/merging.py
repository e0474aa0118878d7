"""The small segments a serving process's commits leave, merged by a process of its own.

Whoosh merges segments in Python, in the commit that decides to. In a serving
process that commit runs in the applier's thread, which shares the interpreter
lock with every searching thread: at 100,000 works under a load of 10, one
merge of a few thousand works took 18 minutes, with the writer lock held (no
edit reached search meanwhile, and a ``reindex`` waited for it) and its pools
left in the serving process's heap. So a serving process commits without
merging, and once ``DUE`` small segments of like size (or more than ``MOST`` of
any size) have gathered it starts
``python -m contentlib.search.merge_now INDEX_DIR``, which takes the writer lock,
merges them into one (Whoosh copies their postings; no text is analysed again)
and exits, giving its memory back. Commands (``import``, ``reindex``) still merge
as they commit.
"""

from __future__ import annotations

import subprocess
import sys
import threading

from whoosh.reading import SegmentReader

SMALL = 5_000  # works: a segment with fewer is merged with the other small ones
DUE = 8  # small segments that call for a merge
MOST = 12  # small segments at most: past it the smallest DUE are merged, whatever their size classes

_lock = threading.Lock()
_running: subprocess.Popen | None = None


def small(segments) -> list:
    return [s for s in segments if s.doc_count_all() < SMALL]


def _tier(segment) -> int:
    """A segment's size class: 1-7 works, 8-63, 64-511 ... (powers of ``DUE``)."""
    works, tier = segment.doc_count_all(), 0
    while works >= DUE:  # in whole numbers: a float logarithm of 512 may come out below 3
        works //= DUE
        tier += 1
    return tier


def due(segments) -> list:
    """The small segments to merge now: the smallest size class holding ``DUE`` of them, else the
    ``DUE`` smallest when more than ``MOST`` are small (else none).

    Segments of like size are merged together, so a work is copied about four times on its
    way to ``SMALL`` rather than at every merge, and a merge is quick (it holds the writer lock).
    Classes alone would let up to 7 gather in each (28 small segments, filling over an hour of
    edits), and every searching thread holds each segment's readers and files open: the cap keeps
    the segments, and so a serving process's descriptors, level from its first minutes.
    """
    smalls = small(segments)
    tiers: dict[int, list] = {}
    for segment in smalls:
        tiers.setdefault(_tier(segment), []).append(segment)
    full = sorted(tier for tier, members in tiers.items() if len(members) >= DUE)
    if full:
        return tiers[full[0]]
    if len(smalls) > MOST:
        return sorted(smalls, key=lambda s: s.doc_count_all())[:DUE]
    return []


def start_when_due(index_dir, segments) -> bool:
    """Start a merging process if some segments are due and this process's last one has ended."""
    global _running
    with _lock:
        if _running is not None and _running.poll() is None:
            return False
        if not due(segments):
            return False
        _running = subprocess.Popen([sys.executable, "-m", "contentlib.search.merge_now", str(index_dir)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, close_fds=True)
        return True


def merge_small(writer, segments) -> list:
    """Whoosh's merge policy that merges the segments ``due`` into the writer's new one."""
    chosen = due(segments)
    if not chosen:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]
