"""Bulk (numpy) matching and scoring gives exactly what Whoosh's matchers give."""
import json
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from contentlib.errors import IndexUnavailable
from contentlib.search import SearchIndex, bulk, policy, ranking
from contentlib.search.fields import document
from contentlib.search.index import WhooshView, to_whoosh
from contentlib.search.query import interpret

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "search_sample.jsonl"

QUERIES = ["物理", "宇宙", "nga tshor mtshungs", "zhi lv", "wuli", "ཁྲིམས་གཏུགས་ལྟར",
           "什么时候第一次播出？", "tours", "之", "ང", "1988", "Running Tours Barcelona"]


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    """Several segments, and deletions from a later update."""
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path_factory.mktemp("bulk") / "index", chunk_size=8)
    index.rebuild(recs)
    changed = dict(recs[3], titles={"zh": "物理的宇宙之旅"})
    writer = index.engine._open().writer()  # as update() does, but keep the segments apart
    writer.update_document(**document(changed))
    writer.delete_by_term("id", recs[5]["id"])
    writer.commit(merge=False)
    yield index
    index.close()


def tier_queries(index, s, text, readings):
    """The policy's plans for ``text``, strict to loose, as the Whoosh engine runs them."""
    memo = {}
    return [to_whoosh(p, memo) for p in policy._plans(WhooshView(index.engine, s), text, readings, {})]


def whoosh_scores(s, q):
    return {hit.docnum: hit.score for hit in s.search(q, limit=None)}


def bulk_scores(index, s, q):
    scores, hits = bulk.Evaluator(s, bulk.Segments(), index.engine._live(s)).run(q)
    return {int(d): float(scores[d]) for d in np.flatnonzero(hits)}


def queries(index, s):
    out = []
    for text in QUERIES:
        out.extend(tier_queries(index, s, text, interpret(text)))
    # Shapes the query builder does not make: Whoosh matches them, boosts still apply.
    out.append(wq.Or([wq.Prefix("zh", "物"), wq.Term("zh", "宇宙", boost=2.0)], boost=0.5))
    out.append(wq.AndNot(wq.Term("lang", "zh"), wq.Term("lang", "bo")))
    out.append(wq.And([wq.Or([wq.Term("zh", "物理"), wq.Term("zh", "宇宙")]),
                       wq.Term("lang", "zh")], boost=3.0))
    return out


def test_the_index_has_several_segments_and_deletions(idx):
    with idx.engine._open().searcher() as s:
        leaves = [sub.reader() for sub, _ in s.leaf_searchers()]
        assert len(leaves) > 3
        assert any(r.has_deletions() for r in leaves)


def test_bulk_matches_and_scores_equal_whoosh(idx):
    with idx.engine._open().searcher() as s:
        qs = queries(idx, s)
        assert len(qs) > 15
        nonempty = 0
        for q in qs:
            expected = whoosh_scores(s, q)
            got = bulk_scores(idx, s, q)
            assert got.keys() == expected.keys(), q
            for d, score in expected.items():
                assert got[d] == pytest.approx(score, rel=1e-9), (q, d)
            nonempty += bool(expected)
        assert nonempty > 10


def test_deleted_works_never_match(idx):
    with idx.engine._open().searcher() as s:
        got = bulk_scores(idx, s, wq.Term("lang", "zh"))
        deleted = {offset + d for sub, offset in s.leaf_searchers()
                   for d in range(sub.reader().doc_count_all()) if sub.reader().is_deleted(d)}
        assert deleted and not deleted & got.keys()


def test_field_lengths_read_in_bulk_equal_whoosh_one_by_one(idx):
    with idx.engine._open().searcher() as s:
        for sub, _ in s.leaf_searchers():
            r = sub.reader()
            for field in ("bo", "zh", "py2", "en"):
                one_by_one = [r.doc_field_length(d, field, 0) or 0 for d in range(r.doc_count_all())]
                if r.doc_field_length(0, field, None) is None and not any(one_by_one):
                    continue  # the segment has no such field; bulk uses Whoosh's default of 1
                assert bulk.field_lengths(r, field).tolist() == one_by_one


def test_top_orders_by_score_then_docnum():
    scores = np.array([0.0, 2.0, 5.0, 2.0, 1.0, 5.0])
    hits = scores > 0
    assert ranking.top(scores, hits, 0, 3) == [(2, 5.0), (5, 5.0), (1, 2.0)]
    assert ranking.top(scores, hits, 2, 3) == [(1, 2.0), (3, 2.0), (4, 1.0)]
    assert ranking.top(scores, hits, 10, 3) == []


def test_an_index_from_an_older_schema_is_not_used(tmp_path):
    from whoosh import index as windex
    from whoosh.fields import ID, TEXT, Schema

    old = tmp_path / "ix" / "gen-old"
    old.mkdir(parents=True)
    windex.create_in(str(old), Schema(id=ID(stored=True, unique=True), zh=TEXT(phrase=True)))
    (tmp_path / "ix" / "current").symlink_to("gen-old")
    index = SearchIndex(tmp_path / "ix")
    assert not index.exists()
    with pytest.raises(IndexUnavailable, match="older version"):
        index.search("物理")
    index.rebuild([json.loads(open(SAMPLE, encoding="utf-8").readline())])
    assert index.exists()
    assert index.search("")["total"] == 1


def test_top_puts_a_stricter_tier_first_whatever_the_scores():
    scores = np.array([9.0, 1.0, 8.0, 2.0])
    hits = np.ones(4, dtype=bool)
    tier = np.array([1, 0, 1, 0], dtype=np.int8)
    assert [d for d, _ in ranking.top(scores, hits, 0, 4, tier)] == [3, 1, 0, 2]
    assert [d for d, _ in ranking.top(scores, hits, 1, 2, tier)] == [1, 0]


def test_interleaving_gives_every_group_a_turn_then_the_rest():
    scores = np.array([10.0, 9.0, 8.0, 7.0, 1.0, 0.5, 6.0])
    hits = np.ones(7, dtype=bool)
    common = np.array([1, 1, 1, 1, 0, 0, 0], dtype=bool)
    rare = np.array([0, 0, 0, 0, 1, 1, 0], dtype=bool)
    got = [d for d, _ in ranking.top_interleaved(scores, hits, 0, 7, [common, rare])]
    assert got == [0, 4, 6, 1, 5, 2, 3]  # common, rare, neither; then again
    assert [d for d, _ in ranking.top_interleaved(scores, hits, 2, 3, [common, rare])] == [6, 1, 5]
    # Past the pool, the plain order goes on.
    assert [d for d, _ in ranking.top_interleaved(scores, hits, 0, 7, [common, rare], pool=2)] \
        == [0, 1, 2, 3, 6, 4, 5]


def test_an_edit_recomputes_only_its_own_segment(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    for n, rec in enumerate(recs):
        rec["added"] = n
    index = SearchIndex(tmp_path / "ix", chunk_size=10)
    index.rebuild(recs)
    first = [r["id"] for r in index.search("", per_page=50)["results"]]
    assert first == [r["id"] for r in recs[::-1]]
    before = dict(index.engine._segments._data)
    newest = dict(recs[0], added=len(recs))  # the oldest work, edited: now the newest
    writer = index.engine._open().writer()
    writer.update_document(**document(newest))
    writer.commit(merge=False)
    after = [r["id"] for r in index.search("", per_page=50)["results"]]
    assert after == [recs[0]["id"]] + [r["id"] for r in recs[:0:-1]]
    kept = [k for k in before if k in index.engine._segments._data]
    assert kept and all(index.engine._segments._data[k] is before[k] for k in kept)
    assert len(index.engine._segments._data) > len(kept)  # the new segment's own
    index.close()


def test_mapped_postings_equal_whoosh_for_every_term(idx):
    with idx.engine._open().searcher() as s:
        checked = 0
        for sub, _ in s.leaf_searchers():
            r = sub.reader()
            mapped = bulk.Mapped.open(r)
            if mapped is None:  # Whoosh's default writer (the update above): a compound file
                continue
            for field, btext in r.all_terms():
                ids, weights = mapped.postings(field, btext)
                want_ids, want_w = bulk.postings(r, field, btext)
                assert ids.tolist() == want_ids.tolist()
                assert weights.tolist() == want_w.tolist()
                # every posting, deleted works too: Whoosh counts them in the idf
                assert len(ids) == r.doc_frequency(field, btext)
                checked += 1
            assert mapped.postings("zh", "不在索引里".encode())[0].size == 0
            assert mapped.postings("nofield", b"x")[0].size == 0
        assert checked > 1000


def test_doc_frequency_equals_whoosh_for_every_term(idx):
    """Read from the term infos (or a cached term's postings), across segments, one of them compound."""
    with idx.engine._open().searcher() as s:
        ev = bulk.Evaluator(s, bulk.Segments(), idx.engine._live(s))
        assert any(m is None for m in ev._mapped) and any(m is not None for m in ev._mapped)
        terms = {(f, t) for f, t in s.reader().all_terms() if f in ("bo", "bo2", "zh", "zhw", "py", "lang")}
        assert len(terms) > 1000
        for field, btext in terms:
            text = btext.decode("utf-8")
            want = s.reader().doc_frequency(field, btext)
            assert ev.doc_frequency(field, text) == want
            ev.term(field, text)  # now counted from the cached postings
            assert ev.doc_frequency(field, text) == want
        assert ev.doc_frequency("zh", "不在索引里") == 0
        assert ev.doc_frequency("nofield", "x") == 0


def test_a_compound_segment_is_read_by_whoosh(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")][:20]
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(recs)
    writer = index.engine._open().writer()  # Whoosh's default: a compound segment
    writer.update_document(**document(dict(recs[0], titles={"zh": "物理的宇宙之旅"})))
    writer.commit(merge=False)
    with index.engine._open().searcher() as s:
        readers = [sub.reader() for sub, _ in s.leaf_searchers()]
        assert any(bulk.Mapped.open(r) is None for r in readers)
        q = wq.Term("zh", "宇宙")
        assert bulk_scores(index, s, q).keys() == whoosh_scores(s, q).keys() != set()
    index.close()


def generated_pinyin(n=60):
    """Pinyin of pieces of the sample's Chinese titles, spaced and run together."""
    import random

    from contentlib.search import chinese
    rnd = random.Random(11)
    titles = [t for r in map(json.loads, open(SAMPLE, encoding="utf-8"))
              if (t := (r.get("titles") or {}).get("zh"))]
    out = []
    while len(out) < n:
        title = rnd.choice(titles)
        readings = {}
        for syllable, pos in chinese.pinyin(title):
            readings.setdefault(pos, []).append(syllable)
        if len(readings) < 2:
            continue
        at = rnd.randrange(len(readings) - 1)
        syllables = [rnd.choice(readings[p]) for p in range(at, min(len(readings), at + rnd.randint(2, 5)))
                     if p in readings]
        out.append(" ".join(syllables) if rnd.random() < 0.6 else "".join(syllables))
    return out


def test_generated_pinyin_queries_score_as_whoosh_tier_after_tier(idx):
    """The widening reuses the strict tier's sums; word groups reuse its matches."""
    from contentlib.search.query import word_query
    with idx.engine._open().searcher() as s:
        live = idx.engine._live(s)
        widened = 0
        for text in generated_pinyin():
            readings = interpret(text)
            evaluator = bulk.Evaluator(s, bulk.Segments(), live)
            tiers = tier_queries(idx, s, text, readings)
            for q in tiers:
                scores, hits = evaluator.run(q)
                expected = whoosh_scores(s, q)
                assert set(np.flatnonzero(hits).tolist()) == expected.keys(), (text, q)
                for d, score in expected.items():
                    assert scores[d] == pytest.approx(score, rel=1e-9), (text, q, d)
            widened += len(tiers) > 1
            for word in [w for r in readings if r.script == "pinyin" for w, _ in r.candidates]:
                q = to_whoosh(word_query(word))
                found = set(evaluator.matches(q).tolist()) & set(np.flatnonzero(live).tolist())
                assert found == whoosh_scores(s, q).keys(), (text, word)
        assert widened > 10


def test_interleaving_sorts_only_what_it_shows_but_shows_the_same():
    def full(scores, hits, start, count, groups, tier=None, pool=200):
        """The interleaving as first written: every hit sorted."""
        import itertools
        ids = np.flatnonzero(hits)
        ranked = ids[np.lexsort((ids, ranking._key(scores, ids, tier)))]
        head, tail = ranked[:pool], ranked[pool:]
        inside = np.zeros(len(head), dtype=bool)
        lists = []
        for mask in groups:
            inside |= mask[head]
            lists.append(head[mask[head]].tolist())
        lists.append(head[~inside].tolist())
        order, taken = [], set()
        for turn in itertools.zip_longest(*lists):
            for d in turn:
                if d is not None and d not in taken:
                    taken.add(d)
                    order.append(d)
        order.extend(tail[:max(0, start + count - len(order))].tolist())
        return [(int(d), float(scores[d])) for d in order[start:start + count]]

    rnd = np.random.default_rng(4)
    for _ in range(200):
        n = int(rnd.integers(1, 400))
        scores = rnd.integers(0, 20, n).astype(float)  # many ties
        hits = rnd.random(n) < 0.7
        groups = [rnd.random(n) < 0.2 for _ in range(int(rnd.integers(0, 4)))]
        tier = rnd.integers(0, 2, n).astype(np.int8) if rnd.random() < 0.5 else None
        pool = int(rnd.integers(1, 60))
        start, count = int(rnd.integers(0, 80)), int(rnd.integers(1, 30))
        assert ranking.top_interleaved(scores, hits, start, count, groups, tier, pool) == \
            full(scores, hits, start, count, groups, tier, pool)


def test_a_segment_removed_under_it_closes_its_terms_file_once(tmp_path):
    """A rebuild removed the postings file between the two opens: the terms file is closed once,
    never again by ``__del__`` (that second close hit whatever file had reused its number)."""
    import gc
    import os


    class Index:
        tables, hashfn = [], staticmethod(hash)

    terms = tmp_path / "seg.trm"
    terms.write_bytes(b"x")
    with pytest.raises(FileNotFoundError) as failed:
        bulk.Mapped(Index(), {}, str(terms), str(tmp_path / "gone.pst"))
    reused = os.open(terms, os.O_RDONLY)  # most likely the number the failed one had
    try:
        del failed  # the half-made object's last reference (its frame, in the traceback)
        gc.collect()
        os.fstat(reused)  # still open
    finally:
        os.close(reused)
