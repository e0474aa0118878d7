#!/usr/bin/env python3
"""Build a held-out judged search set in the style of shared/data/eval-dev.

A second judged set, so that search rules are tuned against one set and
checked against another. Usage:

    bench/make_heldout_eval.py OUTDIR
    bench/search_eval_direct.py --catalog OUTDIR/catalog.jsonl --queries OUTDIR/queries.jsonl

Rules reverse-engineered from the dev set (all verified against it):

catalog
  * SIB: rows of one split, sorted by index_id, grouped while the next index_id
    is exactly +1, has the same category, and the group has < 4 rows.  (Dev uses
    the train split only -> exactly its 433 works; here train, dev and test.)
    id sib-%04d of the first row; titles {bo, zh_hans} of the first row;
    descriptions bo = rest joined with " ", zh = rest joined with "" (only if
    the group has >1 row).  subjects from category, audiences general-public,
    type random video/animation/book, year random 2018..2025.
  * CMRC: one work per article, id cmrc-trial-N / cmrc-dev-N, titles.zh = title,
    descriptions.zh = context, subjects general-knowledge, no year.
queries (seeded; sources exclude every work that is relevant to a dev query)
  * bo: 2 or 3 consecutive syllables of one tsheg-delimited phrase of the source
    work's bo title+description, joined with a single tsheg, no final tsheg.
    relevant = every work in which some phrase contains that syllable sequence
    (catalog order); dropped if more than 3 works.
  * bo-variant: U+0F71+vowel composed (F73/F75/F81), tsheg -> U+0F0C, "་།" appended.
  * bo-ewts: pyewts toWylie of the bo query.
  * zh: a jieba token (2-4 Han characters) of the source work's zh
    title+description; relevant = works whose zh title+"\n"+description contains
    it (catalog order); dropped if more than 3.  Sources half SIB, half CMRC.
  * zh-hant: OpenCC s2t, only when it differs.  zh-pinyin: pypinyin.lazy_pinyin
    joined by " "; zh-pinyin-joined: joined by "".
  * zh-question: random CMRC questions of the cmrc2018 *dev* file (dev used trial).
"""
import csv
import json
import random
import re
import sys
from pathlib import Path

import jieba
import opencc
import pyewts
from pypinyin import lazy_pinyin

SEED = 20250101
N_PER_CLASS = 100
# ../shared beside the checkout (or beside the folder of worktrees)
SHARED = next((p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "data").is_dir()),
              Path(__file__).resolve().parents[2] / "shared")
RAW = SHARED / "data/raw"
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("heldout")

SUBJECT = {"science/technology": "technology", "travel": "geography", "politics": "society",
           "sports": "sports", "entertainment": "culture", "health": "health",
           "geography": "ecology-environment"}
SIB_ATTR = "FLORES-200 (NLLB Team, 2022) via SIB-200 (Adelani et al., 2023)"
CMRC_ATTR = "CMRC 2018 (Cui et al., 2019), Chinese Wikipedia text"
TYPES = ["video", "animation", "book"]


def build_catalog(rng):
    rows = list(csv.DictReader(open(RAW / "sib200-flores-bo-zh/sib200_parallel_bo_zh_en.tsv",
                                    encoding="utf-8"), delimiter="\t"))
    by = {int(r["index_id"]): r for r in rows}
    groups = []
    for split in ("train", "dev", "test"):
        cur = []
        for i in sorted(i for i, r in by.items() if r["split"] == split):
            if cur and i == cur[-1] + 1 and by[i]["category"] == by[cur[-1]]["category"] and len(cur) < 4:
                cur.append(i)
            else:
                if cur:
                    groups.append(cur)
                cur = [i]
        groups.append(cur)
    groups.sort()
    works = []
    for g in groups:
        r0 = by[g[0]]
        w = {"id": f"sib-{g[0]:04d}", "type": rng.choice(TYPES),
             "titles": {"bo": r0["bo"], "zh": r0["zh_hans"]},
             "subjects": [SUBJECT[r0["category"]]], "audiences": ["general-public"],
             "year": rng.randint(2018, 2025), "license": "CC BY-SA 4.0", "attribution": SIB_ATTR}
        if len(g) > 1:
            w["descriptions"] = {"bo": " ".join(by[i]["bo"] for i in g[1:]),
                                 "zh": "".join(by[i]["zh_hans"] for i in g[1:])}
        works.append(w)
    for name in ("trial", "dev"):
        data = json.load(open(RAW / f"cmrc2018-zh/cmrc2018_{name}.json", encoding="utf-8"))["data"]
        for a in data:
            n = a["id"].split("_", 1)[1]
            title = a["title"].strip()
            if not title:  # 2 dev-file articles have an empty title: take the lead name
                ctx = a["paragraphs"][0]["context"].replace("-{", "").replace("}-", "")
                title = re.split(r"[（，(]", ctx, maxsplit=1)[0]
            works.append({"id": f"cmrc-{name}-{n}", "type": rng.choice(TYPES),
                          "titles": {"zh": title},
                          "descriptions": {"zh": "".join(p["context"] for p in a["paragraphs"])},
                          "subjects": ["general-knowledge"], "audiences": ["general-public"],
                          "license": "CC BY-SA 4.0", "attribution": CMRC_ATTR})
    return works


ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def validate(works):
    vocab = {k: [x["code"] for x in v] for k, v in json.load(open(SHARED / "spec/vocabulary.json", encoding="utf-8")).items()
             if isinstance(v, list)}
    seen = set()
    for n, w in enumerate(works, 1):
        assert ID_RE.match(w["id"]) and w["id"] not in seen, (n, w["id"])
        seen.add(w["id"])
        assert w["type"] in vocab["types"], n
        assert any(isinstance(v, str) and v.strip() for v in w["titles"].values()), n
        assert set(w["titles"]) <= {"bo", "zh", "en"} and set(w.get("descriptions", {})) <= {"bo", "zh", "en"}
        assert all(s in vocab["subjects"] for s in w["subjects"]), n
        assert all(s in vocab["audiences"] for s in w["audiences"]), n
        assert "year" not in w or 1900 <= w["year"] <= 2100


def text(w, lang):
    return w["titles"].get(lang, "") + "\n" + w.get("descriptions", {}).get(lang, "")


def bo_phrases(t):
    out = []
    for ph in re.findall(r"[\u0f40-\u0fbc\u0f0b]+", t):
        s = [x for x in ph.split("\u0f0b") if x]
        if s:
            out.append(s)
    return out


def bo_variant(q):
    q = q.replace("\u0f71\u0f72", "\u0f73").replace("\u0f71\u0f74", "\u0f75").replace("\u0f71\u0f80", "\u0f81")
    return q.replace("\u0f0b", "\u0f0c") + "\u0f0b\u0f0d"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    works = build_catalog(rng)
    validate(works)
    with open(OUT / "catalog.jsonl", "w", encoding="utf-8") as f:
        for w in works:
            f.write(json.dumps(w, ensure_ascii=False) + "\n")

    dev_q = [json.loads(line) for line in open(SHARED / "data/eval-dev/queries.jsonl", encoding="utf-8")]
    dev_used = {r for x in dev_q for r in x["relevant"]}
    dev_bo = {x["q"] for x in dev_q if x["class"] == "bo"}
    dev_zh = {x["q"] for x in dev_q if x["class"] == "zh"}

    queries = []

    def add(cls, i, q, rel):
        queries.append({"qid": f"{cls}-{i}", "class": cls, "q": q, "relevant": rel})

    # --- Tibetan spans
    ewts = pyewts.pyewts()
    phr = {w["id"]: bo_phrases(text(w, "bo")) for w in works if "bo" in w["titles"]}
    cands = sorted(i for i in phr if i not in dev_used)
    rng.shuffle(cands)
    k, seen = 0, set()
    for src in cands:
        if k >= N_PER_CLASS:
            break
        slots = [(p, j) for p, ph in enumerate(phr[src]) for j in range(len(ph) - 1)]
        rng.shuffle(slots)
        for p, j in slots[:20]:
            n = 3 if rng.random() < 0.65 else 2
            sp = phr[src][p][j:j + n]
            if len(sp) < 2:
                continue
            q = "\u0f0b".join(sp)
            if q in seen or q in dev_bo:
                continue
            rel = [i for i in phr if any(ph[x:x + len(sp)] == sp for ph in phr[i]
                                         for x in range(len(ph) - len(sp) + 1))]
            if len(rel) > 3:
                continue
            seen.add(q)
            add("bo", k, q, rel)
            add("bo-variant", k, bo_variant(q), rel)
            add("bo-ewts", k, ewts.toWylie(q), rel)
            k += 1
            break

    # --- Chinese words
    jieba.setLogLevel(60)
    s2t = opencc.OpenCC("s2t")
    zt = [(w["id"], text(w, "zh")) for w in works]
    pools = {p: sorted(w["id"] for w in works if w["id"].startswith(p) and w["id"] not in dev_used)
             for p in ("sib", "cmrc")}
    for p in pools.values():
        rng.shuffle(p)
    ztext = dict(zt)
    k, seen = 0, set()
    order = ["sib", "cmrc"] * N_PER_CLASS
    while k < N_PER_CLASS:
        pool = pools[order[k]]
        src = pool.pop()
        toks = sorted({t for t in jieba.lcut(ztext[src])
                       if 2 <= len(t) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", t)})
        rng.shuffle(toks)
        for t in toks:
            if t in seen or t in dev_zh:
                continue
            rel = [i for i, tx in zt if t in tx]
            if len(rel) > 3:
                continue
            seen.add(t)
            py = lazy_pinyin(t)
            add("zh", k, t, rel)
            h = s2t.convert(t)
            if h != t:
                add("zh-hant", k, h, rel)
            add("zh-pinyin", k, " ".join(py), rel)
            add("zh-pinyin-joined", k, "".join(py), rel)
            k += 1
            break

    # --- CMRC questions (dev file; dev set used the trial file)
    data = json.load(open(RAW / "cmrc2018-zh/cmrc2018_dev.json", encoding="utf-8"))["data"]
    qs = [(qa["question"], "cmrc-dev-" + a["id"].split("_", 1)[1])
          for a in data for p in a["paragraphs"] for qa in p["qas"]]
    qs = sorted(set(qs))
    for k, (q, wid) in enumerate(rng.sample(qs, N_PER_CLASS)):
        add("zh-question", k, q, [wid])

    with open(OUT / "queries.jsonl", "w", encoding="utf-8") as f:
        for x in queries:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    from collections import Counter
    print(len(works), "works", Counter(w["id"].rsplit("-", 1)[0] for w in works), file=sys.stderr)
    print(Counter(x["class"] for x in queries), file=sys.stderr)


if __name__ == "__main__":
    main()
