"""The rebuild's segment writer writes exactly the files Whoosh's own writer writes."""
import hashlib
import json

import pytest
from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from contentlib.search import index as si
from contentlib.search import segwriter
from contentlib.search.segwriter import FastSegmentWriter

from ..conftest import EVAL_SAMPLE


def _records():
    """Real bilingual records (tests/data's sample of eval-dev, the same on every clone), plus edge cases."""
    with open(EVAL_SAMPLE, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh if line.strip()]
    recs += [
        {"id": "only-en", "titles": {"en": "Water water water cycle"}, "subjects": ["earth-space"]},
        {"id": "same-words", "titles": {"zh": "水水水水 水循环", "bo": "ཆུ་ཆུ་ཆུ་ཆུ།"},
         "keywords": {"zh": ["水", "水"]}},
        {"id": "empty-desc", "titles": {"bo": "ཉི་མ།"}, "descriptions": {"bo": ""}},
    ]
    for i, rec in enumerate(recs):
        rec["added"] = i
    return recs


def _codec(blocklimit):
    codec = W3Codec(blocklimit=blocklimit, compression=0)
    codec.length_stats = False
    return codec


def _write(tmp_path, name, cls, docs, blocklimit):
    d = tmp_path / name
    d.mkdir()
    ix = windex.create_in(str(d), si.make_schema())
    writer = cls(ix, _lk=False, codec=_codec(blocklimit), compound=False)
    for doc in docs:
        writer.add_document(**doc)
    segment = writer._finalize_segment()
    files = {}
    for f in d.iterdir():
        if f.is_file() and f.name.startswith(segment.segment_id() + "."):
            files[f.name.split(".", 1)[1]] = hashlib.sha256(f.read_bytes()).hexdigest()
    return files


@pytest.mark.parametrize("blocklimit", [si.BLOCK, 3])
def test_files_equal_whoosh_byte_for_byte(tmp_path, blocklimit, monkeypatch):
    """Blocks of 3 postings cut most lists into several blocks; a small batch crosses batches."""
    monkeypatch.setattr(segwriter, "BATCH", 50)
    si.chinese.prepare()
    docs = [si.document(r) for r in _records()]
    theirs = _write(tmp_path, "whoosh", SegmentWriter, docs, blocklimit)
    ours = _write(tmp_path, "fast", FastSegmentWriter, docs, blocklimit)
    assert {"trm", "pst"} <= set(theirs)
    assert ours == theirs


def test_refuses_a_codec_it_cannot_write(tmp_path):
    ix = windex.create_in(str(tmp_path), si.make_schema())
    codec = W3Codec(compression=3)
    codec.length_stats = False
    with pytest.raises(ValueError, match="compression"):
        FastSegmentWriter(ix, _lk=False, codec=codec)


def test_a_rebuilt_index_answers_like_one_written_by_whoosh(tmp_path):
    """End to end: the same searches give the same hits and scores."""
    recs = _records()
    ours = si.WhooshEngine(tmp_path / "ours", chunk_size=150)  # several segments, forked writers
    ours.rebuild(recs)
    (tmp_path / "theirs").mkdir()
    ix = windex.create_in(str(tmp_path / "theirs"), si.make_schema())
    writer = ix.writer(codec=si._codec(), compound=False)
    for rec in recs:
        writer.add_document(**si.document(rec))
    writer.commit()
    with ix.searcher() as theirs, ours._open().searcher() as mine:
        assert mine.doc_count() == theirs.doc_count() == len(recs)
        for field in ("bo", "bo2", "zh", "zhw", "py", "py2", "en", "subject"):
            common = [t for _, t in theirs.reader().most_frequent_terms(field, 3)]
            assert common, field
            rare = list(theirs.reader().lexicon(field))[-1:]
            for q in [wq.Term(field, t) for t in common + rare] + [wq.Or([wq.Term(field, t) for t in common])]:
                a = [(h["id"], round(h.score, 4)) for h in theirs.search(q, limit=None)]
                b = [(h["id"], round(h.score, 4)) for h in mine.search(q, limit=None)]
                assert a and sorted(a) == sorted(b), q


def test_a_rebuild_cuts_even_segments_that_keep_every_process_busy():
    assert si.chunk_size(101_775, most=25_000, procs=2) == 16_963  # 6 segments, 3 per process
    assert si.chunk_size(20_000, most=25_000, procs=2) == 10_000  # both processes, not one
    assert si.chunk_size(1_500, most=25_000, procs=2) == 1_500  # small: one segment, no fork
    assert si.chunk_size(None, most=25_000) == 25_000
    for n in (2_500, 50_001, 333_333):
        size = si.chunk_size(n, most=25_000, procs=2)
        chunks = -(-n // size)
        assert size <= 25_000 and chunks % 2 == 0
