#!/usr/bin/env python3
"""Recall@10 of a ZIM's full-text search (python-libzim's ``Searcher``, as Kiwix apps search) on Tibetan and Chinese.

Held-out-style queries are cut from a catalog's own texts (seeded), as the site's
judged sets are: Tibetan runs of 2-3 syllables (``bo-run``), a title's first syllables
(``bo-title``), a word whose syllable lost its affixed particle (``bo-particle``:
``བཙའ་བ`` for ``…བཙའ་བའི…``), the same typed with variant signs (``bo-variant``);
Chinese words (``zh``), a title's first characters (``zh-title``) and the
Traditional spelling (``zh-hant``). A work is relevant when the site's analysers
find the query's syllables (or characters) in a row in its texts. Usage:

    bench/zim_search_eval.py CATALOG.jsonl FILE.zim [--per-class 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contentlib.search import tibetan  # noqa: E402

TSHEG = "\u0f0b"
_PHRASES = re.compile("[\u0f0d-\u0f12\u0f14\\s]+")
_COMPOSE = (("\u0f71\u0f72", "\u0f73"), ("\u0f71\u0f74", "\u0f75"), ("\u0f71\u0f80", "\u0f81"))


def _bo(rec) -> str:
    return " ".join(t for t in ((rec.get("titles") or {}).get("bo"), (rec.get("descriptions") or {}).get("bo")) if t)


def _zh(rec) -> str:
    return "\n".join(t for t in ((rec.get("titles") or {}).get("zh"), (rec.get("descriptions") or {}).get("zh")) if t)


def _contains(seq: list, part: list) -> bool:
    n = len(part)
    return n > 0 and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def make_queries(records: list[dict], per_class: int = 30, seed: int = 7, most: int = 3) -> list[dict]:
    """Queries ``{"class", "q", "relevant"}``; a query more than ``most`` works answer is dropped."""
    from opencc import OpenCC

    from contentlib.search.chinese import search_words, to_simplified

    rng = random.Random(seed)
    bo_forms = {r["id"]: tibetan.syllables(_bo(r)) for r in records}
    zh_texts = {r["id"]: to_simplified(_zh(r)) for r in records}
    s2t = OpenCC("s2t")
    out, seen = [], set()

    def bo_relevant(q):
        want = tibetan.syllables(q)
        return [i for i, forms in bo_forms.items() if _contains(forms, want)]

    def zh_relevant(q):
        want = to_simplified(q)
        return [i for i, text in zh_texts.items() if want in text]

    def add(cls, q, relevant):
        if q and (cls, q) not in seen and 0 < len(relevant) <= most:
            seen.add((cls, q))
            out.append({"class": cls, "q": q, "relevant": relevant})
            return True
        return False

    def take(cls, make, relevant):
        count, tries = 0, 0
        while count < per_class and tries < per_class * 50:
            tries += 1
            rec = rng.choice(records)
            q = make(rec)
            if q and add(cls, q, relevant(q)):
                count += 1

    def fragment(rec):
        phrases = [p.strip(TSHEG) for p in _PHRASES.split(_bo(rec)) if p.strip(TSHEG)]
        phrases = [s.split(TSHEG) for s in phrases if len(s.split(TSHEG)) >= 3]
        if not phrases:
            return None
        syl = rng.choice(phrases)
        n = rng.choice((2, 3))
        start = rng.randrange(0, len(syl) - n + 1)
        return TSHEG.join(syl[start:start + n])

    def title(rec):
        syl = [s for s in re.split("[\u0f0b-\u0f14\\s]+", (rec.get("titles") or {}).get("bo") or "") if s]
        return TSHEG.join(syl[:rng.choice((2, 3))]) if len(syl) >= 2 else None

    def particle(rec):
        syl = [s for s in re.split("[\u0f0b-\u0f14\\s]+", _bo(rec)) if s]
        spots = [i for i in range(1, len(syl)) if tibetan.strip_affix(syl[i]) != syl[i]]
        if not spots:
            return None
        i = rng.choice(spots)
        return TSHEG.join(syl[max(0, i - rng.choice((1, 2))):i] + [tibetan.strip_affix(syl[i])])

    def variant(rec):
        q = fragment(rec)
        if not q:
            return None
        for plain, composed in _COMPOSE:
            q = q.replace(plain, composed)
        return q.replace(TSHEG, "\u0f0c") + "་།"

    def zh_word(rec):
        words = [w for w in search_words(to_simplified(_zh(rec))) if 2 <= len(w) <= 4
                 and all("\u4e00" <= c <= "\u9fff" for c in w)]
        return rng.choice(words) if words else None

    def zh_title(rec):
        t = "".join(c for c in (rec.get("titles") or {}).get("zh") or "" if "\u4e00" <= c <= "\u9fff")
        return t[:rng.choice((2, 3, 4))] if len(t) >= 2 else None

    def zh_hant(rec):
        q = zh_word(rec)
        t = s2t.convert(q) if q else None
        return t if t and t != q else None

    take("bo-run", fragment, bo_relevant)
    take("bo-title", title, bo_relevant)
    take("bo-particle", particle, bo_relevant)
    take("bo-variant", variant, bo_relevant)
    take("zh", zh_word, zh_relevant)
    take("zh-title", zh_title, zh_relevant)
    take("zh-hant", zh_hant, zh_relevant)
    return out


def evaluate(zim: Path, queries: list[dict], k: int = 10) -> dict:
    """``{class: recall@k}`` plus ``bo`` and ``zh`` over all their classes, and the queries missed."""
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    searcher = Searcher(Archive(str(zim)))
    per, missed = {}, []
    for q in queries:
        found = [path.rsplit("/", 1)[-1] for path in searcher.search(Query().set_query(q["q"])).getResults(0, k)]
        got = len(set(found) & set(q["relevant"])) / min(len(q["relevant"]), k)
        for cls in {q["class"], q["class"].split("-")[0]}:
            per.setdefault(cls, []).append(got)
        if got < 1:
            missed.append({**q, "found": found})
    return {"recall": {cls: sum(v) / len(v) for cls, v in sorted(per.items())},
            "queries": {cls: len(v) for cls, v in sorted(per.items())}, "missed": missed}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalog", type=Path)
    ap.add_argument("zim", type=Path)
    ap.add_argument("--per-class", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show-missed", action="store_true")
    args = ap.parse_args(argv)
    records = [json.loads(line) for line in args.catalog.read_text("utf-8").splitlines() if line.strip()]
    result = evaluate(args.zim, make_queries(records, args.per_class, args.seed))
    for cls, value in result["recall"].items():
        print(f"{cls:12} recall@10 {value:.3f}  ({result['queries'][cls]} queries)")
    if args.show_missed:
        for q in result["missed"]:
            print(json.dumps(q, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
