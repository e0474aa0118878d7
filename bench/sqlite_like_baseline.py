#!/usr/bin/env python3
"""Time a SQLite LIKE scan over a catalog, the baseline search latency is compared to.

Loads titles, descriptions and keywords of a JSON Lines catalog into one
SQLite table (in memory), then runs every query of a query file as
``text LIKE '%q%'`` (count plus the first 10 rows, like one results page)
and prints latency p50/p95. Standard library only.

usage: sqlite_like_baseline.py --catalog catalog.jsonl --queries queries.jsonl
"""
import argparse
import json
import sqlite3
import time


def text_of(rec):
    parts = []
    for key in ("titles", "descriptions"):
        parts.extend((rec.get(key) or {}).values())
    for words in (rec.get("keywords") or {}).values():
        parts.extend(words)
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--queries", required=True)
    a = ap.parse_args()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE works (id TEXT PRIMARY KEY, text TEXT)")
    with open(a.catalog, encoding="utf-8") as f:
        db.executemany("INSERT INTO works VALUES (?, ?)",
                       ((r["id"], text_of(r)) for r in map(json.loads, f)))
    lat = []
    with open(a.queries, encoding="utf-8") as f:
        for q in map(json.loads, f):
            pattern = "%" + q["q"].replace("%", "").replace("_", "") + "%"
            t = time.perf_counter()
            db.execute("SELECT count(*) FROM works WHERE text LIKE ?", (pattern,)).fetchone()
            db.execute("SELECT id FROM works WHERE text LIKE ? LIMIT 10", (pattern,)).fetchall()
            lat.append(time.perf_counter() - t)
    lat.sort()
    print(f"LIKE scan n={len(lat)} p50={1000 * lat[len(lat) // 2]:.1f}ms "
          f"p95={1000 * lat[int(len(lat) * .95)]:.1f}ms")


if __name__ == "__main__":
    main()
