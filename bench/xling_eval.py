#!/usr/bin/env python3
"""Score a running server's cross-language block: recall@10 and MRR of ``other_language.results``.

    bench/xling_eval.py --url http://127.0.0.1:5050 --queries ../shared/data/xling-dev/queries.jsonl

Like ``tools/search_eval.py`` (which scores ``results``), per query class, with latency.
"""
import argparse
import json
import statistics
import time
import urllib.parse
import urllib.request
from collections import defaultdict


def ask(url, q):
    with urllib.request.urlopen(f"{url}/api/v1/search?{urllib.parse.urlencode({'q': q})}", timeout=30) as r:
        body = json.load(r)
    return [x["id"] for x in (body.get("other_language") or {}).get("results", [])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    recall, rr, times = defaultdict(list), [], []
    for line in open(args.queries, encoding="utf-8"):
        q = json.loads(line)
        t0 = time.perf_counter()
        ids = ask(args.url.rstrip("/"), q["q"])[:10]
        times.append((time.perf_counter() - t0) * 1000)
        hit = [i for i, x in enumerate(ids) if x in q["relevant"]]
        recall[q["class"]].append(1.0 if hit else 0.0)
        rr.append(1.0 / (hit[0] + 1) if hit else 0.0)
        if args.show_misses and not hit:
            print("miss", q["qid"], q["q"], q["relevant"], ids[:3])
    for cls, vals in sorted(recall.items()):
        print(f"{cls:18s} n={len(vals):4d} recall@10={statistics.mean(vals):.3f}")
    allv = [v for vals in recall.values() for v in vals]
    times.sort()
    print(f"latency p50={times[len(times) // 2]:.1f}ms p95={times[int(len(times) * 0.95)]:.1f}ms")
    print(f"ALL n={len(allv)} recall@10={statistics.mean(allv):.3f} MRR={statistics.mean(rr):.3f}")


if __name__ == "__main__":
    main()
