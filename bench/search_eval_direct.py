#!/usr/bin/env python3
"""Score SearchIndex.search directly on a judged query set (no server).

Builds an index of a JSON Lines catalog in a temporary directory, then asks
every query of the query file for 10 results and prints recall@10 per class,
overall recall@10, MRR and latency exactly as ``shared/tools/search_eval.py``
does. ``--analyzer standard`` builds the same schema with Whoosh's default
StandardAnalyzer on every text field, for comparison.

usage: search_eval_direct.py --catalog catalog.jsonl --queries queries.jsonl
       [--engine whoosh|tantivy] [--analyzer ours|standard] [--min 0.95] [--show-misses] [--index DIR]
"""
import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from contentlib.search import SearchIndex  # noqa: E402


def records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--analyzer", choices=["ours", "standard"], default="ours")
    ap.add_argument("--engine", choices=["whoosh", "tantivy"], help="default: CONTENTLIB_SEARCH_ENGINE, else whoosh")
    ap.add_argument("--index", help="reuse (or build once into) this directory")
    ap.add_argument("--min", type=float)
    ap.add_argument("--show-misses", action="store_true")
    a = ap.parse_args()
    tmp = None
    if a.index:
        path = Path(a.index)
    else:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "index"
    if a.analyzer == "standard":
        from standard_analyzer import StandardIndex  # bench/, beside this script

        idx = StandardIndex(path)
    else:
        idx = SearchIndex(path, a.engine)
    if not idx.exists():
        t = time.perf_counter()
        n = idx.rebuild(records(a.catalog))
        print(f"indexed {n} works in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    per, lat, errors = defaultdict(list), [], 0
    for q in records(a.queries):
        t = time.perf_counter()
        try:
            got = [x["id"] for x in idx.search(q["q"], per_page=10)["results"]][:10]
        except Exception as e:  # scored zero and counted, as in search_eval.py
            got, errors = [], errors + 1
            print("error:", q["qid"], repr(q["q"]), e, file=sys.stderr)
        lat.append(time.perf_counter() - t)
        rel = set(q["relevant"])
        recall = len(rel & set(got)) / min(len(rel), 10)
        rr = next((1 / (i + 1) for i, g in enumerate(got) if g in rel), 0.0)
        per[q["class"]].append((recall, rr))
        if a.show_misses and recall < 1:
            print("miss:", q["qid"], repr(q["q"]), "relevant", q["relevant"], "got", got[:5])
    idx.close()
    allv = [x for v in per.values() for x in v]
    for c, v in sorted(per.items()):
        print(f"{c:18s} n={len(v):4d} recall@10={sum(r for r, _ in v) / len(v):.3f}")
    lat.sort()
    total = sum(r for r, _ in allv) / len(allv)
    mrr = sum(r for _, r in allv) / len(allv)
    print(f"latency p50={1000 * lat[len(lat) // 2]:.1f}ms p95={1000 * lat[int(len(lat) * .95)]:.1f}ms errors={errors}")
    print(f"ALL n={len(allv)} recall@10={total:.4f} MRR={mrr:.4f}")
    if tmp:
        tmp.cleanup()
    if a.min is not None and total < a.min:
        sys.exit(1)


if __name__ == "__main__":
    main()
