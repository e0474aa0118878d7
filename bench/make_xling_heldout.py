#!/usr/bin/env python3
"""Build a held-out cross-language set in the style of shared/data/xling-dev.

From a held-out judged set (bench/make_heldout_eval.py OUTDIR), keep the plain
Tibetan (``bo``) and Chinese (``zh``) queries whose relevant works are all
bilingual, and remove the query's language (title and description) from those
works, so that a query finds them only across languages. A work targeted by
queries in both languages keeps the first query only. Usage:

    bench/make_heldout_eval.py /tmp/heldout
    bench/make_xling_heldout.py /tmp/heldout /tmp/xling-heldout
"""
import json
import sys
from pathlib import Path

CLASSES = {"bo": "xl-bo2zh", "zh": "xl-zh2bo"}


def main(src, out):
    src, out = Path(src), Path(out)
    works = [json.loads(line) for line in (src / "catalog.jsonl").open(encoding="utf-8")]
    by_id = {w["id"]: w for w in works}
    removed = {}  # work id -> the language removed from it
    queries = []
    for line in (src / "queries.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if q["class"] not in CLASSES:
            continue
        rel = q["relevant"]
        if not all(set(by_id[r].get("titles", {})) >= {"bo", "zh"} for r in rel):
            continue
        if any(removed.get(r, q["class"]) != q["class"] for r in rel):
            continue
        for r in rel:
            removed[r] = q["class"]
        queries.append({"qid": q["qid"], "class": CLASSES[q["class"]], "q": q["q"], "relevant": rel})
    for wid, lang in removed.items():
        for key in ("titles", "descriptions"):
            (by_id[wid].get(key) or {}).pop(lang, None)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "catalog.jsonl").open("w", encoding="utf-8") as fh:
        for w in works:
            fh.write(json.dumps(w, ensure_ascii=False) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in queries:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{len(works)} works, {len(queries)} queries, {len(removed)} works made one-language")


if __name__ == "__main__":
    main(*sys.argv[1:3])
