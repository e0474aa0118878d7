#!/usr/bin/env python3
"""Digests of the analysis and the results, to show two versions of the code index and answer alike.

Prints sha256 digests of: every analyzer's terms for every record of CATALOG
(its first LIMIT records); then, unless ``terms`` is given, the readings of
every eval-dev and held-out query and the top 10 ids, highlights and total
of each, from an index of those records. Run it with the code at CODE_ROOT
(e.g. a ``git archive`` of an older commit) and with this checkout: equal
digests, equal tokens and results.

usage: bench/token_digest.py CODE_ROOT CATALOG [terms|all] LIMIT [HELDOUT_QUERIES]
"""
import hashlib
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import contentlib  # noqa: E402

assert contentlib.__file__.startswith(sys.argv[1]), contentlib.__file__
from contentlib.search import SearchIndex  # noqa: E402
from contentlib.search import index as si  # noqa: E402
from contentlib.search.query import interpret  # noqa: E402

SHARED = next((p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
              Path("/work/shared"))


def main():
    with open(sys.argv[2], encoding="utf-8") as fh:
        cat = [json.loads(line) for line in fh if line.strip()][:int(sys.argv[4])]
    schema = si.make_schema()
    h, n = hashlib.sha256(), 0
    for rec in cat:
        for name, value in sorted(si.document(rec).items()):
            ana = getattr(schema[name], "analyzer", None)
            if isinstance(value, str) and hasattr(ana, "terms"):
                terms = list(ana.terms(value))
                h.update(json.dumps([rec["id"], name, terms], ensure_ascii=False).encode())
                n += len(terms)
    print("terms", n, h.hexdigest())
    if sys.argv[3] == "terms":
        return
    paths = [SHARED / "data/eval-dev/queries.jsonl"] + [Path(p) for p in sys.argv[5:]]
    qs = [json.loads(line)["q"] for p in paths for line in open(p, encoding="utf-8") if line.strip()]
    h2 = hashlib.sha256()
    for q in qs:
        h2.update(repr(interpret(q)).encode())
    print("readings", len(qs), h2.hexdigest())
    idx = SearchIndex(Path(tempfile.mkdtemp()) / "ix")
    idx.rebuild(cat)
    h3 = hashlib.sha256()
    for q in qs:
        r = idx.search(q, per_page=10)
        h3.update(json.dumps([[x["id"], x.get("highlights")] for x in r["results"]], ensure_ascii=False,
                             sort_keys=True).encode())
        h3.update(json.dumps(r.get("total")).encode())
    print("results", h3.hexdigest())


if __name__ == "__main__":
    main()
