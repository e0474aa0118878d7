"""A searcher refreshed after a commit keeps the readers of unchanged segments and sees every change."""

import json
from pathlib import Path

from contentlib.search import SearchIndex, merging
from contentlib.search.readers import refreshed

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "search_sample.jsonl"
QUERIES = ("", "物理", "宇宙", "ཁྲིམས", "wuli")


def _records():
    return [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]


def _leaves(searcher) -> dict:
    return {r.segment().segment_id(): r for r, _ in searcher.reader().leaf_readers()}


def _ids(searcher) -> set:
    return {searcher.stored_fields(n)["id"] for n in searcher.reader().all_doc_ids()}


def _answers(index) -> dict:
    return {q: (r["total"], [h["id"] for h in r["results"]], r["facets"])
            for q in QUERIES for r in [index.search(q, per_page=50)]}


def test_a_refresh_keeps_untouched_segments_and_sees_deletions_in_kept_ones(tmp_path):
    recs = _records()
    index = SearchIndex(tmp_path / "ix", chunk_size=10)  # four segments of ten works
    index.rebuild(recs)
    index.serving()
    merging._running = None
    ix = index.engine._open()
    old = refreshed(ix)
    before = _leaves(old)
    assert len(before) == 4
    gone = recs[0]["id"]
    edited = dict(recs[-1], subjects=["astronomy"], titles={**recs[-1]["titles"], "zh": "新的宇宙"})
    index.update(records=[edited], delete_ids=[gone])  # a deletion in one segment, an edit in another
    new = refreshed(ix, old)
    after = _leaves(new)
    assert new.up_to_date()
    changed = {sid for sid in before if sid not in after or after[sid] is not before[sid]}
    assert len(changed) == 2  # the two segments that gained a deletion got new readers
    assert len(after) == 5 and all(after[sid] is before[sid] for sid in before if sid not in changed)
    assert all(before[sid].is_closed for sid in changed)
    assert _ids(new) == _ids(ix.searcher()) == {r["id"] for r in recs} - {gone}
    index.close()


def test_answers_after_edits_and_a_merge_equal_a_cold_open(tmp_path):
    recs = _records()
    index = SearchIndex(tmp_path / "ix", chunk_size=10)
    index.rebuild(recs)
    index.serving()
    merging._running = None
    index.search("")  # this thread's searcher, refreshed from here on
    for n in range(merging.DUE):  # one-work segments; the DUE-th starts a merging process
        rec = recs[n * 4]
        index.update(records=[dict(rec, subjects=["astronomy"], titles={**rec["titles"], "zh": f"宇宙第{n}课"})],
                     delete_ids=[recs[n * 4 + 1]["id"]])
        warm = _answers(index)
        assert warm == _answers(SearchIndex(tmp_path / "ix"))  # as a process that opens the index afresh
    assert warm[""][0] == len(recs) - merging.DUE and warm["宇宙"][2]["subject"]["astronomy"] >= merging.DUE
    assert merging._running is not None and merging._running.wait(timeout=120) == 0
    assert len(index.engine._open()._segments()) == 5  # the eight one-work segments merged into one
    assert _answers(index) == _answers(SearchIndex(tmp_path / "ix")) == warm
    index.close()


def test_a_one_segment_index_refreshed_after_a_deletion_is_up_to_date(tmp_path):
    recs = _records()
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(recs)
    ix = index.engine._open()
    old = refreshed(ix)
    index.update(delete_ids=[recs[5]["id"]])
    new = refreshed(ix, old)
    assert new.up_to_date() and new.reader() is not old.reader()
    assert recs[5]["id"] not in _ids(new) and len(_ids(new)) == len(recs) - 1
    index.close()
