"""A fresh Whoosh searcher that keeps the segment readers a commit left unchanged.

Opening a segment reads its stored-field offsets (about 14 ms for a
100,000-work segment), so a serving process whose applier commits every
few seconds would pay that on every thread after every commit. Whoosh's
own ``reader(reuse=...)`` matches segments by id alone, so a reused reader
would keep the deletions of its older table of contents, and it appends
segments a merge removed; here a reader is kept only when its segment has
the same id *and* the same number of deleted documents (deletions only
grow, so equal counts mean equal sets). Relies on whoosh-reloaded 2.7.5's
``FileIndex._read_toc`` (pinned exactly in setup.cfg).
"""

from __future__ import annotations

import contextlib
import time

from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

RETRIES = 10  # as Whoosh's own reader(): a merge may delete a file between the TOC and its opening


def _key(segment):
    return segment.segment_id(), segment.deleted_count()


def refreshed(ix, old=None):
    """A searcher over ``ix``'s latest commit, reusing ``old``'s unchanged segment readers.

    ``old`` must not be used afterwards: its readers either live on in the new
    searcher or are closed here.
    """
    reusable = {}
    if old is not None:
        for reader, _ in old.reader().leaf_readers():
            segment = reader.segment()
            if segment is not None:
                reusable[_key(segment)] = reader
    for attempt in range(1, RETRIES + 1):
        try:
            reader = _reader(ix, reusable)
            break
        except OSError:
            if attempt == RETRIES:
                _close(reusable.values())
                raise
            time.sleep(0.05)
    _close(reusable.values())  # what a commit changed or a merge removed
    return Searcher(reader, fromindex=ix)


def _reader(ix, reusable):
    info = ix._read_toc()
    readers, fresh = [], []
    try:
        for segment in info.segments:
            reader = reusable.pop(_key(segment), None)
            if reader is None:
                reader = SegmentReader(ix.storage, info.schema, segment, generation=info.generation)
                fresh.append(reader)
            readers.append(reader)
    except BaseException:
        _close(fresh)
        for reader in readers:  # give the reused ones back for the next attempt
            if reader not in fresh:
                reusable[_key(reader.segment())] = reader
        raise
    if not readers:
        return EmptyReader(info.schema)
    if len(readers) == 1:
        readers[0]._gen = info.generation  # a reused reader answers the commit it now stands for
        return readers[0]
    return MultiReader(readers, generation=info.generation)


def _close(readers):
    for reader in readers:
        with contextlib.suppress(Exception):
            reader.close()
