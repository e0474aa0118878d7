"""Match and score whole posting lists at once, with numpy.

Whoosh scores one document at a time through a tree of Python matchers,
about 30 µs per matching work: a question sharing a few common bigrams
with 15,000 of 100,000 works took 0.2 s. Here each term's postings are
read a block at a time and scored as arrays with Whoosh's own BM25F
formula, so the total, the facets and the top hits of a query come from
one pass over dense per-document arrays. ``Term``, ``Or`` and ``And``
(the queries :mod:`.query` builds) are evaluated here; anything else,
such as a phrase, is matched and scored by Whoosh itself, one segment at
a time, and joins the arrays like a term.

What a search pays per term and segment was most of a search at 100,000
works (eleven segments): terms are found and read with ``os.pread``
(:class:`Mapped`), an AND of terms intersects sorted docnum lists and
stops reading once nothing is left, a widening adds only its new clauses
to the strict tier's sums, and the pinyin word groups reuse the ANDs the
strict tier matched.

The results equal Whoosh's: ``tests/unit/test_search_bulk.py`` compares
them on generated queries.
"""
import collections
import io
import math
import os
import pickle
import struct
import threading
import zlib

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermsReader
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from . import sharedfiles

# Field length bytes (Whoosh's logarithmic encoding) to lengths.
_LENGTHS = np.array([byte_to_length(i) or 0 for i in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_W = np.zeros(0, dtype=np.float64)


def postings(reader, field, btext):
    """Docnums and weights of one term in one segment reader (deleted included).

    Reads Whoosh's W3 posting blocks directly: each block's pickled tuple
    of delta-encoded ids becomes an array with one ``cumsum`` instead of
    Whoosh's per-posting generator. Any other matcher (an inlined single
    posting) is walked.
    """
    try:  # one term lookup, not a test for the term and then a second lookup
        m = reader.postings(field, btext)
    except TermNotFound:
        return _EMPTY_IDS, _EMPTY_W
    if isinstance(m, FilterMatcher):  # deletions: the caller masks them out
        m = m.child
        m.reset()  # the filter has moved it past deleted works: all are counted
    if not isinstance(m, W3LeafMatcher) or m._byteids:
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    ids, weights = [], []
    while not m._atend:
        m._read_data()
        raw, w = m._data[0], m._data[1]
        n = m._blocklength
        ids.append(np.cumsum(np.fromiter(raw, dtype=np.int64, count=len(raw))))
        weights.append(_weights(w, n))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    if len(ids) <= 1:
        return (ids[0], weights[0]) if ids else (_EMPTY_IDS, _EMPTY_W)
    return np.concatenate(ids), np.concatenate(weights)


_POINTER = struct.Struct("!Iq")  # a hash table slot: key hash, item position
_LENGTHS_ST = struct.Struct("!ii")  # an item's key and value lengths
_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo without its postings pointer
_EXTENT = struct.Struct("!qi")
_INT = struct.Struct("!i")
INFOS = 256  # term infos a segment keeps
_UNKNOWN = object()


class Mapped:
    """One W3 segment's term index and postings, read with ``os.pread``.

    Whoosh finds a term through a buffered file: some seven seeks and
    reads and a matcher object per segment, about 50 µs, paid for every
    term in every segment (eleven at 100,000 works). Here the same hash
    table lookup is two reads at known offsets and a posting list one read
    of its whole extent. (A memory map was as fast but counted every page
    it touched in the server's resident memory: 700 MB after a benchmark.)
    The files are opened here, not borrowed from Whoosh's reader, so they
    stay valid for as long as the segment is cached. Built by :meth:`open`,
    which returns None for anything but plain W3 files.
    """

    def __init__(self, tindex, fieldmap, terms_path, posts_path):
        self._tables = tindex.tables
        self._hash = tindex.hashfn
        self._fieldmap = fieldmap
        self._infos = {}  # recent term infos by key (the files never change)
        self._paths = (terms_path, posts_path)
        self._t = sharedfiles.acquire(terms_path)  # the descriptors the searchers read the files through
        try:
            self._p = sharedfiles.acquire(posts_path)
        except OSError:  # a segment a rebuild just removed: give back what was opened, once
            sharedfiles.release(terms_path, self._t)
            self._t = None
            raise

    @classmethod
    def open(cls, reader):
        try:
            terms = reader._terms
            tindex = terms._tindex
            if type(terms) is not W3TermsReader or tindex.startoffset != 0:
                return None
            files = [f.file for f in (tindex.dbfile, terms._postfile)]
            if not all(isinstance(f, io.BufferedReader) for f in files):
                return None  # a part of a compound file, or not a file at all
            paths = [f.name for f in files]
            return cls(tindex, terms._fieldmap, *paths)
        except (AttributeError, OSError):  # another codec or storage
            return None

    def __del__(self):
        # Each descriptor is given back once: closing a number twice may close whatever file reused it.
        for name, path in zip(("_t", "_p"), getattr(self, "_paths", ())):
            fd = getattr(self, name, None)
            if fd is not None:
                setattr(self, name, None)
                sharedfiles.release(path, fd)

    def _find(self, key):
        """The term index's value for ``key`` (bytes), or None."""
        h = self._hash(key)
        start, slots = self._tables[h & 255]
        if not slots:
            return None
        t, size = self._t, _POINTER.size
        end = start + slots * size
        pos = start + ((h >> 8) % slots) * size
        for _ in range(slots):
            slothash, item = _POINTER.unpack(os.pread(t, size, pos))
            if not item:
                return None
            if slothash == h:
                # the lengths, the key and (most often all of) the value in one read
                head = _LENGTHS_ST.size + len(key)
                buf = os.pread(t, head + 64, item)
                keylen, datalen = _LENGTHS_ST.unpack_from(buf)
                if keylen == len(key) and buf[_LENGTHS_ST.size:head] == key:
                    value = buf[head:head + datalen]
                    if len(value) < datalen:
                        value = os.pread(t, datalen, item + head)
                    return value
            pos += size
            if pos == end:
                pos = start
        return None

    def _info(self, field, btext):
        """The term info of ``field:btext``, or None; the last few are kept (a term's frequency is
        asked just before its postings are read)."""
        fnum = self._fieldmap.get(field)
        if fnum is None:
            return None
        key = struct.pack("!H", fnum) + btext
        infos = self._infos  # shared by threads: one get, no test-then-read
        info = infos.get(key, _UNKNOWN)
        if info is _UNKNOWN:
            if len(infos) >= INFOS:
                infos.clear()
            info = infos[key] = self._find(key)
        return info

    def doc_frequency(self, field, btext):
        """How many documents of the segment hold the term (deleted included), from its term info alone."""
        info = self._info(field, btext)
        return 0 if info is None else _TERMINFO.unpack_from(info)[2]

    def postings(self, field, btext):
        """Docnums and weights of one term, as :func:`postings` reads them."""
        info = self._info(field, btext)
        if info is None:
            return _EMPTY_IDS, _EMPTY_W
        if info[0]:  # postings inlined in the term info
            ids, weights, _ = pickle.loads(info[_TERMINFO.size:])
            return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
        offset, length = _EXTENT.unpack_from(info, _TERMINFO.size)
        data = os.pread(self._p, length, offset)
        if data[:4] != WHOOSH3_HEADER_MAGIC:
            raise ValueError("not a W3 postings list")
        buf = io.BytesIO(data)
        pos, ids, weights = 4, [], []
        while True:
            size = _INT.unpack_from(data, pos)[0]
            buf.seek(pos + 4)
            count, _, _, compression, _, _ = pickle.load(buf)
            block = data[buf.tell():pos + 4 + abs(size)]
            raw, w, _ = pickle.loads(zlib.decompress(block) if compression else block)
            ids.append(np.cumsum(np.fromiter(raw, dtype=np.int64, count=len(raw))))
            weights.append(_weights(w, count))
            if size < 0:  # the last block
                break
            pos += 4 + size
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)


def _weights(w, n):
    """A block's weights as Whoosh stores them: None for all ones, one float, or each."""
    if w is None:
        return np.ones(n)
    if isinstance(w, float):
        return np.full(n, w)
    return np.fromiter(w, dtype=np.float64, count=len(w))  # a tuple of floats: several times faster than asarray


def field_lengths(reader, field):
    """Every document's length of ``field`` in one segment, as Whoosh stores it."""
    n = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    col = None
    if perdoc is not None:
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            col = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        except Exception:  # another codec: read them one by one below
            perdoc = None
    if perdoc is not None:
        if col is None:  # no document of this segment has the field
            return np.ones(n, dtype=np.float64)
        raw = np.frombuffer(col._dbfile.get(col._basepos, col._count), dtype=np.uint8)
        out = np.zeros(n, dtype=np.float64)
        out[:len(raw)] = _LENGTHS[raw[:n]]
        return out
    return np.array([reader.doc_field_length(d, field, 1) or 0 for d in range(n)],
                    dtype=np.float64)


class Segments:
    """Per-segment data that never changes while the segment lives.

    A segment's postings, lengths and column values are immutable
    (deletions aside, which the live mask handles), so whatever is derived
    from them is computed once and kept until the segment is gone. An edit
    then costs a recomputation for its own small segment, not the index.
    """

    def __init__(self):
        self._data = {}

    def get(self, reader, key, compute):
        """``compute(reader)`` for this segment, computed once (each time for an empty index's reader,
        which has no segment to key it by)."""
        segment = reader.segment()
        if segment is None:
            return compute(reader)
        full = (segment.segment_id(), key)
        found = self._data.get(full)
        if found is None:  # searches in other threads may fill or prune it meanwhile
            found = self._data[full] = compute(reader)
        return found

    def mapped(self, reader):
        """The segment's :class:`Mapped` files, or None when they cannot be read so."""
        return self.get(reader, "mapped", lambda r: Mapped.open(r) or False) or None

    def lengths(self, reader, field):
        return self.get(reader, ("lengths", field), lambda r: field_lengths(r, field))

    def gather(self, searcher, key, compute):
        """One array over all of ``searcher``'s segments, each part computed once."""
        parts = [self.get(sub.reader(), key, compute) for sub, _ in searcher.leaf_searchers()]
        return np.concatenate(parts) if parts else np.zeros(0)

    def keep_only(self, segment_ids):
        """Forget segments no longer in the index."""
        for key in [k for k in list(self._data) if k[0] not in segment_ids]:
            self._data.pop(key, None)


class TermCache:
    """The scored postings of recently used terms, bounded by bytes.

    A query reads the same terms several times (its strict and loose
    forms, the words of an ambiguous pinyin query) and the common ones
    again in the next query. Valid while the index is unchanged: the
    search index makes a new one when it changes.
    """

    def __init__(self, budget=32 << 20):
        self.budget = budget
        self.size = 0
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()
        self.norms = {}  # field -> BM25 length normalization of every docnum

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value):
        size = sum(a.nbytes for a in value) + 100
        if size > self.budget // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.size += size
            while self.size > self.budget and self._items:
                _, old = self._items.popitem(last=False)
                self.size -= sum(a.nbytes for a in old) + 100


class Evaluator:
    """Evaluate Whoosh queries over one searcher into dense arrays.

    :param searcher: an open Whoosh searcher (BM25F weighting).
    :param segments: a :class:`Segments` cache shared across searches.
    :param live: boolean array, True for every live (undeleted) docnum.
    :param terms: a :class:`TermCache` for this state of the index.
    """

    def __init__(self, searcher, segments, live, terms=None):
        self.terms = terms if terms is not None else TermCache()
        if not isinstance(searcher.weighting, BM25F):
            raise TypeError("bulk scoring implements BM25F only")
        self.s = searcher
        self.segments = segments
        self.live = live
        self.n = searcher.doc_count_all()
        # An index with no document yet has one empty reader and no segment: nothing to read from.
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()
                       if sub.reader().segment() is not None]
        self.segments.keep_only({r.segment().segment_id() for r, _ in self.leaves})
        self._mapped = [segments.mapped(r) for r, _ in self.leaves]
        self.k1 = searcher.weighting.K1
        self._matches = {}  # an And of terms -> its docnums, as last evaluated
        self._last = None  # (clauses, scores, hits) of the last run, before masking

    def run(self, query):
        """Return ``(scores, hits)``: float scores and a boolean match mask.

        A widening (``Or(a + b)`` right after ``Or(a)``, the same clause
        objects) evaluates only ``b`` and adds it to what ``a`` gave: an
        ``Or`` adds its clauses one after another, so the sums are the same.
        """
        clauses = _plain_or(query)
        last = self._last
        if clauses and last and len(last[0]) < len(clauses) and \
                all(a is b for a, b in zip(last[0], clauses)):
            scores, hits = last[1].copy(), last[2].copy()
            for sub in clauses[len(last[0]):]:
                self._add(sub, 1.0, scores, hits)
        else:
            scores = np.zeros(self.n, dtype=np.float64)
            hits = np.zeros(self.n, dtype=bool)
            self._add(query, 1.0, scores, hits)
        if clauses:
            self._last = (clauses, scores.copy(), hits.copy())
        hits &= self.live
        scores[~hits] = 0.0
        return scores, hits

    def matches(self, query):
        """Docnums (deleted included) of a term or an AND of terms.

        An AND a run has evaluated is not read again: the search asks for
        the works of each word a pinyin query reads as, and the strict
        query has just matched each word.
        """
        if isinstance(query, wq.Term):
            return self.term(query.fieldname, query.text)[0]
        key = _and_key(query)
        if key is None:
            hits = np.zeros(self.n, dtype=bool)
            self._add(query, 1.0, np.zeros(self.n, dtype=np.float64), hits)
            return np.flatnonzero(hits)
        if key not in self._matches:
            self._and_terms(query.subqueries, 0.0, None, None)
        return self._matches[key]

    def _add(self, q, boost, scores, hits):
        """Add ``q``'s scores (times ``boost``) into ``scores``; mark its matches."""
        if isinstance(q, wq.Term):
            self._term(q, boost * q.boost, scores, hits)
        elif isinstance(q, (wq.Or, wq.And)) and len(q.subqueries) == 1:
            # Whoosh matches a lone subquery directly, without its parent's boost.
            self._add(q.subqueries[0], boost, scores, hits)
        elif type(q) in (wq.Or, wq.DefaultOr) and not q.minmatch and not q.scale:
            for sub in q.subqueries:
                self._add(sub, boost * q.boost, scores, hits)
        elif _and_key(q) is not None:
            self._and_terms(q.subqueries, boost * q.boost, scores, hits)
        elif type(q) is wq.And and q.subqueries:
            both = None
            part = np.zeros(self.n, dtype=np.float64)
            for sub in q.subqueries:
                mine = np.zeros(self.n, dtype=bool)
                self._add(sub, boost * q.boost, part, mine)
                both = mine if both is None else both & mine
            scores += np.where(both, part, 0.0)
            hits |= both
        elif isinstance(q, (wq.Or, wq.And)) and not q.subqueries:
            return
        else:
            self._whoosh(q, boost, scores, hits)

    def _and_terms(self, terms, boost, scores, hits):
        """An AND of terms over their sorted docnum lists, not dense arrays.

        Terms are intersected as they are read, and reading stops when
        nothing is left. Each work's score sums the terms' parts in the
        AND's order, as the dense evaluation does, so the sums are equal.
        """
        read, common = [], None
        for t in terms:
            ids, part = self.term(t.fieldname, t.text)
            read.append((ids, part))
            common = ids if common is None else _intersect(common, ids)
            if not len(common):
                break
        self._matches[tuple((t.fieldname, t.text) for t in terms)] = common
        if scores is None or not len(common):
            return
        acc = np.zeros(len(common), dtype=np.float64)
        for (ids, part), t in zip(read, terms):
            acc += part[np.searchsorted(ids, common)] * (boost * t.boost)
        scores[common] += acc
        hits[common] = True

    def _term(self, q, boost, scores, hits):
        ids, part = self.term(q.fieldname, q.text)
        if len(ids):
            scores[ids] += part * boost
            hits[ids] = True

    def term(self, field, text):
        """Docnums (over the whole index) and unboosted BM25F scores of ``field:text``."""
        key = (field, text)
        found = self.terms.get(key)
        if found is None:
            found = self._read_term(field, text)
            self.terms.put(key, found)
        return found

    def doc_frequency(self, field, text):
        """Whoosh's document frequency of ``field:text`` (deleted works included), without Whoosh's look-up.

        A term already read is counted from its postings; otherwise each segment's term info is read
        with two ``pread`` calls, where Whoosh's reader took about 30 µs a segment through its
        buffered files (the other-language search asks it of every translated term).
        """
        found = self.terms.get((field, text))
        if found is not None:
            return len(found[0])
        if field not in self.s.schema:
            return 0
        try:
            btext = self.s.schema[field].to_bytes(text)
        except ValueError:
            return 0
        return sum(mapped.doc_frequency(field, btext) if mapped else reader.doc_frequency(field, btext)
                   for (reader, _), mapped in zip(self.leaves, self._mapped))

    def _read_term(self, field, text):
        if field not in self.s.schema:
            return _EMPTY_IDS, _EMPTY_W
        try:
            btext = self.s.schema[field].to_bytes(text)
        except ValueError:
            return _EMPTY_IDS, _EMPTY_W
        all_ids, all_weights = [], []
        for (reader, offset), mapped in zip(self.leaves, self._mapped):
            ids, weights = mapped.postings(field, btext) if mapped else \
                postings(reader, field, btext)
            if len(ids):
                all_ids.append(ids + offset)
                all_weights.append(weights)
        if not all_ids:
            return _EMPTY_IDS, _EMPTY_W
        if len(all_ids) == 1:
            ids, weights = all_ids[0], all_weights[0]
        else:
            ids, weights = np.concatenate(all_ids), np.concatenate(all_weights)
        if not self.s.schema[field].scorable:
            return ids, weights
        # Whoosh's BM25F idf; the document frequency is the number of
        # postings read (deleted works included, as Whoosh counts them),
        # which spares a second lookup of the term in every segment.
        idf = math.log(self.n / (len(ids) + 1)) + 1
        return ids, idf * (weights * (self.k1 + 1)) / (weights + self._norm(field)[ids])

    def _norm(self, field):
        """BM25's length normalization of every docnum (kept while the index is unchanged)."""
        norm = self.terms.norms.get(field)
        if norm is None:
            avgfl = self.s.avg_field_length(field) or 1
            w = self.s.weighting
            b = w._field_B.get(field, w.B)
            lengths = [self.segments.lengths(r, field) for r, _ in self.leaves]
            lengths = np.concatenate(lengths) if lengths else np.zeros(0)
            norm = self.terms.norms[field] = w.K1 * ((1 - b) + b * lengths / avgfl)
        return norm

    def _whoosh(self, q, boost, scores, hits):
        """Let Whoosh match ``q`` (a phrase, say) segment by segment."""
        context = self.s.context()
        for sub, offset in self.s.leaf_searchers():
            m = q.matcher(sub, context)
            ids, part = [], []
            while m.is_active():
                ids.append(m.id())
                part.append(m.score())
                m.next()
            if ids:
                ids = np.array(ids, dtype=np.int64) + offset
                scores[ids] += np.array(part, dtype=np.float64) * boost
                hits[ids] = True


def _plain_or(q):
    """The clauses of an unweighted OR of two or more clauses, else None."""
    if type(q) is wq.Or and q.boost == 1.0 and len(q.subqueries) > 1 \
            and not q.minmatch and not q.scale:
        return q.subqueries
    return None


def _and_key(q):
    """``((field, text), ...)`` of an AND of two or more terms, else None."""
    if type(q) is wq.And and len(q.subqueries) > 1 and \
            all(type(t) is wq.Term for t in q.subqueries):
        return tuple((t.fieldname, t.text) for t in q.subqueries)
    return None


def _intersect(a, b):
    """The common values of two sorted arrays of distinct docnums."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return a[b[at] == a]


def term_mask(searcher, segments, field, text):
    """Every docnum (deleted included) that has ``field:text``."""
    btext = searcher.schema[field].to_bytes(text)

    def compute(reader):
        mask = np.zeros(reader.doc_count_all(), dtype=bool)
        mask[postings(reader, field, btext)[0]] = True
        return mask

    return segments.gather(searcher, ("mask", field, btext), compute)


def column(searcher, segments, field, dtype):
    """Every docnum's value of a column field, as an array."""
    return segments.gather(searcher, ("column", field),
                           lambda r: np.array(list(r.column_reader(field)), dtype=dtype))
