"""A refused import stores nothing: no rows, and no file in the media store (issue 11, item 6)."""

from tests.conftest import write_jsonl
from tests.unit.media_samples import make_image, make_pdf


def stored_files(res):
    root = res.media.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_an_invalid_line_refuses_the_import_before_any_file_is_stored(app, runner, tmp_path):
    make_pdf(tmp_path / "book.pdf")
    make_image(tmp_path / "cover.png", "PNG")
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    path = write_jsonl(tmp_path / "mixed.jsonl", [
        {"id": "good-1", "type": "book", "titles": {"zh": "好"}, "media": [{"path": "book.pdf", "role": "original"}]},
        {"id": "good-2", "type": "poster", "titles": {"zh": "图"}, "media": [{"path": "cover.png", "role": "cover"}]},
        {"id": "bad", "type": "book", "titles": {"zh": "坏"}, "media": [{"path": "fake.pdf", "role": "original"}]},
    ])
    res = app.extensions["contentlib"]
    result = runner.invoke(["import", str(path)])
    assert result.exit_code == 1 and "3: media[0].path:" in result.output
    assert res.store.count_works() == 0
    assert stored_files(res) == []
    # The same file without its bad line is taken whole, files and all.
    path = write_jsonl(tmp_path / "good.jsonl", [rec for rec in map(__import__("json").loads, open(path))][:2])
    assert runner.invoke(["import", str(path)]).exit_code == 0
    assert len([p for p in stored_files(res) if "derived" not in p.parts and "cards" not in p.parts]) == 2


def test_a_broken_record_after_good_files_stores_none_of_them(app, runner, tmp_path):
    make_pdf(tmp_path / "book.pdf")
    path = write_jsonl(tmp_path / "late.jsonl", [
        {"id": "good-1", "type": "book", "titles": {"zh": "好"}, "media": [{"path": "book.pdf", "role": "original"}]},
        {"id": "bad", "type": "film", "titles": {"zh": "坏"}},
    ])
    res = app.extensions["contentlib"]
    assert runner.invoke(["import", str(path)]).exit_code == 1
    assert stored_files(res) == []
    skipped = runner.invoke(["import", "--skip-invalid", str(path)])  # the valid line's file is stored then
    assert skipped.exit_code == 2 and res.store.get_work("good-1").media
