"""The record format: every import rule, against the real SQLite store."""

import json

import pytest

from contentlib import records
from contentlib.errors import InvalidRecord
from tests.conftest import DATA, EVAL_SAMPLE, write_jsonl

GOOD = {"id": "ok-1", "type": "video", "titles": {"zh": "好"}}


def lines_of(path, updated=False):
    """The records of a file; without ``updated`` (the time each version changed here) unless asked."""
    out = [json.loads(line) for line in open(path, encoding="utf-8")]
    if not updated:
        for rec in out:
            rec.pop("updated", None)
    return out


def test_import_then_export_round_trips_every_field(store, tmp_path):
    report = records.import_file(store, DATA / "works.jsonl")
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    out = tmp_path / "out.jsonl"
    assert records.export_file(store, out) == 3
    assert sorted(lines_of(out), key=lambda r: r["id"]) == sorted(lines_of(DATA / "works.jsonl"), key=lambda r: r["id"])
    for rec in lines_of(out, updated=True):  # export always writes when each version changed
        assert set(rec["updated"]) == set(rec["titles"]) and records.parse_time(rec["updated"]["zh" if "zh" in rec["titles"] else "bo"])


def test_reimport_changes_nothing(store):
    records.import_file(store, DATA / "works.jsonl")
    before = store.last_seq()
    report = records.import_file(store, DATA / "works.jsonl")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert store.last_seq() == before  # nothing queued for the index either


def test_import_is_an_upsert_by_id(store, tmp_path):
    records.import_file(store, write_jsonl(tmp_path / "a.jsonl", [GOOD]))
    changed = dict(GOOD, titles={"zh": "更好", "bo": "ལེགས"}, year=2024)
    report = records.import_file(store, write_jsonl(tmp_path / "b.jsonl", [changed]))
    assert report.updated == 1
    work = store.get_work("ok-1")
    assert work.versions["zh"].title == "更好" and work.year == 2024 and work.languages == ["bo", "zh"]
    assert store.count_works() == 1


BROKEN = [
    ("{not json", "json"),
    ({"type": "video", "titles": {"zh": "x"}}, "id"),
    ({"id": "b2", "type": "film", "titles": {"zh": "x"}}, "type"),
    ({"id": "b3", "type": "video", "titles": {"zh": "x"}, "subjects": ["astrology"]}, "subjects"),
    ({"id": "b4", "type": "video", "titles": {"zh": "   "}}, "titles"),
    ({"id": "b5", "type": "video", "titles": {"zh": "x"}, "media": [{"path": "../etc/passwd", "role": "original"}]}, "media[0].path"),
    ({"id": "b6", "type": "video", "titles": {"zh": "x"}, "media": [{"path": "/etc/passwd", "role": "original"}]}, "media[0].path"),
    ({"id": "b7", "type": "book", "titles": {"zh": "x"}, "duration_seconds": 5}, "duration_seconds"),
    ({"id": "b8", "type": "video", "titles": {"zh": "x"}, "year": 1800}, "year"),
    ({"id": "b9", "type": "video", "titles": {"xx": "x"}}, "titles"),
    ({"id": "b10", "type": "video", "titles": {"zh": "x"}, "colour": "red"}, "colour"),
    ({"id": "b11", "type": "video", "titles": {"zh": "x"}, "source_url": "javascript:alert(1)"}, "source_url"),
    ({"id": "b12", "type": "video", "titles": {"zh": "x"}, "creators": [{"name": {"zh": "甲"}, "role": "boss"}]}, "creators[0].role"),
    ({"id": "ok-1", "type": "video", "titles": {"zh": "dup"}}, "id"),
    ("[1, 2]", "record"),
]


def test_a_file_with_broken_lines_names_every_one_and_writes_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", [GOOD] + [rec for rec, _ in BROKEN])
    with pytest.raises(InvalidRecord) as info:
        records.import_file(store, path)
    reported = {(int(line), msg.split(":")[0]) for line, msg in info.value.problems}
    for offset, (_, field) in enumerate(BROKEN):
        assert (offset + 2, field) in reported, (offset + 2, field)
    assert store.count_works() == 0
    assert store.last_seq() == 0


def test_skip_invalid_imports_the_valid_lines_only(store, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", [GOOD, "{oops", dict(GOOD, id="ok-2")])
    report = records.import_file(store, path, skip_invalid=True)
    assert report.created == 2
    assert [p.line for p in report.problems] == [2]
    assert store.has_work("ok-1") and store.has_work("ok-2")


def test_media_paths_may_not_escape_the_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.vtt").write_text("WEBVTT\n")
    assert records.safe_media_path(tmp_path, "sub/a.vtt") == (tmp_path / "sub" / "a.vtt").resolve()
    (tmp_path / "link").symlink_to("/etc")
    for bad in ("../x", "/etc/passwd", "sub/../../x", "link/passwd", "C:/x", "", "a\\..\\b"):
        with pytest.raises(ValueError):
            records.safe_media_path(tmp_path, bad)


def test_media_without_a_store_is_refused_not_dropped(store, tmp_path):
    (tmp_path / "a.vtt").write_text("WEBVTT\n")
    path = write_jsonl(tmp_path / "m.jsonl", [dict(GOOD, media=[{"path": "a.vtt", "role": "subtitle", "lang": "bo"}])])
    with pytest.raises(InvalidRecord):
        records.import_file(store, path)
    assert store.count_works() == 0


def test_bad_utf8_and_bom_are_reported(store, tmp_path):
    path = tmp_path / "enc.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n" + b'{"id": "\xff"}\n')
    parsed, problems = records.read_file(path)
    assert [(p.line, p.field) for p in problems] == [(1, "encoding"), (2, "encoding")]
    assert parsed == []


def test_eval_catalog_round_trips(store, tmp_path):
    src = EVAL_SAMPLE
    assert records.import_file(store, src).created == 173
    out = tmp_path / "out.jsonl"
    records.export_file(store, out)
    assert sorted(lines_of(out), key=lambda r: r["id"]) == sorted(lines_of(src), key=lambda r: r["id"])
    assert records.import_file(store, src).unchanged == 173
