"""A segment writer that writes the same files as Whoosh's, with arrays.

Whoosh's ``SegmentWriter`` sends every posting through a sorting pool as a
tuple, then back through a writer that buffers it, checks its types and
tracks block statistics one posting at a time: about 10 µs per posting,
most of a rebuild (a work has some 600 postings). Here the analyzed
fields (``analysis.TermsField``) keep three flat columns per field (term,
docnum, frequency) filled a document at a time with C-level ``extend``;
at the end one stable ``argsort`` groups them by term, and the block
statistics come from numpy, leaving Python only a few steps per term.
Other fields (ids, keywords, English) take the plain per-posting path.
Stored fields, lengths and columns go through Whoosh's own per-document
writer.

The files are Whoosh's W3 format, byte for byte what Whoosh writes for the
same documents (``tests/unit/test_segwriter.py`` compares them), so Whoosh
reads them as its own.
"""
import struct
from array import array
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

# What Whoosh writes for lengths it was not given (the codec keeps no
# length statistics, see ``index._codec``).
_NO_MIN_LENGTH = length_to_byte(None)
_NO_MAX_LENGTH = length_to_byte(0)
# W3TermInfo.to_bytes for a term whose postings are in the postings file.
_TERMINFO = struct.Struct("!BfIBBfIIqi")
_LENGTHS = struct.Struct("!ii")  # a hash file entry's key and value lengths


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` for whole segments written once (rebuilds).

    Supports what this project's schema uses: no term vectors, no separate
    spelling fields, no inlined postings, no compression, no length
    statistics. Anything else is refused at creation, not written wrong.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        codec = self.codec
        if codec.length_stats or codec._compression or codec._inlinelimit > 1:
            raise ValueError("FastSegmentWriter needs a codec without length stats, "
                             "compression or inlining")
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling fields are not supported")
        self._blocklimit = codec._blocklimit
        self._columns = {}  # field name -> _Columns (analyzed fields)
        self._terms = {}  # field name -> {term bytes: [ids, weights, values]} (the rest)

    def add_document(self, **fields):
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pdw = self.perdocwriter
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, name, docboost)
                    counts = field.counts(value) if boost == 1.0 and hasattr(field, "counts") else None
                    if counts is not None:
                        length = self._add_counts(name, counts, docnum)
                    else:
                        length = self._add_terms(name, field, field.index(value), docnum, boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get(f"_stored_{name}", value)
                pdw.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_counts(self, name, counts, docnum):
        cols = self._columns.get(name)
        if cols is None:
            cols = self._columns[name] = _Columns()
        return cols.add(counts, docnum)

    def _add_terms(self, name, field, items, docnum, boost):
        """One document's postings of one field, the plain way; return its length."""
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
        fixed = field.format.fixed_value_size()
        joined = fixed is not None and fixed >= 0  # fixed-size values are kept as one byte string
        length = 0
        for btext, freq, weight, vbytes in items:
            length += freq
            entry = terms.get(btext)
            if entry is None:
                entry = terms[btext] = [array("I"), array("f"), bytearray() if joined else []]
            entry[0].append(docnum)
            entry[1].append(weight * boost)
            if vbytes:
                if joined:
                    entry[2] += vbytes
                else:
                    entry[2].append(vbytes)
        return length

    def _flush_segment(self):
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in sorted(set(self._columns) | set(self._terms)):
            if name in self._columns and name in self._terms:
                raise ValueError(f"field {name!r} was indexed two ways")
            field = self.schema[name]
            cols, terms = self._columns.pop(name, None), self._terms.pop(name, None)
            if not (cols.vocab if cols is not None else terms):
                continue  # Whoosh starts no field that has no postings
            fw.start_field(name, field)
            if cols is not None:
                _write_columns(fw, cols, self._blocklimit)
            else:
                _write_terms(fw, field, terms, self._blocklimit)
            fw.finish_field()
        fw.close()


class _Vocab(dict):
    """Term -> arrival number, numbering new terms as they come."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class _Columns:
    """One analyzed field's postings in arrival order: term numbers and frequencies,
    and how many postings each document brought.

    Terms are numbered on arrival so each posting costs 8 bytes, not a
    string of its own: 10,000 works hold some six million postings.
    """

    __slots__ = ("vocab", "tids", "freqs", "doc_ids", "sizes")

    def __init__(self):
        self.vocab = _Vocab()
        self.tids = array("I")
        self.freqs = array("I")
        self.doc_ids = array("I")
        self.sizes = array("I")

    def add(self, counts, docnum):
        """Add one document's ``{term: frequency}``; return the field's length."""
        self.tids.extend(map(self.vocab.__getitem__, counts))
        freqs = counts.values()
        self.freqs.extend(freqs)
        self.doc_ids.append(docnum)
        self.sizes.append(len(counts))
        return sum(freqs)

    def docnums(self):
        """Each posting's docnum, in arrival order."""
        return np.repeat(np.frombuffer(self.doc_ids, dtype=np.uint32).astype(np.int64),
                         np.frombuffer(self.sizes, dtype=np.uint32))


# Terms are turned into Python objects this many postings at a time.
BATCH = 1 << 18


def _write_columns(fw, cols, limit):
    """Write one analyzed field's terms, each term's postings in blocks of ``limit``.

    Terms sort by code point, which is their UTF-8 byte order (Whoosh's).
    Frequencies are the weights (field boost 1) and the 4-byte values.
    """
    terms = sorted(cols.vocab)
    rank = np.empty(len(terms), dtype=np.int64)
    rank[np.fromiter(map(cols.vocab.__getitem__, terms), dtype=np.int64, count=len(terms))] = \
        np.arange(len(terms))
    cols.vocab = None
    tid = rank[np.frombuffer(cols.tids, dtype=np.uint32)]
    del rank
    order = np.argsort(tid, kind="stable")  # by term, then docnum (arrival order)
    counts = np.bincount(tid, minlength=len(terms))
    del tid
    docs = cols.docnums()[order]
    freqs = np.frombuffer(cols.freqs, dtype=np.uint32)[order]
    del order
    cols.tids = cols.doc_ids = cols.sizes = cols.freqs = None
    tstart = np.concatenate(([0], np.cumsum(counts)[:-1]))
    tend = tstart + counts
    # Blocks: each term's postings cut every ``limit``.
    nblocks = (counts + limit - 1) // limit
    bterm = np.repeat(np.arange(len(terms)), nblocks)
    bstart = tstart[bterm] + (np.arange(len(bterm)) - np.repeat(np.cumsum(nblocks) - nblocks, nblocks)) * limit
    bend = np.minimum(bstart + limit, tend[bterm])
    del bterm
    deltas = docs.copy()
    deltas[1:] -= docs[:-1]
    deltas[bstart] = docs[bstart]  # each block's ids start from 0
    blocks = _BlockStats(docs, freqs, bstart, bend)
    tsum = np.add.reduceat(freqs.astype(np.int64), tstart).tolist()
    tmax = np.maximum.reduceat(freqs, tstart).tolist()
    first, final = docs[tstart].tolist(), docs[tend - 1].tolist()
    del docs
    values = freqs.astype(">u4").tobytes()
    tstart, tend, nblocks = tstart.tolist(), tend.tolist(), nblocks.tolist()

    postfile, tindex = fw._postfile, fw._tindex
    prefix = pack_ushort(fw._fieldid)
    pos = postfile.tell()
    b, lo_post, batch = 0, 0, []
    out, entries = [], []
    for t, term in enumerate(terms):
        s0 = tstart[t]
        if tend[t] > lo_post + len(batch):  # the next stretch of postings as Python ints
            lo_post = s0
            batch = deltas[s0:max(tend[t], s0 + BATCH)].tolist()
            _flush(postfile, out, tindex, entries)
        start = pos
        out.append(WHOOSH3_HEADER_MAGIC)
        pos += 4
        for _ in range(nblocks[t]):
            s, e, hi, lo, lastid = blocks.row(b)
            mini_w = (None if hi == 1 else float(hi)) if hi == lo else tuple(map(float, freqs[s:e].tolist()))
            data = dumps((tuple(batch[s - lo_post:e - lo_post]), mini_w, values[s * 4:e * 4]), 2)
            info = dumps((e - s, lastid, float(hi), 0, _NO_MIN_LENGTH, _NO_MAX_LENGTH), 2)
            size = len(info) + len(data)
            b += 1
            out.append(pack_int(-size if e == tend[t] else size))
            out.append(info)
            out.append(data)
            pos += 4 + size
        entries.append((prefix + term.encode("utf-8"),
                        _TERMINFO.pack(0, tsum[t], tend[t] - s0, 0, _NO_MAX_LENGTH, tmax[t],
                                       first[t], final[t], start, pos - start)))
    _flush(postfile, out, tindex, entries)


class _BlockStats:
    """Each block's bounds, highest and lowest frequency and last docnum, as Python lists."""

    def __init__(self, docs, freqs, bstart, bend):
        self.start, self.end = bstart.tolist(), bend.tolist()
        self.hi = np.maximum.reduceat(freqs, bstart).tolist()
        self.lo = np.minimum.reduceat(freqs, bstart).tolist()
        self.last = docs[bend - 1].tolist()

    def row(self, b):
        return self.start[b], self.end[b], self.hi[b], self.lo[b], self.last[b]


def _flush(postfile, out, tindex, entries):
    """Write what is gathered of the postings and their term dictionary entries."""
    if out:
        postfile.write(b"".join(out))
        out.clear()
    if entries:
        _add_entries(tindex, entries)
        entries.clear()


def _add_entries(tindex, entries):
    """``OrderedHashWriter.add`` for many sorted entries, written as one blob."""
    dbfile = tindex.dbfile
    pos = dbfile.tell()
    hashfn, buckets, index = tindex.hashfn, tindex.buckets, tindex.index
    if entries and entries[0][0] <= tindex.lastkey:
        raise ValueError("keys must increase")
    blob = []
    for key, value in entries:
        blob.append(_LENGTHS.pack(len(key), len(value)))
        blob.append(key)
        blob.append(value)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        index.append(pos)
        pos += 8 + len(key) + len(value)
    dbfile.write(b"".join(blob))
    if entries:
        tindex.lastkey = entries[-1][0]


def _write_terms(fw, field, terms, limit):
    """Write one field's terms from per-term lists (the plain path)."""
    prefix = pack_ushort(fw._fieldid)
    postfile, tindex = fw._postfile, fw._tindex
    fixed = field.format.fixed_value_size()
    for btext in sorted(terms):
        ids, weights, values = terms[btext]
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        n = len(ids)
        for s in range(0, n, limit):
            e = min(n, s + limit)
            _write_block(postfile, ids[s:e], weights[s:e], _block_values(values, fixed, s, e),
                         last=e == n)
        info = W3TermInfo()
        info._weight = sum(weights)
        info._df = n
        info._maxweight = max(weights)
        info._minid = ids[0]
        info._maxid = ids[-1]
        info.set_extent(start, postfile.tell() - start)
        tindex.add(prefix + btext, info.to_bytes())


def _block_values(values, fixed, s, e):
    """A block's values as Whoosh minifies them (``W3PostingsWriter._mini_values``)."""
    if fixed is None or fixed < 0:
        return tuple(values[s:e])
    if fixed == 0:
        return None
    return bytes(values[s * fixed:e * fixed])


def _write_block(postfile, ids, weights, values, last):
    """One block exactly as ``W3PostingsWriter._write_block`` writes it (uncompressed)."""
    prev, deltas = 0, []
    for d in ids:
        deltas.append(d - prev)
        prev = d
    first = weights[0]
    mini_w = (None if first == 1.0 else first) if all(w == first for w in weights) else tuple(weights)
    data = dumps((tuple(deltas), mini_w, values), 2)
    info = dumps((len(ids), ids[-1], max(weights), 0, _NO_MIN_LENGTH, _NO_MAX_LENGTH), 2)
    size = len(info) + len(data)
    postfile.write_int(-size if last else size)
    postfile.write(info)
    postfile.write(data)
