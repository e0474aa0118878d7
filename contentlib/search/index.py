"""The Whoosh engine (``engine.Engine``): schema, atomic rebuild, upsert, plans run with ``bulk``.

On disk ``path/`` holds generation directories and a ``current`` symlink to
the live one. A rebuild writes a fresh generation and swaps the symlink with
one ``rename``, so readers see the old index or the new one, never half of
one; the previous generation is kept for searchers still reading it. Beside
them, ``localstate`` keeps the cursor, the consumer name and the writer lock.
"""
import collections
import contextlib
import gc
import itertools
import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

from .. import heap
from ..errors import IndexUnavailable
from ..filelock import file_lock
from . import analysis, bulk, chinese, localstate, merging, sharedfiles
from .fields import document
from .localstate import LocallySynced, LocalState
from .plan import And, Or, Term
from .segwriter import FastSegmentWriter

TEXT_FIELDS = ("bo", "zh", "zhw", "py", "en")
WRITER_MB = 2048
# A rebuild writes segments of at most CHUNK works, PROCS of them at a time.
# Fewer segments answer faster (a search pays per segment); a writer holds
# about 18 MB per 1,000 works on top of the ~200 MB of dictionaries.
CHUNK = 25_000
PROCS = max(1, min(2, os.cpu_count() or 1))
BLOCK = 1024  # postings per block


def make_schema():
    """Return the schema of the works index."""
    def text(ana, phrase):
        return analysis.TermsField(analyzer=ana, phrase=phrase)

    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        type=ID, subject=KEYWORD(scorable=False), audience=KEYWORD(scorable=False),
        grade=KEYWORD(scorable=False), lang=KEYWORD(scorable=False),
        has=KEYWORD(scorable=False),
        # Columns only: read as arrays to order and break ties, never searched
        # (indexed, each value was 16 and 8 range-tier terms per work).
        added=COLUMN(NumericColumn("q", default=-1)),
        year=COLUMN(NumericColumn("i", default=0)),
        doc=STORED,
        bo=text(analysis.tibetan_analyzer(), False),
        bo2=text(analysis.tibetan_pair_analyzer(), False),
        zh=text(analysis.chinese_analyzer(), False),
        zhw=text(analysis.chinese_word_analyzer(), False),
        py=text(analysis.pinyin_analyzer(), False),
        py2=text(analysis.pinyin_pair_analyzer(), False),
        en=text(StandardAnalyzer(), False),
    )


def _fingerprint(schema):
    """What must match for an index on disk to be read with this code's schema."""
    return sorted((name, type(f).__name__, type(f.format).__name__,
                   type(getattr(f, "analyzer", None)).__name__)
                  for name, f in schema.items())


def _codec():
    """Whoosh's codec without block length statistics.

    Computing them reads each posting's field length back from disk, a
    third of the commit time; without them Whoosh only skips fewer blocks
    at query time (its score bounds stay safe). Blocks hold BLOCK postings
    rather than 128: the search reads whole posting lists (``bulk``), and
    each block costs an unpickling. Blocks are not compressed: a zlib call
    per term was a tenth of a rebuild. (Whoosh's inlining of short posting
    lists would save more, but whoosh-reloaded breaks on it when merging.)
    """
    codec = W3Codec(blocklimit=BLOCK, compression=0)
    codec.length_stats = False
    return codec


def _writer(ix, limitmb=WRITER_MB):
    """A writer that keeps segments as separate files, not compound ones.

    Whoosh copies the parts of a compound file into memory each time a
    searcher opens it: about a second per search at 100,000 works.
    """
    return ix.writer(limitmb=limitmb, codec=_codec(), compound=False)


_pool_writer = False  # True in a rebuild's forked writers (``_in_pool``)


def _become_pool_writer():
    global _pool_writer
    _pool_writer = True


def _write_segment(job):
    """Index one chunk of records as a segment of its own (in a worker).

    Uses the same private steps as Whoosh's own multiprocessing writer
    (``SubWriterTask`` with ``multisegment``): a lock-free segment writer
    (``segwriter``: Whoosh's files, written with arrays) whose finished
    segment the parent adds to the table of contents.
    """
    dirname, records = job
    if _pool_writer:
        # A writer writes several segments (2 or 3 at 100,000 works, 6 at 300,000): give back what the
        # last one freed first, so that a writer's peak is one segment's, not one per segment it wrote.
        # Not in a small rebuild's own process: a full collection there costs 0.5 s, more than its writing.
        _give_back_freed_memory()
    ix = windex.open_dir(dirname)
    writer = FastSegmentWriter(ix, _lk=False, codec=_codec(), compound=False)
    for rec in records:
        writer.add_document(**document(rec))
    # The shared temp directory is removed by the parent's final commit.
    return writer._finalize_segment()


def merge_small_segments(index_dir) -> int:
    """Merge the small segments that are due into one; return how many were merged (0: none due, or another merges).

    What ``python -m contentlib.search.merge_now`` runs for a serving process (``merging``).
    """
    with file_lock(Path(str(index_dir).rstrip("/") + ".merge-lock"), blocking=False) as mine:
        if not mine:
            return 0
        engine = WhooshEngine(index_dir)
        with engine.lock():
            ix = engine._open()
            due = merging.due(ix._segments())  # none, or at least ``merging.DUE``
            if due:
                _writer(ix).commit(mergetype=merging.merge_small)
            engine.close()
            return len(due)


def chunk_size(expected, most=CHUNK, procs=PROCS):
    """Works per segment: at most ``most``, in a number of chunks that keeps every process busy.

    101,775 works make 6 chunks of 16,963 (3 per process), not 4 of 25,000 and a
    straggler of 1,775 that one process writes while the other waits.
    """
    if not expected or expected <= 0:
        return most
    chunks = -(-expected // most)
    if chunks > 1 or expected > 2_000:  # small rebuilds stay in one process
        chunks = -(-max(chunks, procs) // procs) * procs
    return max(1, -(-expected // chunks))


def _chunks(records, size):
    it = iter(records)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _bulk_index(ix, dirname, records, chunk_size=None, expected=None):
    """Index ``records`` into the empty index ``ix``; return the count.

    Records are cut into chunks of ``chunk_size`` works, each written as its
    own segment by a pool of PROCS forked processes (which inherit the loaded
    jieba and OpenCC dictionaries). Segments are never merged: merging
    costs as much as writing, and a handful of segments searches fine. A
    writer keeps its whole segment's postings in arrays until it writes it.

    :param expected: about how many records come: more than a chunk forks the
        writers before any record is read, so that none starts with a copy of
        the records the parent holds (each would count them in its memory).
    """
    chinese.prepare()
    size = chunk_size or CHUNK
    chunks = ((dirname, chunk) for chunk in _chunks(records, size))
    if expected is not None and expected > size:
        segments, count = _in_pool(chunks)
    else:
        first = next(chunks, None)
        second = next(chunks, None)
        if second is None:  # small: stay in this process
            segments = [_write_segment(first)] if first else []
            count = len(first[1]) if first else 0
        else:
            segments, count = _in_pool(itertools.chain([first, second], chunks))
    writer = _writer(ix)
    writer.commit(mergetype=lambda w, existing: existing + segments)
    return count


def _in_pool(jobs):
    """Write each job's segment in a pool of PROCS forked writers; return ``(segments in order, works)``."""
    _give_back_freed_memory()  # the writers start as a copy of this process
    segments, count = [], 0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(PROCS, initializer=_become_pool_writer) as pool:
        pending: collections.deque = collections.deque()
        for job in jobs:
            pending.append(pool.apply_async(_write_segment, (job,)))
            count += len(job[1])
            while len(pending) > PROCS:  # bound memory: do not read ahead
                segments.append(pending.popleft().get())
        segments.extend(p.get() for p in pending)
    return segments, count


def _give_back_freed_memory():
    """Return the C heap's free pages to the system (glibc), so forked writers do not count them.

    What a command freed before it indexes (an import's batches) stays in the
    process's resident memory, and every forked writer's resident size starts with it.
    """
    gc.collect()
    heap.give_back()


def _up_to_date(searcher) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:  # noqa: BLE001  its files are gone: certainly not
        return False


def to_whoosh(node, memo=None):
    """A plan (``plan``) as the Whoosh query ``bulk.Evaluator`` runs.

    ``memo`` (id -> (node, query)) gives the same node the same query object
    every time: the evaluator recognises a widening by its clauses' identity.
    A Whoosh query passes as it is (a benchmark's baseline parses its own).
    """
    if isinstance(node, wq.Query):
        return node
    if memo is not None:
        found = memo.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
    if isinstance(node, Term):
        q = wq.Term(node.field, node.text, boost=node.boost)
    elif isinstance(node, (And, Or)):
        kind = wq.And if isinstance(node, And) else wq.Or
        q = kind([to_whoosh(c, memo) for c in node.clauses], boost=node.boost)
    else:
        raise TypeError(f"not a plan node: {node!r}")
    if memo is not None:
        memo[id(node)] = (node, q)
    return q


class WhooshView:
    """``engine.View`` over one Whoosh searcher (its caches live as long as the index state)."""

    def __init__(self, engine, searcher):
        self._engine = engine
        self.s = searcher
        self.size = searcher.doc_count_all()
        self.cache = engine._caches(searcher).setdefault("policy", {})
        self._evaluator = None
        self._memo = {}

    def _eval(self):
        if self._evaluator is None:
            e = self._engine
            self._evaluator = bulk.Evaluator(self.s, e._segments, e._live(self.s), e._term_cache(self.s))
        return self._evaluator

    def live(self):
        return self._engine._live(self.s)

    def run(self, plan):
        return self._eval().run(to_whoosh(plan, self._memo))

    def matches(self, plan):
        return self._eval().matches(to_whoosh(plan, self._memo))

    def mask(self, field, value):
        return self._engine._mask(self.s, field, value)

    def values(self, field):
        lex = self._engine._caches(self.s).setdefault("lex", {})
        if field not in lex:  # each segment's terms once: merging every segment's lexicon cost 50 ms a commit
            segments = self._engine._segments
            parts = [segments.get(sub.reader(), ("lex", field), lambda r: frozenset(r.lexicon(field)))
                     for sub, _ in self.s.leaf_searchers()]
            lex[field] = [v.decode("utf-8") for v in sorted(frozenset().union(*parts))]
        return lex[field]

    def newest_first(self):
        return self._engine._newest_first(self.s)

    def doc_frequency(self, field, term):
        return self._eval().doc_frequency(field, term)

    def prefix_terms(self, field, prefix):
        return [t.decode("utf-8") if isinstance(t, bytes) else t
                for t in self.s.reader().expand_prefix(field, prefix)]

    def stored(self, slot):
        return self.s.stored_fields(slot)


class WhooshEngine(LocallySynced):
    """The Whoosh index of works in one directory (``engine.Engine``).

    :param path: directory of the index; nothing is created until a write.
    :param chunk_size: most works per segment written by a rebuild (CHUNK).
    """

    name = "whoosh"
    #: A serving process sets it (``Search.serving``): its commits leave merging to ``merging``.
    merge_elsewhere = False

    def __init__(self, path, chunk_size=CHUNK):
        self.path = Path(path)
        self.chunk_size = chunk_size
        self.state = LocalState(self.path)
        self._ix = None
        self._ix_dir = None
        self._cache_key = None
        self._cache = {}
        self._segments = bulk.Segments()
        self._local = threading.local()

    def _schema(self):
        """The schema this index is written and read with (a benchmark baseline overrides it)."""
        return make_schema()

    # -- layout ---------------------------------------------------------
    @property
    def _current(self):
        return self.path / "current"

    def exists(self):
        """Tell whether a complete index, built with this code's schema, is in place."""
        try:
            self._open()
            return True
        except IndexUnavailable:  # a broken or outdated index is not an index
            return False

    # -- writing --------------------------------------------------------
    def rebuild(self, records, expected=None, seq=None):
        """Index ``records`` into a fresh generation, then swap it in (and note ``seq`` as applied).

        :param expected: about how many records come, to cut them into even segments.
        :return: the number of works indexed.
        """
        gen = localstate.new_generation(self.path)
        try:
            ix = windex.create_in(str(gen), self._schema())
            count = _bulk_index(ix, str(gen), records, chunk_size(expected, self.chunk_size), expected)
            ix.close()
            localstate.mark_complete(gen)
            localstate.swap(self.path, gen)
            self.close()
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        localstate.drop_old_generations(self.path, keep={gen.name})
        if seq is not None:
            self.state.set_applied(seq)
        return count

    def _sweep_partial(self):
        localstate.sweep_partial(self.path)

    def update(self, records=(), delete_ids=()):
        """Upsert ``records`` by id and delete ``delete_ids`` in one commit.

        With ``merge_elsewhere`` (a serving process) the commit merges nothing and a process of
        its own merges the small segments when enough have gathered (``merging``).
        """
        ix = self._open()
        writer = _writer(ix, limitmb=256)
        try:
            for rec in records:
                writer.update_document(**document(rec))
            for work_id in delete_ids:
                writer.delete_by_term("id", work_id)
        except BaseException:
            writer.cancel()
            raise
        if self.merge_elsewhere:
            writer.commit(merge=False)
            merging.start_when_due(self.path, ix._segments())
        else:
            writer.commit()

    # -- reading --------------------------------------------------------
    def _open(self):
        try:
            target = self._current.resolve(strict=True)
            if self._ix is None or self._ix_dir != target:
                self.close()
                ix = sharedfiles.open_dir(str(target))  # one descriptor per file, not one per thread
                if _fingerprint(ix.schema) != _fingerprint(self._schema()):
                    ix.close()
                    raise IndexUnavailable(
                        "search index was built by an older version; it needs a rebuild")
                self._ix = ix
                self._ix_dir = target
            return self._ix
        except IndexUnavailable:
            raise
        except Exception as e:  # any failure to open means no usable index
            self.close()
            raise IndexUnavailable(f"search index unavailable: {e}") from e

    def doc_count(self):
        """Return the number of works in the index."""
        try:
            return self._open().doc_count()
        except IndexUnavailable:
            raise
        except Exception as e:
            raise IndexUnavailable(str(e)) from e

    def close(self):
        """Release the open index and this thread's searcher.

        Other threads' searchers notice the change and close themselves on
        their next search.
        """
        self._drop_searcher()
        if self._ix is not None:
            with contextlib.suppress(Exception):
                self._ix.close()
        self._ix = self._ix_dir = None
        self._cache_key, self._cache = None, {}
        self._segments = bulk.Segments()

    def read(self, fn):
        """``fn(view)`` on this thread's searcher; a searcher a commit made stale is replaced once.

        :raises IndexUnavailable: the index is missing, or its files went away or broke.
        """
        ix = self._open()
        for attempt in (1, 2):
            s = None
            try:
                s = self._searcher(ix)
                return fn(WhooshView(self, s))
            except IndexUnavailable:
                raise
            except Exception as e:
                # Opening failed (s is None): another process's commit replaced the table of contents
                # while Whoosh listed the folder, which then showed neither the old one nor the new.
                stale = s is None or not _up_to_date(s)
                self._drop_searcher()
                if stale and attempt == 1:
                    # A commit (an applied edit) merged this searcher's segments away while it
                    # read them (Whoosh opens a segment's stored fields lazily): ask the new ones.
                    continue
                if isinstance(e, (OSError, windex.IndexError)):  # files gone or unreadable: a stale index
                    self.close()
                    raise IndexUnavailable(f"search failed on the index: {e}") from e
                raise  # a bug, not a missing index: let it be logged and seen

    def _searcher(self, ix):
        """This thread's searcher, kept between searches while the index is unchanged.

        Opening a searcher reads every segment's stored-field offsets again
        (about 1.5 ms a segment at 100,000 works). Searchers are not
        thread-safe, so each thread keeps its own; it is closed and
        replaced as soon as the index has changed (a drained edit, a
        rebuild), and the generation it reads is kept until then.
        """
        local = self._local
        s = getattr(local, "searcher", None)
        if s is not None and (local.ix is not ix or not s.up_to_date()):
            self._drop_searcher()
            s = None
        if s is None:
            s = ix.searcher()
            local.searcher, local.ix = s, ix
        return s

    def _drop_searcher(self):
        """Close this thread's searcher."""
        s = getattr(self._local, "searcher", None)
        self._local.searcher = self._local.ix = None
        if s is not None:
            with contextlib.suppress(Exception):
                s.close()

    def _caches(self, s):
        key = (self._ix_dir, s.reader().generation(), s.doc_count_all())
        if key != self._cache_key:
            self._cache_key, self._cache = key, {}
        return self._cache

    def _term_cache(self, s):
        cache = self._caches(s)
        if "terms" not in cache:
            cache["terms"] = bulk.TermCache()
        return cache["terms"]

    def _mask(self, s, field, value):
        """Live docnums with ``field:value``, as a boolean array (cached)."""
        cache = self._caches(s).setdefault("masks", {})
        key = (field, value)
        if key not in cache:
            cache[key] = bulk.term_mask(s, self._segments, field, value) & self._live(s)
        return cache[key]

    def _live(self, s):
        """Every docnum not deleted, as a boolean array (cached)."""
        cache = self._caches(s)
        if "live" not in cache:
            live = np.ones(s.doc_count_all(), dtype=bool)
            for sub, offset in s.leaf_searchers():
                r = sub.reader()
                if r.has_deletions():  # the few deleted, not the many kept
                    gone = np.fromiter(r.deleted_docs_set, dtype=np.int64)
                    live[gone + offset] = False
            cache["live"] = live
        return cache["live"]

    def _newest_first(self, s):
        """Every live docnum, newest first: by ``added``, then year, then id."""
        cache = self._caches(s)
        if "order" not in cache:
            added = bulk.column(s, self._segments, "added", np.int64)
            year = bulk.column(s, self._segments, "year", np.int64)
            ids = bulk.column(s, self._segments, "id", str)
            order = np.lexsort((ids, year, added))[::-1]
            cache["order"] = order[self._live(s)[order]]
        return cache["order"]
