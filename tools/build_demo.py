#!/usr/bin/env python3
"""Build the demo catalog shipped in contentlib/data/demo/ from ../shared/data/raw.

Consecutive FLORES-200 sentences of one SIB-200 topic (one article) make one
bilingual work; CMRC 2018 Wikipedia passages make Chinese-only works that stand
for content still awaiting a Tibetan translation. Some science works get real
media drawn by ``tools/demo_media.py``: a short animation with Tibetan and
Chinese subtitles made of the work's own sentences, or a bilingual PDF leaflet.
Works without a file are texts, typed ``book``. Deterministic: the same inputs
give the same files.

usage: tools/build_demo.py [RAW_DIR] [OUT_DIR]   (OUT_DIR: contentlib/data/demo)
needs: pip install -e '.[demo-build]'   (fpdf2 and uharfbuzz shape the leaflets' Tibetan)
"""
import csv
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import demo_media  # noqa: E402  (beside this script)

RAW = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data/raw"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[1] / "contentlib/data/demo"
SIB_ATTRIBUTION = "FLORES-200 (NLLB Team, 2022) via SIB-200 (Adelani et al., 2023)"
CMRC_ATTRIBUTION = "CMRC 2018 (Cui et al., 2019), passages from Chinese Wikipedia"
SUBJECT = {"science/technology": ["technology", "physical-science"], "health": ["health"],
           "geography": ["geography", "earth-space"], "travel": ["geography"], "politics": ["society"],
           "entertainment": ["culture"], "sports": ["sports"]}
ORDER = ["science/technology", "health", "geography", "travel", "politics", "entertainment", "sports"]
# Works that get an animation (work id -> scene of tools/demo_media.py) or a leaflet.
ANIMATIONS = {
    "demo-sib-0348": "rays", "demo-sib-0351": "waves", "demo-sib-0357": "photons", "demo-sib-0360": "photons",
    "demo-sib-0365": "bulb", "demo-sib-0368": "dinosaur", "demo-sib-0374": "orbit", "demo-sib-0377": "phases",
    "demo-sib-0556": "orbit", "demo-sib-0559": "magnet", "demo-sib-0576": "cells", "demo-sib-0592": "cells",
    "demo-sib-0595": "cells", "demo-sib-0634": "magnet", "demo-sib-1328": "comet", "demo-sib-1341": "indicator",
    "demo-sib-1375": "plant", "demo-sib-1619": "solar", "demo-sib-1647": "moon", "demo-sib-0227": "moon",
    "demo-sib-1622": "rain", "demo-sib-1645": "split", "demo-sib-0876": "germs", "demo-sib-1109": "mosquito",
    "demo-sib-0289": "quake", "demo-sib-1112": "shield", "demo-sib-0861": "germs", "demo-sib-0202": "rain",
}
LEAFLETS = ["demo-sib-0000", "demo-sib-1007", "demo-sib-0879", "demo-sib-0981", "demo-sib-0983", "demo-sib-1181",
            "demo-sib-1821", "demo-sib-0138", "demo-sib-0601", "demo-sib-1637", "demo-sib-1350", "demo-sib-0117",
            "demo-sib-1582", "demo-sib-1672"]
LEAFLET_NOTE = ("Sentences: FLORES-200 (NLLB Team et al., 2022) via SIB-200 (Adelani et al., 2023), CC BY-SA 4.0. "
                "Leaflet made by contentlib tools/build_demo.py, CC BY-SA 4.0.")
# Exercises for the translation workbench: a demo animation again, with its Tibetan version and Tibetan
# subtitle track removed (exercise id -> the animation it copies). Its Chinese cues are the animation's,
# whose published Tibetan cues the translation memory offers as exact matches.
EXERCISES = {"demo-exercise-0351": "demo-sib-0351"}
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
        wid = f"demo-sib-{int(first['index_id']):04d}"
        wtype = "animation" if wid in ANIMATIONS else "book"
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
        if wid in ANIMATIONS:
            rec["media"] = animation_media(rec, chunk, ANIMATIONS[wid])
            rec["duration_seconds"] = round(demo_media.cue_times([r["zh_hans"] for r in chunk])[-1][1])
        elif wid in LEAFLETS:
            rec["media"], rec["pages"] = leaflet_media(rec, chunk)
        rec["creators"] = [{"name": {"en": "NLLB Team", "zh": "NLLB 团队"}, "role": "translator"}]
        rec["license"] = "CC BY-SA 4.0"
        rec["attribution"] = SIB_ATTRIBUTION
        yield rec


def exercise_works(works):
    """The exercises: each a copy of its animation without Tibetan, labelled as an exercise in its titles."""
    by_id = {w["id"]: w for w in works}
    for wid, source in EXERCISES.items():
        rec = json.loads(json.dumps(by_id[source]))
        rec["id"] = wid
        rec["titles"] = {"zh": "练习：" + rec["titles"]["zh"], "en": "Exercise: " + rec["titles"]["en"]}
        rec["descriptions"] = {"zh": rec["descriptions"]["zh"],
                               "en": "An exercise for the translation workbench: this copy of an animation has no "
                                     "Tibetan version and no Tibetan subtitles; translate its Chinese subtitles. "
                                     + rec["descriptions"]["en"]}
        rec["media"] = [m for m in rec["media"] if m.get("lang") != "bo"]
        yield rec


def cmrc_works(limit=120):
    data = json.load(open(RAW / "cmrc2018-zh/cmrc2018_dev.json", encoding="utf-8"))["data"]
    for art in data[:limit]:
        context = art["paragraphs"][0]["context"]
        sentences = re.split("(?<=[。！？])", context)
        desc = "".join(sentences[:4])
        wid = "demo-cmrc-" + re.sub(r"[^A-Za-z0-9._-]", "-", art["id"])[:50]
        # A Wikipedia passage is a text, whatever its subject (a video game is not a video).
        rec = {"id": wid, "type": "book", "titles": {"zh": art["title"]}, "descriptions": {"zh": desc},
               "subjects": ["general-knowledge"], "audiences": [pick(AUDIENCES, wid, "a")],
               "grades": [pick(GRADES, wid, "g")], "year": 2018}
        rec["license"] = "CC BY-SA 4.0"
        rec["attribution"] = CMRC_ATTRIBUTION
        rec["source_url"] = "https://zh.wikipedia.org/wiki/" + quote(art["title"].replace(" ", "_"))
        yield rec


def animation_media(rec, chunk, scene):
    """Draw the work's animation and write its subtitles; return its media entries."""
    folder = OUT / "media" / rec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    times = demo_media.cue_times([r["zh_hans"] for r in chunk])
    for lang, column in (("bo", "bo"), ("zh", "zh_hans")):
        (folder / f"{lang}.vtt").write_text(demo_media.webvtt([r[column] for r in chunk], times), encoding="utf-8")
    demo_media.animation(folder / "animation.mp4", rec["titles"], scene, times[-1][1])
    base = f"media/{rec['id']}/"
    return [{"path": base + "animation.mp4", "role": "original"},
            {"path": base + "bo.vtt", "role": "subtitle", "lang": "bo"},
            {"path": base + "zh.vtt", "role": "subtitle", "lang": "zh"}]


def leaflet_media(rec, chunk):
    """Print the work's bilingual leaflet; return its media entries and page count."""
    folder = OUT / "media" / rec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    pages = demo_media.leaflet(folder / "leaflet.pdf", rec["titles"], [r["bo"] for r in chunk],
                               [r["zh_hans"] for r in chunk], LEAFLET_NOTE)
    return [{"path": f"media/{rec['id']}/leaflet.pdf", "role": "original"}], pages


def main():
    shutil.rmtree(OUT / "media", ignore_errors=True)
    # Imported in file order, newest last: the science works should greet visitors first.
    sib = list(sib_works())
    records = list(cmrc_works()) + list(exercise_works(sib)) + sib[::-1]
    with open(OUT / "catalog.jsonl", "w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
