#!/usr/bin/env python3
"""Build the demo catalog shipped in contentlib/data/demo/ from ../shared/data/raw.

Consecutive FLORES-200 sentences of one SIB-200 topic (one article) make one
bilingual work; CMRC 2018 Wikipedia passages make Chinese-only works that stand
for content still awaiting a Tibetan translation. Deterministic: the same
inputs give the same file.

usage: tools/build_demo.py [RAW_DIR] > contentlib/data/demo/catalog.jsonl
"""
import csv
import hashlib
import json
import re
import sys
from urllib.parse import quote
from pathlib import Path

RAW = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data/raw"
SIB_ATTRIBUTION = "FLORES-200 (NLLB Team, 2022) via SIB-200 (Adelani et al., 2023)"
CMRC_ATTRIBUTION = "CMRC 2018 (Cui et al., 2019), passages from Chinese Wikipedia"
SUBJECT = {"science/technology": ["technology", "physical-science"], "health": ["health"],
           "geography": ["geography", "earth-space"], "travel": ["geography"], "politics": ["society"],
           "entertainment": ["culture"], "sports": ["sports"]}
ORDER = ["science/technology", "health", "geography", "travel", "politics", "entertainment", "sports"]
TYPES = ["video", "video", "animation", "book", "poster", "audio"]
AUDIENCES = ["youth", "farmers-herders", "general-public", "women", "urban-workers", "cadres"]
GRADES = ["primary", "junior-secondary", "senior-secondary", "vocational", "adult"]
MAX_SENTENCES = 3


def pick(seq, key, salt=""):
    digest = hashlib.sha256((salt + key).encode()).digest()
    return seq[digest[0] % len(seq)]


def zh_title(text):
    first = re.split("(?<=[。！？])", text)[0]
    clause = re.split("[，：；]", first)[0]
    return clause if len(clause) >= 6 else first.rstrip("。")


def bo_title(text):
    return text.split("\u0f0d")[0].strip()


def sib_works():
    rows = list(csv.DictReader(open(RAW / "sib200-flores-bo-zh/sib200_parallel_bo_zh_en.tsv", encoding="utf-8"),
                               delimiter="\t"))
    runs, prev = [], None
    for r in rows:
        if prev and int(r["index_id"]) == int(prev["index_id"]) + 1 and r["category"] == prev["category"]:
            runs[-1].append(r)
        else:
            runs.append([r])
        prev = r
    chunks = [run[i:i + MAX_SENTENCES] for run in runs for i in range(0, len(run), MAX_SENTENCES)]
    chunks.sort(key=lambda c: (ORDER.index(c[0]["category"]), int(c[0]["index_id"])))
    for chunk in chunks:
        first = chunk[0]
        wid = "demo-sib-%04d" % int(first["index_id"])
        wtype = pick(TYPES, wid)
        rec = {"id": wid, "type": wtype,
               "titles": {"bo": bo_title(first["bo"]), "zh": zh_title(first["zh_hans"]),
                          "en": first["en"].split(". ")[0].rstrip(".")},
               "descriptions": {"bo": " ".join(r["bo"] for r in chunk),
                                "zh": "".join(r["zh_hans"] for r in chunk),
                                "en": " ".join(r["en"] for r in chunk)},
               "subjects": SUBJECT[first["category"]],
               "audiences": [pick(AUDIENCES, wid, "a")],
               "grades": [pick(GRADES, wid, "g")],
               "year": 2019 + int(first["index_id"]) % 7}
        if wtype in ("video", "animation", "audio"):
            rec["duration_seconds"] = 60 + int(first["index_id"]) % 240
        if wtype == "book":
            rec["pages"] = 4 + int(first["index_id"]) % 20
        rec["creators"] = [{"name": {"en": "NLLB Team", "zh": "NLLB 团队"}, "role": "translator"}]
        rec["license"] = "CC BY-SA 4.0"
        rec["attribution"] = SIB_ATTRIBUTION
        yield rec


def cmrc_works(limit=120):
    data = json.load(open(RAW / "cmrc2018-zh/cmrc2018_dev.json", encoding="utf-8"))["data"]
    for art in data[:limit]:
        context = art["paragraphs"][0]["context"]
        sentences = re.split("(?<=[。！？])", context)
        desc = "".join(sentences[:4])
        wid = "demo-cmrc-" + re.sub(r"[^A-Za-z0-9._-]", "-", art["id"])[:50]
        wtype = pick(["video", "book", "animation"], wid)
        rec = {"id": wid, "type": wtype, "titles": {"zh": art["title"]}, "descriptions": {"zh": desc},
               "subjects": ["general-knowledge"], "audiences": [pick(AUDIENCES, wid, "a")],
               "grades": [pick(GRADES, wid, "g")], "year": 2018}
        if wtype == "book":
            rec["pages"] = 8
        rec["license"] = "CC BY-SA 4.0"
        rec["attribution"] = CMRC_ATTRIBUTION
        rec["source_url"] = "https://zh.wikipedia.org/wiki/" + quote(art["title"].replace(" ", "_"))
        yield rec


def main():
    out = sys.stdout
    # Imported in file order, newest last: the science works should greet visitors first.
    for rec in list(cmrc_works()) + list(sib_works())[::-1]:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
