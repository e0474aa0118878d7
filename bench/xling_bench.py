#!/usr/bin/env python3
"""Cross-language costs: the lexicon build at N aligned pairs, and the other_language block on top of a search.

    bench/xling_bench.py build CATALOG.jsonl --pairs 50000
        time and peak memory of learning the lexicon from the catalog's bilingual texts (a fresh SQLite
        database; the pairs are cut from the works as ``contentlib lexicon build`` cuts them)
    bench/xling_bench.py curve --home HOME --queries QUERIES.jsonl
        recall@10 of the block as the lexicon learns from 1/8, 1/4, 1/2 and all of the bilingual works
    bench/xling_bench.py block --home HOME --queries QUERIES.jsonl [--rounds 3]
        per query, the time of ``Library.search`` and of ``Library.search_across`` on a built home
        (catalog imported, index and lexicon built); prints p50/p95 of each and of the difference

Make a scale catalog with ../shared/tools/make_scale_catalog.py N.
"""
import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(args):
    from contentlib.crosslang import lexicon
    from contentlib.store import Store

    rows = []
    with open(args.catalog, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            t, d = rec.get("titles") or {}, rec.get("descriptions") or {}
            if t.get("bo") and t.get("zh"):
                rows.append((t["bo"], d.get("bo"), t["zh"], d.get("zh")))
    cpu = time.process_time()
    pairs = lexicon.text_pairs(rows)[:args.pairs]
    print(f"{len(pairs)} pairs from {len(rows)} bilingual works")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.from_url(f"sqlite:///{tmp}/lexicon.db")
        start = time.perf_counter()
        entries = lexicon.build(pairs)
        learned = time.perf_counter() - start
        store.replace_lexicon(entries, len(pairs), len(rows), time.time(), learned)
        total = time.perf_counter() - start
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"aligned in {learned:.1f} s, stored {len(entries)} entries, {total:.1f} s in all "
          f"({time.process_time() - cpu:.1f} CPU-s with cutting the pairs); peak RSS {peak:.0f} MB")


def block(args):
    import os

    from contentlib.library import Library
    from contentlib.settings import defaults
    os.environ["CONTENTLIB_HOME"] = args.home
    settings = defaults()
    settings["CONTENTLIB_COUNT_USE"] = False
    lib = Library.from_settings(settings, migrate=False)  # a built home, read only
    queries = [json.loads(line)["q"] for line in open(args.queries, encoding="utf-8")]
    if not args.no_warm_up:
        lib.warm_up()  # as the server does before it serves: dictionaries, the whole lexicon
    lib.search_across(queries[0])  # warm: dictionaries, searcher, caches
    plain, across = [], []
    for _ in range(args.rounds):
        for q in queries:
            t0 = time.perf_counter()
            lib.search(q)
            t1 = time.perf_counter()
            lib.search_across(q)
            t2 = time.perf_counter()
            plain.append((t1 - t0) * 1000)
            across.append((t2 - t1) * 1000)

    def p(values, f):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * f))]

    diff = [a - b for a, b in zip(across, plain)]
    print(f"{len(queries)} queries x {args.rounds}: search p50 {p(plain, .5):.1f} ms p95 {p(plain, .95):.1f} ms; "
          f"with other_language p50 {p(across, .5):.1f} ms p95 {p(across, .95):.1f} ms; "
          f"block p50 {statistics.median(diff):.1f} ms p95 {p(diff, .95):.1f} ms")


def curve(args):
    """Recall@10 of the block as the lexicon learns from a growing share of the library's bilingual works."""
    import os
    import random

    from contentlib.crosslang import lexicon
    from contentlib.library import Library
    from contentlib.settings import defaults

    os.environ["CONTENTLIB_HOME"] = args.home
    settings = defaults()
    settings["CONTENTLIB_COUNT_USE"] = False
    lib = Library.from_settings(settings)
    rows = list(lib.store.bilingual_texts())
    random.Random(7).shuffle(rows)
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8")]
    for share in args.shares:
        part = rows[:max(1, int(len(rows) * share))]
        pairs = lexicon.text_pairs(part)
        lib.store.replace_lexicon(lexicon.build(pairs), len(pairs), len(part), time.time(), 0.0)
        lib.reach._checked = 0.0  # read the new generation now
        hits = 0
        for q in queries:
            other = lib.search_across(q["q"]).other_language
            ids = [h.id for h in other.results] if other else []
            hits += any(i in q["relevant"] for i in ids[:10])
        print(f"{len(part):5d} bilingual works, {len(pairs):5d} pairs: recall@10 {hits / len(queries):.3f}")
    lib.build_lexicon()  # leave the home with its full lexicon


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("catalog")
    b.add_argument("--pairs", type=int, default=50_000)
    k = sub.add_parser("block")
    k.add_argument("--home", required=True)
    k.add_argument("--queries", required=True)
    k.add_argument("--rounds", type=int, default=3)
    k.add_argument("--no-warm-up", action="store_true", help="read the lexicon from the database, as before")
    c = sub.add_parser("curve")
    c.add_argument("--home", required=True)
    c.add_argument("--queries", required=True)
    c.add_argument("--shares", type=float, nargs="+", default=[0.125, 0.25, 0.5, 1.0])
    args = ap.parse_args()
    {"build": build, "block": block, "curve": curve}[args.cmd](args)


if __name__ == "__main__":
    main()
