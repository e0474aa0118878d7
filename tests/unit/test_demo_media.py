"""The shipped demo's media: animations that play with Tibetan and Chinese subtitles, text leaflets."""

import json
import re
from pathlib import Path

import av
import pypdfium2
import pytest
import webvtt

TIBETAN = re.compile("[\u0f00-\u0fff]")
DEMO = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo"
RECORDS = [json.loads(line) for line in (DEMO / "catalog.jsonl").read_text(encoding="utf-8").splitlines()]


def _files(rec, **match):
    return [m for m in rec.get("media", []) if all(m.get(k) == v for k, v in match.items())]


def _sentences(vtt: Path) -> list[str]:
    return [c.text for c in webvtt.read(str(vtt))]


EXERCISES = [r for r in RECORDS if r["id"].startswith("demo-exercise-")]  # copies without Tibetan, to translate
ANIMATED = [r for r in RECORDS if any(m["path"].endswith(".mp4") for m in _files(r, role="original"))
            and r not in EXERCISES]
LEAFLETS = [r for r in RECORDS if any(m["path"].endswith(".pdf") for m in _files(r, role="original"))]


def test_at_least_24_animations_and_12_leaflets():
    assert len(ANIMATED) >= 24
    assert len(LEAFLETS) >= 12


@pytest.mark.parametrize("rec", ANIMATED, ids=lambda r: r["id"])
def test_animation_plays_10_to_30_seconds_with_bo_and_zh_subtitles_of_its_sentences(rec):
    assert rec["type"] == "animation"
    (video,) = _files(rec, role="original")
    with av.open(str(DEMO / video["path"])) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (640, 360)
        seconds = float(container.duration / av.time_base)
        assert 10 <= seconds <= 30.5
        assert next(container.decode(video=0)).to_image().size == (640, 360)
    assert abs(rec["duration_seconds"] - seconds) <= 1
    tracks = {m["lang"]: DEMO / m["path"] for m in _files(rec, role="subtitle")}
    assert set(tracks) == {"bo", "zh"}
    bo, zh = _sentences(tracks["bo"]), _sentences(tracks["zh"])
    assert " ".join(bo) == rec["descriptions"]["bo"]  # the aligned FLORES-200 sentences, as written
    assert "".join(zh) == rec["descriptions"]["zh"]
    assert len(bo) == len(zh)


@pytest.mark.parametrize("rec", LEAFLETS, ids=lambda r: r["id"])
def test_leaflet_is_a_text_pdf_whose_tibetan_extracts_as_written(rec):
    assert rec["type"] == "book"
    (leaflet,) = _files(rec, role="original")
    pdf = pypdfium2.PdfDocument(str(DEMO / leaflet["path"]))
    try:
        assert len(pdf) == rec["pages"]
        text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    # Tibetan lines run until a Chinese one: the title, then each sentence over its translation.
    blocks, current = [], ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if TIBETAN.search(line):
            current += line
        elif current:
            blocks.append(current)
            current = ""
    assert blocks[0] == rec["titles"]["bo"]
    assert " ".join(blocks[1:]) == rec["descriptions"]["bo"]  # each sentence extracts exactly as written
    assert rec["titles"]["zh"].replace(" ", "") in text.replace("\r\n", "").replace(" ", "")  # wraps eat spaces


@pytest.mark.parametrize("rec", LEAFLETS, ids=lambda r: r["id"])
def test_leaflet_title_metadata_is_tibetan_then_chinese(rec):
    (leaflet,) = _files(rec, role="original")
    pdf = pypdfium2.PdfDocument(str(DEMO / leaflet["path"]))
    try:
        assert pdf.get_metadata_dict()["Title"] == f"{rec['titles']['bo']} · {rec['titles']['zh']}"
    finally:
        pdf.close()


def test_the_demo_glossary_takes_each_term_from_the_works_it_names():
    """At least 20 science terms, each pair found in the aligned sentences of the works its note names."""
    import csv

    rows = list(csv.DictReader((DEMO / "glossary.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) >= 20 and len({r["zh"] for r in rows}) == len(rows)
    by_id = {r["id"]: r for r in RECORDS}
    for row in rows:
        named = re.findall(r"demo-sib-\d{4}", row["note"])
        assert named, row
        for work_id in named:
            texts = by_id[work_id]["descriptions"]
            assert row["zh"] in texts["zh"] and row["bo"] in texts["bo"], (row, work_id)


def test_text_only_works_are_not_typed_as_media():
    for rec in RECORDS:
        if not rec.get("media"):
            assert rec["type"] == "book", rec["id"]
            assert "duration_seconds" not in rec


def test_the_demo_media_stay_small():
    total = sum(p.stat().st_size for p in (DEMO / "media").rglob("*") if p.is_file())
    assert total < 10 * 1024 * 1024


def test_an_exercise_is_a_labelled_animation_without_tibetan_whose_cues_another_animation_publishes():
    assert EXERCISES
    by_id = {r["id"]: r for r in RECORDS}
    for rec in EXERCISES:
        assert rec["type"] == "animation" and "bo" not in rec["titles"] and "bo" not in rec["descriptions"]
        assert rec["titles"]["zh"].startswith("练习") and rec["titles"]["en"].startswith("Exercise")
        assert {m.get("lang") for m in _files(rec, role="subtitle")} == {"zh"}
        (zh,) = _files(rec, role="subtitle")
        twins = [r for r in ANIMATED if any(m["path"] == zh["path"] for m in _files(r, role="subtitle"))]
        assert len(twins) == 1 and "bo" in {m["lang"] for m in _files(twins[0], role="subtitle")}
        assert by_id[twins[0]["id"]]["titles"]["bo"]
