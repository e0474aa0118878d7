"""`contentlib export`: a chosen part, files named by their sha256, and a round trip through an empty home."""

import hashlib
import json

import pytest

from contentlib import records
from contentlib.library import Library
from contentlib.settings import defaults
from tests.conftest import DATA, EVAL_SAMPLE, write_jsonl
from tests.unit import media_samples as ms

EVAL = EVAL_SAMPLE  # real works beside the twins


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lines(path):
    """The records of a JSON Lines file by id."""
    out = {}
    for rec in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        out[rec["id"]] = rec
    return out


def media_hashes(path):
    """Every media path of an export resolves, holds the file its sha256 names; return those hashes."""
    found = set()
    for rec in lines(path).values():
        for m in rec.get("media", []):
            target = records.safe_media_path(path.parent, m["path"])
            assert target.is_file(), m["path"]
            assert sha(target) == m["sha256"]
            found.add(m["sha256"])
    return found


def twins(tmp_path):
    """Two folders whose works both name files/cover.png (different pictures) and a shared PDF name."""
    paths = []
    for n, colour in ((1, "PNG"), (2, "PNG")):
        folder = tmp_path / f"src{n}"
        (folder / "files").mkdir(parents=True)
        ms.make_image(folder / "files/cover.png", colour, size=(100 + n * 20, 80))
        ms.make_pdf(folder / "files/book.pdf", pages=n)
        paths.append(write_jsonl(folder / "catalog.jsonl", [{
            "id": f"twin-{n}", "type": "book", "titles": {"zh": f"双{n}", "bo": "ཆུ།"}, "subjects": ["health"],
            "media": [{"path": "files/cover.png", "role": "cover"},
                      {"path": "files/book.pdf", "role": "document", "lang": "bo"}]}]))
    return paths


def library(home):
    home.mkdir(parents=True, exist_ok=True)
    return Library.from_settings(defaults({"CONTENTLIB_HOME": str(home)}))


def test_works_sharing_file_names_export_apart_and_round_trip_byte_for_byte(runner, app, tmp_path):
    for path in twins(tmp_path):
        assert runner.invoke(["import", str(path)]).exit_code == 0
    assert runner.invoke(["import", str(EVAL)]).exit_code == 0
    (tmp_path / "a").mkdir()
    first = tmp_path / "a/out.jsonl"
    result = runner.invoke(["export", str(first)])
    assert result.exit_code == 0, result.output
    hashes = media_hashes(first)
    assert len(hashes) == 4  # two covers, two books: nothing overwrote anything
    fresh = library(tmp_path / "fresh")
    try:
        report = fresh.import_file(first)
        assert report.created == len(lines(first)) and report.kept == 0
        (tmp_path / "b").mkdir()
        second = tmp_path / "b/out.jsonl"
        fresh.export(second)
    finally:
        fresh.close()
    assert second.read_bytes() == first.read_bytes()  # byte for byte, `updated` times included
    assert media_hashes(second) == hashes
    assert app.extensions["contentlib"].store.count_works() == len(lines(second))


def test_export_into_a_missing_or_read_only_folder_is_one_line_and_exit_1(runner, app, tmp_path):
    runner.invoke(["import", str(DATA / "works.jsonl")])
    result = runner.invoke(["export", str(tmp_path / "nowhere/out.jsonl")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert "does not exist" in result.output
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = runner.invoke(["export", str(locked / "out.jsonl")])
        if result.exit_code == 0:  # running as root: the folder is writable after all
            pytest.skip("root can write anywhere")
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("flags, expected", [
    (["--type", "book"], {"t-book"}),
    (["--type", "book", "--type", "poster"], {"t-book", "t-poster"}),
    (["--lang", "bo"], {"t-atom", "t-poster"}),
    (["--subject", "health"], {"t-book"}),
    (["--audience", "general-public"], {"t-poster"}),
    (["--q", "原子核"], {"t-atom"}),
    (["--since", "2000-01-01"], {"t-atom", "t-book", "t-poster"}),
    (["--since", "2999-01-01"], set()),
])
def test_export_chooses_with_the_search_filters(runner, app, tmp_path, flags, expected):
    runner.invoke(["import", str(DATA / "works.jsonl")])
    out = tmp_path / "part.jsonl"
    result = runner.invoke(["export", str(out), *flags])
    assert result.exit_code == 0, result.output
    assert set(lines(out)) == expected


def test_export_of_a_teachers_list(runner, app, tmp_path, users):
    from contentlib import accounts, lists

    runner.invoke(["import", str(DATA / "works.jsonl")])
    teacher = accounts.get_user(users, "teacher")
    wl = lists.create(users, teacher, "class")
    lists.add(users, teacher, wl.id, "t-poster")
    out = tmp_path / "list.jsonl"
    assert runner.invoke(["export", str(out), "--list", str(wl.id)]).exit_code == 0
    assert set(lines(out)) == {"t-poster"}


@pytest.mark.parametrize("flags, flag", [
    (["--type", "film"], "--type"), (["--subject", "astrology"], "--subject"), (["--lang", "fr"], "--lang"),
    (["--since", "2024-02-30"], "--since"), (["--list", "999"], "--list"),
])
def test_bad_selection_values_are_one_line_errors(runner, app, tmp_path, flags, flag):
    result = runner.invoke(["export", str(tmp_path / "x.jsonl"), *flags])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [result.output.strip()] and result.output.startswith(f"Error: {flag}:")
    assert not (tmp_path / "x.jsonl").exists()
