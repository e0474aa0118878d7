"""The Whoosh index of works: schema, atomic rebuild, upsert, search.

On disk ``path/`` holds generation directories and a ``current`` symlink to
the live one. A rebuild writes a fresh generation and swaps the symlink with
one ``rename``, so readers see the old index or the new one, never half of
one; the previous generation is kept for searchers still reading it.
"""
import collections
import contextlib
import ctypes
import gc
import itertools
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

from ..errors import IndexUnavailable
from . import analysis, bulk, chinese, highlight
from .query import clean, interpret, to_whoosh, translated_query, word_query
from .segwriter import FastSegmentWriter

FACETS = {"type": "type", "subject": "subject", "audience": "audience",
          "language": "lang"}
FILTERS = {"type": "type", "subject": "subject", "audience": "audience",
           "grade": "grade", "lang": "lang", "has": "has"}
LANGS = ("bo", "zh", "en")
TEXT_FIELDS = ("bo", "zh", "zhw", "py", "en")
# Below this many strict matches a query is widened to its loose form.
MIN_STRICT = 10
# A one-character Chinese query matches the most common bigrams it starts
# (all of them for rare characters; see chinese.grams).
CHAR_EXPANSION = 200
EXPANSION_BOOST = 0.8  # glossary equivalents, relative to the typed query
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


def document(rec):
    """Turn a catalog record into Whoosh field values.

    Each language's title and keywords are indexed twice, before and after
    the description: a title match then weighs more without a separate
    title field, whose postings would cost a third more indexing time.
    jieba words (``zhw``) come from titles and keywords only: segmenting
    every description took 40% of a rebuild, and the gram field already
    finds any word in them.
    """
    titles = {k: v.strip() for k, v in (rec.get("titles") or {}).items()
              if k in LANGS and isinstance(v, str) and v.strip()}
    descs = {k: v for k, v in (rec.get("descriptions") or {}).items()
             if k in LANGS and isinstance(v, str) and v.strip()}
    kws = rec.get("keywords") or {}
    fields = {
        "id": rec["id"], "type": rec.get("type") or "",
        "subject": " ".join(rec.get("subjects") or ()),
        "audience": " ".join(rec.get("audiences") or ()),
        "grade": " ".join(rec.get("grades") or ()),
        "lang": " ".join(titles),
        # kinds of public file (indexing.file_kinds), for the ``has`` filter
        "has": " ".join(rec.get("has") or ()),
        "added": _int(rec.get("added"), -1), "year": _int(rec.get("year"), 0),
        "doc": {"type": rec.get("type"), "titles": titles, "descriptions": descs},
    }
    for lang in LANGS:
        head = "\n".join(p for p in (titles.get(lang), " ".join(kws.get(lang) or ())) if p)
        text = "\n".join(p for p in (head, descs.get(lang), head) if p)
        if text:
            fields[lang] = text
        if lang == "bo" and text:
            fields["bo2"] = text
        if lang == "zh" and text:
            fields["py"] = fields["py2"] = text
            if head:
                fields["zhw"] = head
    return fields


def _int(value, default):
    return default if value is None else int(value)


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


def _write_segment(job):
    """Index one chunk of records as a segment of its own (in a worker).

    Uses the same private steps as Whoosh's own multiprocessing writer
    (``SubWriterTask`` with ``multisegment``): a lock-free segment writer
    (``segwriter``: Whoosh's files, written with arrays) whose finished
    segment the parent adds to the table of contents.
    """
    dirname, records = job
    ix = windex.open_dir(dirname)
    writer = FastSegmentWriter(ix, _lk=False, codec=_codec(), compound=False)
    for rec in records:
        writer.add_document(**document(rec))
    # The shared temp directory is removed by the parent's final commit.
    return writer._finalize_segment()


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


def _bulk_index(ix, dirname, records, chunk_size=None):
    """Index ``records`` into the empty index ``ix``; return the count.

    Records are cut into chunks of ``chunk_size`` works, each written as its
    own segment by a pool of PROCS forked processes (which inherit the loaded
    jieba and OpenCC dictionaries). Segments are never merged: merging
    costs as much as writing, and a handful of segments searches fine. A
    writer keeps its whole segment's postings in arrays until it writes it.
    """
    chinese.prepare()
    segments, count = [], 0
    chunks = ((dirname, chunk) for chunk in _chunks(records, chunk_size or CHUNK))
    first = next(chunks, None)
    second = next(chunks, None)
    if second is None:  # small: stay in this process
        if first:
            segments.append(_write_segment(first))
            count = len(first[1])
    else:
        _give_back_freed_memory()  # the writers start as a copy of this process
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(PROCS) as pool:
            pending = collections.deque()
            for job in itertools.chain([first, second], chunks):
                pending.append(pool.apply_async(_write_segment, (job,)))
                count += len(job[1])
                while len(pending) > PROCS:  # bound memory: do not read ahead
                    segments.append(pending.popleft().get())
            segments.extend(p.get() for p in pending)
    writer = _writer(ix)
    writer.commit(mergetype=lambda w, existing: existing + segments)
    return count


def _give_back_freed_memory():
    """Return the C heap's free pages to the system (glibc), so forked writers do not count them.

    An import parses and stores the whole file before it indexes it; what it
    freed stays in the process's resident memory, and every forked writer's
    resident size starts with it.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def prepare():
    """Load every dictionary and table a query needs (jieba, OpenCC, pinyin, EWTS)."""
    chinese.prepare()
    highlight.prepare()
    interpret("zhong guo bod")


COMPLETE = "COMPLETE"  # written last into a generation: everything before it is on disk


def _mark_complete(gen):
    """Mark a fully written generation (its files synced first, then the mark)."""
    for f in gen.iterdir():
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    with open(gen / COMPLETE, "w") as fh:
        fh.write("complete\n")
        fh.flush()
        os.fsync(fh.fileno())


def _up_to_date(searcher) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:  # noqa: BLE001  its files are gone: certainly not
        return False


class SearchIndex:
    """The search index of works in one directory.

    :param path: directory of the index; nothing is created until a write.
    :param chunk_size: most works per segment written by a rebuild (CHUNK).
    """

    def __init__(self, path, chunk_size=CHUNK):
        self.path = Path(path)
        self.chunk_size = chunk_size
        self._ix = None
        self._ix_dir = None
        self._warmed = False  # prepare() ran for this index (its dictionaries are process-wide)
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
        """Tell whether a complete index, built with this code's schema, is in place.

        Only looks: the dictionaries a query needs are loaded by the first search, not here
        (an import that changed nothing, ``contentlib demo`` again, has no use for them).
        """
        try:
            self._open(warm=False)
            return True
        except IndexUnavailable:  # a broken or outdated index is not an index
            return False

    # -- writing --------------------------------------------------------
    def rebuild(self, records, expected=None):
        """Index ``records`` into a fresh generation, then swap it in.

        :param expected: about how many records come, to cut them into even segments.
        :return: the number of works indexed.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        self._sweep_partial()
        gen = self.path / f"gen-{time.time_ns()}-{uuid.uuid4().hex[:6]}"
        gen.mkdir()
        try:
            ix = windex.create_in(str(gen), self._schema())
            count = _bulk_index(ix, str(gen), records, chunk_size(expected, self.chunk_size))
            ix.close()
            _mark_complete(gen)
            self._swap(gen)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        self._drop_old_generations(keep={gen.name})
        return count

    def _live_generation(self):
        """The name of the generation ``current`` points to, if any."""
        try:
            return self._current.resolve(strict=True).name
        except (OSError, RuntimeError):
            return None

    def _sweep_partial(self):
        """Delete what killed rebuilds left: generations never marked complete, half-made links.

        Rebuilds run under the index's writer lock, so no other rebuild is writing one now.
        The live generation stays even without a mark (made before marks existed).
        """
        live = self._live_generation()
        for p in self.path.glob("gen-*"):
            if p.is_dir() and p.name != live and not (p / COMPLETE).is_file():
                shutil.rmtree(p, ignore_errors=True)
        for p in self.path.glob(".current-*"):
            with contextlib.suppress(OSError):
                p.unlink()

    def _swap(self, gen):
        link = self.path / f".current-{uuid.uuid4().hex}"
        os.symlink(gen.name, link)
        cur = self._current
        if cur.exists() and not cur.is_symlink():
            # A broken layout left a real directory here; move it aside.
            cur.rename(self.path / f"gen-broken-{uuid.uuid4().hex[:6]}")
        os.replace(link, cur)
        self.close()

    def _drop_old_generations(self, keep):
        """Delete every generation but ``keep`` and the newest complete one before it (still maybe read).

        A partial generation is never kept as "previous" in place of a complete one.
        """
        gens = sorted((p for p in self.path.glob("gen-*") if p.is_dir()),
                      key=lambda p: p.stat().st_mtime)
        previous = [p for p in gens if p.name not in keep and (p / COMPLETE).is_file()][-1:]
        survivors = set(keep) | {p.name for p in previous}
        for p in gens:
            if p.name not in survivors:
                shutil.rmtree(p, ignore_errors=True)

    def update(self, records=(), delete_ids=()):
        """Upsert ``records`` by id and delete ``delete_ids`` in one commit."""
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
        writer.commit()

    # -- reading --------------------------------------------------------
    def _open(self, warm: bool = True):
        try:
            target = self._current.resolve(strict=True)
            if self._ix is None or self._ix_dir != target:
                self.close()
                ix = windex.open_dir(str(target))
                if _fingerprint(ix.schema) != _fingerprint(self._schema()):
                    ix.close()
                    raise IndexUnavailable(
                        "search index was built by an older version; it needs a rebuild")
                self._ix = ix
                self._ix_dir = target
            if warm and not self._warmed:
                prepare()  # load dictionaries now, not in a user's query
                self._warmed = True
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

    def search(self, q, filters=None, page=1, per_page=20, expansions=None):
        """Search works; see ``spec/search-api.md`` for the result shape.

        :raises IndexUnavailable: the index is missing or unreadable.
        """
        ix = self._open()
        for attempt in (1, 2):
            s = self._searcher(ix)
            try:
                return self._search(s, q, filters or {}, max(1, page), max(1, per_page),
                                    expansions or {})
            except IndexUnavailable:
                raise
            except Exception as e:
                stale = not _up_to_date(s)
                self._drop_searcher()
                if stale and attempt == 1:
                    # A commit (an applied edit) merged this searcher's segments away while it
                    # read them (Whoosh opens a segment's stored fields lazily): ask the new ones.
                    continue
                if isinstance(e, (OSError, windex.IndexError)):  # files gone or unreadable: a stale index
                    self.close()
                    raise IndexUnavailable(f"search failed on the index: {e}") from e
                raise  # a bug, not a missing index: let it be logged and seen

    def search_other(self, lang, missing, terms, filters=None, limit=10):
        """Works in ``lang`` without a version in ``missing``, found by weighted ``terms`` of ``lang``.

        The cross-language block of a search (``crosslang.lexicon.read`` gives the terms).
        :return: ``(total, [hit, ...])`` with hits shaped like ``search``'s results.
        """
        ix = self._open()
        try:
            s = self._searcher(ix)
            query = translated_query(lang, terms)
            if query is None:
                return 0, []
            live = self._live(s)
            allowed = self._filter_mask(s, filters or {})
            allowed = live if allowed is None else live & allowed
            allowed = allowed & ~self._mask(s, "lang", missing) & self._mask(s, "lang", lang)
            if not allowed.any():
                return 0, []
            evaluator = bulk.Evaluator(s, self._segments, live, self._term_cache(s))
            scores, matched = evaluator.run(query)
            matched &= allowed
            hits = bulk.top(scores, matched, 0, limit) if matched.any() else []
            return int(np.count_nonzero(matched)), [self._hit(s, d, score, []) for d, score in hits]
        except IndexUnavailable:
            raise
        except (OSError, windex.IndexError) as e:
            self._drop_searcher()
            self.close()
            raise IndexUnavailable(f"search failed on the index: {e}") from e
        except Exception:
            self._drop_searcher()
            raise

    def _hit(self, s, docnum, score, readings):
        stored = s.stored_fields(docnum)
        doc = stored["doc"]
        return {
            "id": stored["id"], "type": doc["type"], "titles": doc["titles"],
            "languages": [lang for lang in LANGS if lang in doc["titles"]],
            "score": round(float(score), 4),
            "highlights": highlight.highlights(doc, readings) if readings else {},
        }

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

    def _filter_mask(self, s, filters):
        """Works allowed by the filters (None when there are none)."""
        result = None
        for key, field in FILTERS.items():
            codes = filters.get(key)
            if not codes:
                continue
            union = np.zeros(s.doc_count_all(), dtype=bool)
            for code in codes:
                union |= self._mask(s, field, code)
            result = union if result is None else result & union
        return result

    def _live(self, s):
        """Every docnum not deleted, as a boolean array (cached)."""
        cache = self._caches(s)
        if "live" not in cache:
            live = np.ones(s.doc_count_all(), dtype=bool)
            for sub, offset in s.leaf_searchers():
                r = sub.reader()
                if r.has_deletions():
                    n = r.doc_count_all()
                    live[offset:offset + n] = False
                    kept = np.fromiter(r.all_doc_ids(), dtype=np.int64)
                    live[kept + offset] = True
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

    def _facets(self, s, matched):
        out = {}
        r = s.reader()
        values = self._caches(s).setdefault("lex", {})
        for name, field in FACETS.items():
            if field not in values:
                values[field] = [v.decode("utf-8") for v in r.lexicon(field)]
            counts = {}
            for value in values[field]:
                n = int(np.count_nonzero(matched & self._mask(s, field, value)))
                if n:
                    counts[value] = n
            out[name] = counts
        return out

    def _search(self, s, q, filters, page, per_page, expansions):
        readings = interpret(q)
        allowed = self._filter_mask(s, filters)
        live = self._live(s)
        start = (page - 1) * per_page
        if not clean(q):
            matched = live if allowed is None else live & allowed
            order = self._newest_first(s)
            if allowed is not None:
                order = order[matched[order]]
            hits = [(int(d), 0.0) for d in order[start:start + per_page]]
        else:
            matched, hits = np.zeros(len(live), dtype=bool), []
            queries = [] if allowed is not None and not allowed.any() else \
                self._queries(s, q, readings, expansions)
            evaluator = bulk.Evaluator(s, self._segments, live, self._term_cache(s)) \
                if queries else None
            # Works found by a stricter query stay ahead of those a widening adds.
            tier = np.zeros(len(live), dtype=np.int8)
            for level, query in enumerate(queries):
                seen = matched
                scores, matched = evaluator.run(query)
                if allowed is not None:
                    matched &= allowed
                tier[matched & ~seen] = level
                if np.count_nonzero(matched) >= MIN_STRICT:
                    break
            groups = self._word_groups(evaluator, readings, matched)
            if len(groups) > 1:
                hits = bulk.top_interleaved(scores, matched, start, per_page, groups, tier)
            elif matched.any():
                hits = bulk.top(scores, matched, start, per_page, tier)
        results = [self._hit(s, docnum, score, readings) for docnum, score in hits]
        return {
            "query": q,
            "interpreted": [{"script": r.script, "text": r.text} for r in readings],
            "total": int(np.count_nonzero(matched)), "page": page, "per_page": per_page,
            "results": results, "facets": self._facets(s, matched),
        }

    @staticmethod
    def _word_groups(evaluator, readings, matched):
        """Works with each word a pinyin query reads as, most common word first.

        Pinyin is ambiguous (``qi shi``: 其实, 骑士, 起始 ...); the first
        page should show the rarer words too, not only the commonest.
        """
        words = [word for r in readings if r.script == "pinyin" for word, _ in r.candidates]
        if evaluator is None or not matched.any():
            return []
        groups = []
        for word in dict.fromkeys(words):
            found = np.zeros(len(matched), dtype=bool)
            found[evaluator.matches(word_query(word))] = True
            found &= matched
            if found.any():
                groups.append(found)
        return groups

    def _bigrams_from(self, s, char):
        """The most common indexed bigrams starting with ``char`` (cached)."""
        cache = self._caches(s).setdefault("prefix", {})
        if char not in cache:
            r = s.reader()
            terms = [t.decode("utf-8") if isinstance(t, bytes) else t
                     for t in r.expand_prefix("zh", char)]
            terms = [t for t in terms if len(t) == 2]
            terms.sort(key=lambda t: -r.doc_frequency("zh", t))
            cache[char] = terms[:CHAR_EXPANSION]
        return cache[char]

    def _queries(self, s, q, readings, expansions):
        """Return the strict query and its loose widening (either may be None)."""
        extra = []
        for term, equivalents in expansions.items():
            if term and term.lower() in q.lower():
                for eq in equivalents:
                    for r in interpret(eq):
                        r.boost = EXPANSION_BOOST  # what was typed counts most
                        extra.append(r)
        reader = s.reader()
        return to_whoosh(readings + extra, lambda c: self._bigrams_from(s, c),
                         reader.doc_frequency)

