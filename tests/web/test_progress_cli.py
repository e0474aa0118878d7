"""Long commands say how far they are: plain lines when stderr is not a terminal (the runner's is not)."""

import re

from tests.conftest import DATA, write_jsonl
from tests.unit import media_samples as ms

PERCENT = re.compile(r"\((\d+)%\)$")


def _lines(result, prefix):
    """The progress lines of ``result`` that start with ``prefix``, as (line, percent)."""
    found = [ln for ln in result.stderr.splitlines() if ln.startswith(prefix)]
    return [(ln, int(PERCENT.search(ln).group(1)) if PERCENT.search(ln) else None) for ln in found]


def _works_with_files(tmp_path):
    (tmp_path / "src").mkdir()
    ms.make_image(tmp_path / "src/cover.png", "PNG")
    ms.make_pdf(tmp_path / "src/book.pdf")
    return write_jsonl(tmp_path / "src/m.jsonl", [
        {"id": f"m-{i}", "type": "book", "subjects": ["health"], "titles": {"zh": f"书{i}", "bo": "དཔེ་ཆ།"},
         "media": [{"path": "book.pdf", "role": "original"}, {"path": "cover.png", "role": "cover"}]}
        for i in range(3)])


def test_import_export_reindex_print_progress_lines_on_stderr(runner, app, tmp_path):
    path = _works_with_files(tmp_path)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert _lines(result, "import reading:")[-1][1] == 100
    assert _lines(result, "import checking files:")[-1] == ("import checking files: 3 of 3 (100%)", 100)
    assert _lines(result, "import derived files:")[-1][1] == 100
    assert _lines(result, "import search index:")
    assert "\r" not in result.stderr  # no bar when stderr is not a terminal
    assert "3 created" in result.stdout and "import" not in result.stdout.replace(str(path), "")

    again = runner.invoke(args=["import", str(DATA / "works.jsonl")])
    assert again.exit_code == 0 and _lines(again, "import reading:")

    out = tmp_path / "out" / "all.jsonl"
    out.parent.mkdir()
    result = runner.invoke(args=["export", str(out)])
    assert result.exit_code == 0, result.output
    lines = _lines(result, "export:")
    assert lines[-1] == ("export: 6 of 6 (100%)", 100) and len(lines) <= 11
    result = runner.invoke(args=["export", "--type", "book", "--subject", "health", str(out)])
    assert _lines(result, "export:")[-1] == ("export: 4 of 4 (100%)", 100)  # t-book and m-0..2

    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and _lines(result, "reindex:")[-1][1] == 100
    assert "index rebuilt: 6 works" in result.stdout


def test_bundle_zim_backup_and_restore_show_progress(runner, app, tmp_path, monkeypatch):
    assert runner.invoke(args=["import", str(_works_with_files(tmp_path))]).exit_code == 0
    bundle = tmp_path / "b.zip"
    result = runner.invoke(args=["bundle", "export", str(bundle)])
    assert result.exit_code == 0, result.output
    assert _lines(result, "writing:")[-1][1] == 100 and " KB of " in _lines(result, "writing:")[-1][0]

    zim = tmp_path / "c.zim"
    result = runner.invoke(args=["zim", "export", str(zim)])
    assert result.exit_code == 0, result.output
    assert _lines(result, "zim pages:")[-1] == ("zim pages: 3 of 3 (100%)", 100)
    assert _lines(result, "zim files:")[-1][1] == 100

    tar = tmp_path / "home.tar"
    result = runner.invoke(args=["backup", str(tar)])
    assert result.exit_code == 0, result.output
    assert _lines(result, "backup: media files:")[-1][1] == 100

    from tests.web.test_backup import invoke, make_app

    fresh = make_app(monkeypatch, tmp_path / "fresh")
    try:
        result = invoke(fresh, "restore", str(tar))
        assert result.exit_code == 0, result.output
        assert _lines(result, "restore media:")[-1][1] == 100
        assert _lines(result, "restore index:")[-1] == ("restore index: 3 of 3 (100%)", 100)
        assert "index rebuilt: 3 works" in result.stdout

        result = invoke(fresh, "bundle", "import", "--allow-untrusted", str(bundle))
        assert result.exit_code == 0, result.output
        assert _lines(result, "bundle verify:")[-1][1] == 100
        assert "3 unchanged" in result.stdout
    finally:
        fresh.extensions["contentlib"].store.close()
