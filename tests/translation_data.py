"""A small catalog for the translation workbench's tests: a published bilingual work with subtitles whose
cues the memory learns, and a Chinese-only work that repeats some of them, to translate."""

from __future__ import annotations

import json
from pathlib import Path

SOURCE_CUES = [("00:00:00.000", "00:00:03.000", "太阳发出光和热。"),
               ("00:00:03.000", "00:00:06.000", "地球上的生命需要阳光。"),
               ("00:00:06.000", "00:00:09.000", "植物用阳光制造食物。")]
SOURCE_BO_CUES = [("00:00:00.000", "00:00:03.000", "ཉི་མས་འོད་དང་དྲོད་འགྱེད།"),
                  ("00:00:03.000", "00:00:06.000", "ས་གོའི་སྟེང་གི་སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།"),
                  ("00:00:06.000", "00:00:09.000", "རྩི་ཤིང་གིས་ཉི་འོད་ལ་བརྟེན་ནས་ཟས་བཟོ།")]
# The work to translate: cue 1 repeats a published cue exactly, cue 2 nearly, cue 3 is new and has a number.
NEW_CUES = [("00:00:00.000", "00:00:02.500", "太阳发出光和热。"),
            ("00:00:02.500", "00:00:05.000", "地球上的生命都需要阳光。"),
            ("00:00:05.000", "00:00:08.000", "它有 3 个部分。")]


def vtt(cues) -> str:
    return "WEBVTT\n\n" + "\n\n".join(f"{a} --> {b}\n{text}" for a, b, text in cues) + "\n"


RECORDS = [
    {"id": "tr-sun", "type": "video", "titles": {"zh": "太阳的能量", "bo": "ཉི་མའི་ནུས་ཤུགས"},
     "descriptions": {"zh": "太阳发出光和热。地球上的生命需要阳光。",
                      "bo": "ཉི་མས་འོད་དང་དྲོད་འགྱེད། ས་གོའི་སྟེང་གི་སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།"},
     "subjects": ["earth-space"], "audiences": ["youth"],
     "media": [{"path": "sun-zh.vtt", "role": "subtitle", "lang": "zh"},
               {"path": "sun-bo.vtt", "role": "subtitle", "lang": "bo"}]},
    {"id": "tr-new", "type": "video", "titles": {"zh": "太阳的能量"},
     "descriptions": {"zh": "太阳发出光和热。它有 3 个部分。"},
     "subjects": ["earth-space"], "audiences": ["youth"],
     "media": [{"path": "new-zh.vtt", "role": "subtitle", "lang": "zh"}]},
]


def write_catalog(folder: Path) -> Path:
    """Write the catalog and its subtitle files into ``folder``; return the JSON Lines file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sun-zh.vtt").write_text(vtt(SOURCE_CUES), encoding="utf-8")
    (folder / "sun-bo.vtt").write_text(vtt(SOURCE_BO_CUES), encoding="utf-8")
    (folder / "new-zh.vtt").write_text(vtt(NEW_CUES), encoding="utf-8")
    path = folder / "translation.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path
