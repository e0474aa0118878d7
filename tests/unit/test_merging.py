"""A serving process's commits merge nothing; a process of its own merges the small segments they leave."""

import json
from pathlib import Path

from contentlib.filelock import file_lock
from contentlib.search import SearchIndex, merging
from contentlib.search.index import merge_small_segments

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "search_sample.jsonl"


def _answers(index) -> dict:
    return {q: (r["total"], [h["id"] for h in r["results"]])
            for q in ("", "物理", "宇宙", "ཁྲིམས", "wuli") for r in [index.search(q, per_page=50)]}


def _segments(index) -> list:
    return index.engine._open()._segments()


def test_edits_in_a_serving_process_gather_small_segments_and_a_child_merges_them(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(recs)  # one segment of 40 works: small too
    index.serving()
    merging._running = None
    index.update(delete_ids=[recs[-1]["id"]])  # a deletion only: no new segment

    def edit(n):
        rec = recs[n]
        index.update(records=[dict(rec, titles={**rec.get("titles", {}), "zh": f"物理第{n}课"})])

    for n in range(merging.DUE - 1):  # one commit per edit, as the applier's passes make
        edit(n)
    assert len(_segments(index)) == merging.DUE  # no commit merged
    assert merging._running is None  # not due yet: seven one-work segments beside the 40-work one
    edit(merging.DUE - 1)  # the DUE-th one-work segment
    before = _answers(index)
    started = merging._running
    assert started is not None and started.args[-1] == str(tmp_path / "ix")
    assert started.wait(timeout=120) == 0
    assert sorted(s.doc_count_all() for s in _segments(index)) == [merging.DUE, 40]  # like merged with like
    assert _answers(index) == before  # the same works found, in the same order; the deleted one stays gone
    assert recs[-1]["id"] not in before[""][1] and before[""][0] == len(recs) - 1
    index.close()


def test_a_merge_leaves_the_index_alone_when_another_merges_or_none_are_due(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path / "ix", chunk_size=1)  # forty one-work segments
    index.rebuild(recs)
    with file_lock(str(tmp_path / "ix") + ".merge-lock"):
        assert merge_small_segments(tmp_path / "ix") == 0  # another process is merging
    assert len(_segments(index)) == len(recs)
    assert merge_small_segments(tmp_path / "ix") == len(recs)
    assert [s.doc_count_all() for s in _segments(index)] == [len(recs)]
    assert merge_small_segments(tmp_path / "ix") == 0  # nothing due
    assert index.search("")["total"] == len(recs)
    index.close()


def test_commands_still_merge_as_they_commit(tmp_path):
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(recs)
    merging._running = None
    for rec in recs[:12]:
        index.update(records=[rec])
    assert merging._running is None  # no merging process: Whoosh's own policy merged along the way
    assert len(merging.small(_segments(index))) < 12
    index.close()


class _Segment:
    """A stand-in with a segment's size (the merge policy looks at nothing else)."""

    def __init__(self, works):
        self.works = works

    def doc_count_all(self):
        return self.works


def test_like_merges_with_like_and_the_smallest_full_class_goes_first():
    sizes = [1] * 7 + [8] * 8 + [512] * 8 + [4999, 5000, 30_000]
    segments = [_Segment(n) for n in sizes]
    assert [s.works for s in merging.due(segments)] == [8] * 8  # the ones are not yet eight; 8-63 is full
    assert [s.works for s in merging.due(segments[:7] + segments[15:])] == [512] * 8
    assert merging.due([_Segment(n) for n in [1] * 7 + [5000] * 9]) == []  # large segments are never merged here


def test_past_the_most_small_segments_the_smallest_are_merged_whatever_their_class():
    sizes = [600] * 3 + [3] * 5 + [40] * 5 + [5000] * 4  # 13 small, no class full
    assert len(merging.small([_Segment(n) for n in sizes])) == merging.MOST + 1
    due = merging.due([_Segment(n) for n in sizes])
    assert sorted(s.works for s in due) == [3] * 5 + [40] * 3  # the smallest DUE, the large left alone
    assert merging.due([_Segment(n) for n in sizes[1:]]) == []  # MOST small segments may stay


def test_a_warm_index_answers_as_a_cold_open_after_edits_deletions_and_a_merge(tmp_path):
    """What a serving process keeps per segment (facet values, the live mask) follows every commit."""
    recs = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    index = SearchIndex(tmp_path / "ix", chunk_size=10)  # four segments of ten works
    index.rebuild(recs)
    index.serving()
    merging._running = None

    def answers(ix):
        return {q: (r["total"], [h["id"] for h in r["results"]], r["facets"])
                for q in ("", "物理", "宇宙", "ཁྲིམས", "wuli") for r in [ix.search(q, per_page=50)]}

    index.search("")  # warm: this process's caches from here on
    for n in range(merging.DUE):  # one-work segments and a deletion in an old one; the DUE-th starts a merge
        rec = recs[n * 4]
        index.update(records=[dict(rec, subjects=["astronomy"], titles={**rec["titles"], "zh": f"宇宙第{n}课"})],
                     delete_ids=[recs[n * 4 + 1]["id"]])
        warm = answers(index)
        assert warm == answers(SearchIndex(tmp_path / "ix"))  # as a process that opens the index afresh
    assert warm[""][0] == len(recs) - merging.DUE and warm["宇宙"][2]["subject"]["astronomy"] >= merging.DUE
    assert merging._running is not None and merging._running.wait(timeout=120) == 0
    assert len(_segments(index)) == 5  # the eight one-work segments merged into one
    assert answers(index) == answers(SearchIndex(tmp_path / "ix")) == warm
    index.close()
