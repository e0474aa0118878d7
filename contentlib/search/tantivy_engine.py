"""The tantivy engine (``engine.Engine``; ``pip install contentlib[tantivy]``, ``CONTENTLIB_SEARCH_ENGINE=tantivy``).

It indexes the very terms the analysis gives (``tokens.field_terms``), joined
with spaces into fields that tantivy splits on whitespace only, and runs the
policy's plans as tantivy boolean queries (BM25). Its answers are dense arrays
over slots: each segment's documents one after another, in the order of a
searcher's segments. The folder layout (generations, ``current``, cursor,
writer lock) is ``localstate``'s, as for Whoosh.
"""

from __future__ import annotations

import collections
import itertools
import json
import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import tantivy

from ..errors import IndexUnavailable
from . import chinese, localstate
from .engine import KEYWORD_FIELDS, TEXT_FIELDS
from .fields import document
from .localstate import LocallySynced, LocalState
from .plan import And, Or, Term
from .tokens import field_terms

FORMAT = "contentlib-tantivy 1"  # written into each generation; another format is not this engine's index
MARK = "ENGINE"
# Field weights, tuned once on eval-dev (bench/tantivy_tune.py): tantivy's BM25 is not
# Whoosh's BM25F (another idf, no per-field B), so the same plan weighs fields a little apart.
FIELD_BOOST = {"bo": 1.0, "bo2": 1.0, "zh": 1.5, "zhw": 1.0, "py": 1.0, "py2": 1.0, "en": 1.0}
WRITER_HEAP = 256_000_000
PROCS = max(1, min(2, os.cpu_count() or 1))
CHUNK = 500  # records a tokenising process takes at a time


SEARCHED = frozenset(("id",) + KEYWORD_FIELDS + TEXT_FIELDS)  # fields a term can be looked for in


def make_schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="basic")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    sb.add_integer_field("added", fast=True, indexed=False)
    sb.add_integer_field("year", fast=True, indexed=False)
    sb.add_bytes_field("doc", stored=True, indexed=False)
    return sb.build()


def _term(text):
    """A term as the whitespace tokenizer keeps it whole (ASCII whitespace inside becomes NBSP)."""
    return "".join("\u00a0" if c in " \t\n\r\x0b\x0c" else c for c in text) if any(
        c in " \t\n\r\x0b\x0c" for c in text) else text


def tokenised(rec):
    """A record's field values as plain data: the text fields as their terms joined by spaces."""
    fields = document(rec)
    out = {"id": fields["id"], "added": fields["added"], "year": fields["year"],
           "doc": json.dumps(fields["doc"], ensure_ascii=False).encode("utf-8")}
    for name in KEYWORD_FIELDS:
        if fields.get(name):
            out[name] = fields[name]
    for name in TEXT_FIELDS:
        text = fields.get(name)
        if text:
            terms = [_term(t) for t in field_terms(name, text) if t.strip()]
            if terms:
                out[name] = " ".join(terms)
    return out


def _tokenised_chunk(records):
    return [tokenised(r) for r in records]


def _document(values):
    doc = tantivy.Document()
    for name, value in values.items():
        if name in ("added", "year"):
            doc.add_integer(name, value)
        elif name == "doc":
            doc.add_bytes(name, value)
        else:
            doc.add_text(name, value)
    return doc


class _State:
    """One searcher and what is derived from it, valid while the index is unchanged."""

    def __init__(self, key, index, schema):
        self.key = key
        self.schema = schema
        self.searcher = index.searcher()
        every = self.searcher.search(tantivy.Query.all_query(), max(1, self.searcher.num_docs), count=False).hits
        seg = np.array([a.segment_ord for _, a in every], dtype=np.int64)
        doc = np.array([a.doc for _, a in every], dtype=np.int64)
        nseg = int(seg.max()) + 1 if len(seg) else 0
        lengths = np.zeros(nseg, dtype=np.int64)
        if len(seg):
            np.maximum.at(lengths, seg, doc + 1)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.size = int(self.offsets[-1])
        self.live = np.zeros(self.size, dtype=bool)
        self.live[self.slots(seg, doc)] = True
        self.every = [a for _, a in every]
        self.cache = {}
        self.lock = threading.Lock()

    def slots(self, seg, doc):
        return self.offsets[seg] + doc

    def address(self, slot):
        seg = int(np.searchsorted(self.offsets, slot, side="right") - 1)
        return tantivy.DocAddress(seg, int(slot - self.offsets[seg]))


def to_tantivy(node, schema):
    """A plan as a tantivy query; an AND or OR of one clause is that clause, without its own boost."""
    if isinstance(node, Term):
        if node.field not in SEARCHED:
            return tantivy.Query.empty_query()  # as Whoosh: a field it does not have matches nothing
        q = tantivy.Query.term_query(schema, node.field, _term(node.text))
        boost = node.boost * FIELD_BOOST.get(node.field, 1.0)
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q
    if isinstance(node, (And, Or)):
        if len(node.clauses) == 1:
            return to_tantivy(node.clauses[0], schema)
        if not node.clauses:
            return tantivy.Query.empty_query()
        occur = tantivy.Occur.Must if isinstance(node, And) else tantivy.Occur.Should
        q = tantivy.Query.boolean_query([(occur, to_tantivy(c, schema)) for c in node.clauses])
        return tantivy.Query.boost_query(q, node.boost) if node.boost != 1.0 else q
    raise TypeError(f"not a plan node: {node!r}")


class TantivyView:
    """``engine.View`` over one tantivy searcher."""

    def __init__(self, state):
        self._st = state
        self.size = state.size
        self.cache = state.cache.setdefault("policy", {})

    def live(self):
        return self._st.live

    def _hits(self, query):
        st = self._st
        # Counted first: a collector of every document's size costs more than a second pass.
        first = st.searcher.search(query, 1, count=True)
        hits = first.hits if first.count <= 1 else st.searcher.search(query, first.count, count=False).hits
        scores = np.zeros(st.size, dtype=np.float64)
        matched = np.zeros(st.size, dtype=bool)
        if hits:
            slots = st.slots(np.fromiter((a.segment_ord for _, a in hits), dtype=np.int64, count=len(hits)),
                             np.fromiter((a.doc for _, a in hits), dtype=np.int64, count=len(hits)))
            scores[slots] = np.fromiter((s for s, _ in hits), dtype=np.float64, count=len(hits))
            matched[slots] = True
        return scores, matched

    def run(self, plan):
        scores, matched = self._hits(to_tantivy(plan, self._st.schema))
        matched &= self._st.live
        scores[~matched] = 0.0
        return scores, matched

    def matches(self, plan):
        return np.flatnonzero(self._hits(to_tantivy(plan, self._st.schema))[1])

    def mask(self, field, value):
        masks = self._st.cache.setdefault("masks", {})
        key = (field, value)
        if key not in masks:
            masks[key] = self.run(Term(field, value))[1]
        return masks[key]

    def values(self, field):
        lex = self._st.cache.setdefault("lex", {})
        if field not in lex:
            lex[field] = self.prefix_terms(field, "")
        return lex[field]

    def newest_first(self):
        st = self._st
        if "order" not in st.cache:
            n = len(st.every)
            by_id = st.searcher.search(tantivy.Query.all_query(), max(1, n), count=False, order_by_field="id",
                                       order=tantivy.Order.Asc).hits
            rank = np.zeros(st.size, dtype=np.int64)
            if by_id:
                seg = np.fromiter((a.segment_ord for _, a in by_id), dtype=np.int64, count=len(by_id))
                doc = np.fromiter((a.doc for _, a in by_id), dtype=np.int64, count=len(by_id))
                rank[st.slots(seg, doc)] = np.arange(len(by_id))
            added = np.full(st.size, -1, dtype=np.int64)
            year = np.zeros(st.size, dtype=np.int64)
            if n:
                slots = st.slots(np.array([a.segment_ord for a in st.every]), np.array([a.doc for a in st.every]))
                added[slots] = [v if v is not None else -1 for v in st.searcher.fast_field_values("added", st.every)]
                year[slots] = [v if v is not None else 0 for v in st.searcher.fast_field_values("year", st.every)]
            order = np.lexsort((rank, year, added))[::-1]
            st.cache["order"] = order[st.live[order]]
        return st.cache["order"]

    def doc_frequency(self, field, term):
        return self._st.searcher.doc_freq(field, _term(term)) if field in SEARCHED else 0

    def prefix_terms(self, field, prefix):
        if field not in SEARCHED:
            return []
        return sorted(t for t, _ in self._st.searcher.terms_with_prefix(field, prefix))

    def stored(self, slot):
        doc = self._st.searcher.doc(self._st.address(slot))
        return {"id": doc.get_first("id"), "doc": json.loads(bytes(doc.get_first("doc")).decode("utf-8"))}


class TantivyEngine(LocallySynced):
    """The tantivy index of works in one directory (``engine.Engine``).

    :param path: directory of the index; nothing is created until a write.
    """

    name = "tantivy"

    def __init__(self, path, procs=PROCS):
        self.path = Path(path)
        self.procs = procs
        self.state = LocalState(self.path)
        self._schema = make_schema()
        self._index = None
        self._gen = None
        self._st = None
        self._lock = threading.Lock()

    # -- reading --------------------------------------------------------
    def _open(self):
        try:
            gen = (self.path / "current").resolve(strict=True)
            if (gen / MARK).read_text().strip() != FORMAT:
                raise IndexUnavailable("the search index was built by another engine or version; it needs a rebuild")
            if self._index is None or self._gen != gen:
                self.close()
                self._index = tantivy.Index(self._schema, path=str(gen), reuse=True)
                self._gen = gen
            return self._index
        except IndexUnavailable:
            raise
        except Exception as e:  # any failure to open means no usable index
            self.close()
            raise IndexUnavailable(f"search index unavailable: {e}") from e

    def exists(self):
        try:
            self._open()
            return True
        except IndexUnavailable:
            return False

    def _state(self):
        index = self._open()
        try:
            meta = os.stat(self._gen / "meta.json")
        except OSError as e:
            raise IndexUnavailable(f"search index unavailable: {e}") from e
        key = (self._gen, meta.st_mtime_ns, meta.st_size)
        with self._lock:
            st = self._st
            if st is None or st.key != key:
                index.reload()
                st = self._st = _State(key, index, self._schema)
        return st

    def doc_count(self):
        try:
            return self._state().searcher.num_docs
        except IndexUnavailable:
            raise
        except Exception as e:
            raise IndexUnavailable(str(e)) from e

    def read(self, fn):
        try:
            st = self._state()
        except IndexUnavailable:
            raise
        except (OSError, ValueError) as e:
            self.close()
            raise IndexUnavailable(f"search failed on the index: {e}") from e
        return fn(TantivyView(st))

    def close(self):
        with self._lock:
            self._index = self._gen = self._st = None

    # -- writing --------------------------------------------------------
    def update(self, records=(), delete_ids=()):
        """Upsert ``records`` by id and delete ``delete_ids`` in one commit."""
        index = self._open()
        docs = [tokenised(r) for r in records]
        writer = index.writer(64_000_000, 1)
        try:
            for values in docs:
                writer.delete_documents_by_term("id", values["id"])
                writer.add_document(_document(values))
            for work_id in delete_ids:
                writer.delete_documents_by_term("id", work_id)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        index.reload()

    def rebuild(self, records, expected=None, seq=None):
        """Index ``records`` into a fresh generation, then swap it in (and note ``seq`` as applied)."""
        gen = localstate.new_generation(self.path)
        try:
            (gen / MARK).write_text(FORMAT + "\n")
            index = tantivy.Index(self._schema, path=str(gen))
            writer = index.writer(WRITER_HEAP, 2)
            count = 0
            try:
                for values in self._tokenised(records):
                    writer.add_document(_document(values))
                    count += 1
                writer.commit()
            finally:
                writer.wait_merging_threads()
            del writer, index
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

    def _tokenised(self, records):
        """Every record's field values, tokenised by PROCS forked processes (they inherit the dictionaries)."""
        chinese.prepare()
        source = iter(records)
        chunks = (list(c) for c in iter(lambda: list(itertools.islice(source, CHUNK)), []))
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None)
        if second is None or self.procs <= 1:
            for chunk in itertools.chain([first], [second] if second else [], chunks):
                yield from _tokenised_chunk(chunk)
            return
        with multiprocessing.get_context("fork").Pool(self.procs) as pool:
            pending = collections.deque()
            for chunk in itertools.chain([first, second], chunks):
                pending.append(pool.apply_async(_tokenised_chunk, (chunk,)))
                while len(pending) > 2 * self.procs:  # bound memory: do not read far ahead
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
