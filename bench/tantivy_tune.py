#!/usr/bin/env python3
"""Tune the tantivy engine's field weights once, on eval-dev only (never on a held-out set).

tantivy scores with BM25, Whoosh with BM25F (another idf, its own length
normalisation), so the policy's plans weigh fields a little differently on each.
This builds the eval-dev index once with the tantivy engine, then walks each
text field's weight over a few values (coordinate ascent, two rounds), keeping a
change only when recall@10 rises, or stays and MRR rises by more than 0.001.
Prints the best ``FIELD_BOOST`` for ``contentlib/search/tantivy_engine.py``.

usage: tantivy_tune.py [--catalog eval-dev/catalog.jsonl] [--queries eval-dev/queries.jsonl]
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from contentlib.search import SearchIndex, tantivy_engine  # noqa: E402

SHARED = next((p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "data").is_dir()),
              Path("/work/shared"))
STEPS = (0.5, 0.75, 1.0, 1.5, 2.0)


def score(idx, queries):
    rec, rr = [], []
    for q in queries:
        got = [x["id"] for x in idx.search(q["q"], per_page=10)["results"]][:10]
        rel = set(q["relevant"])
        rec.append(len(rel & set(got)) / min(len(rel), 10))
        rr.append(next((1 / (i + 1) for i, g in enumerate(got) if g in rel), 0.0))
    return sum(rec) / len(rec), sum(rr) / len(rr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", default=str(SHARED / "data/eval-dev/catalog.jsonl"))
    ap.add_argument("--queries", default=str(SHARED / "data/eval-dev/queries.jsonl"))
    a = ap.parse_args()
    assert "eval-dev" in a.catalog, "tune on eval-dev only"
    queries = [json.loads(line) for line in open(a.queries, encoding="utf-8") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        idx = SearchIndex(Path(tmp) / "ix", "tantivy")
        idx.rebuild(json.loads(line) for line in open(a.catalog, encoding="utf-8") if line.strip())
        boost = dict(tantivy_engine.FIELD_BOOST)
        best = score(idx, queries)
        print("start", boost, "recall@10={:.4f} MRR={:.4f}".format(*best))
        for _ in range(2):
            for field in boost:
                for value in STEPS:
                    if value == boost[field]:
                        continue
                    trial = dict(boost, **{field: value})
                    tantivy_engine.FIELD_BOOST.update(trial)
                    got = score(idx, queries)
                    if got[0] > best[0] + 1e-9 or (abs(got[0] - best[0]) < 1e-9 and got[1] > best[1] + 0.001):
                        best, boost = got, trial
                        print("better", field, value, "recall@10={:.4f} MRR={:.4f}".format(*got), flush=True)
                tantivy_engine.FIELD_BOOST.update(boost)
        idx.close()
    print("FIELD_BOOST =", boost, "recall@10={:.4f} MRR={:.4f}".format(*best))


if __name__ == "__main__":
    main()
