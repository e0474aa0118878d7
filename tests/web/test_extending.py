"""The extension points: the registry finds the project's own entries, and an exporter installed beside it.

The example exporter is the code of docs/extending.md itself, installed as a real (tiny)
distribution: a ``.dist-info`` with an ``entry_points.txt`` on ``sys.path``, which is what
``pip install`` leaves and what ``importlib.metadata`` reads.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

from contentlib.errors import NotFound
from contentlib.exporters import Exporter, Plan, registry
from contentlib.longwork import Cancelled, Task
from contentlib.search.index import WhooshEngine
from contentlib.selection import Selection

DOC = Path(__file__).resolve().parents[2] / "docs" / "extending.md"


def _install(site: Path, name: str, module: str, source: str, entry_points: str) -> None:
    """Lay out an installed distribution: its module and its metadata (as pip would)."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


@pytest.fixture
def example(tmp_path, monkeypatch):
    """docs/extending.md's example exporter, installed as the distribution ``contentlib-titles-csv``."""
    source = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    assert len(source.splitlines()) <= 40  # about thirty lines, as the issue asks
    site = tmp_path / "site"
    _install(site, "contentlib_titles_csv", "contentlib_titles_csv", source,
             "[contentlib.exporters]\ntitles-csv = contentlib_titles_csv:TitlesCsv\n")
    monkeypatch.syspath_prepend(str(site))
    yield
    sys.modules.pop("contentlib_titles_csv", None)


def test_the_projects_own_entries_are_found_with_or_without_installed_metadata(tmp_path, monkeypatch):
    found = registry.exporters()
    assert {"jsonl", "bundle", "zim", "site"} <= set(found)
    assert all(isinstance(e, Exporter) and e.title and e.explanation for e in found.values())
    assert registry.search_engine("whoosh") is WhooshEngine
    # The same when the installed metadata has no entries at all (a checkout installed before they existed) ...
    monkeypatch.setattr(registry.metadata, "entry_points", lambda group: [])
    assert sorted(registry.exporters()) == ["bundle", "jsonl", "site", "zim"]
    assert registry.search_engine("whoosh") is WhooshEngine
    with pytest.raises(NotFound, match="known: bundle, jsonl, site, zim"):
        registry.exporter("nope")
    with pytest.raises(NotFound, match="no search engine named 'lucene'; known: tantivy, whoosh"):
        registry.search_engine("lucene")


def test_an_installed_entry_of_the_same_name_wins(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _install(site, "contentlib_other_jsonl", "contentlib_other_jsonl",
             "class Other:\n    name = 'jsonl'\n    title = 'other'\n    explanation = 'x'\n",
             "[contentlib.exporters]\njsonl = contentlib_other_jsonl:Other\n")
    monkeypatch.syspath_prepend(str(site))
    try:
        assert registry.exporter("jsonl").title == "other"
    finally:
        sys.modules.pop("contentlib_other_jsonl", None)


def test_the_example_exporter_runs_through_the_registry(example, catalog_loaded, tmp_path):
    lib = catalog_loaded.extensions["contentlib"]
    assert "titles-csv" in registry.exporters()
    plan = lib.plan_export("titles-csv", Selection(type=("book",)), tmp_path / "t.csv")
    assert isinstance(plan, Plan) and plan.works == len(plan.ids) > 0 and plan.bytes == 120 * plan.works
    seen = []

    class Watch(Task):
        def progress(self, done, total=None, stage=""):
            seen.append((done, total))

    assert lib.write_export(plan, tmp_path / "t.csv", Watch()) == plan.works
    rows = list(csv.reader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert rows[0] == ["id", "bo", "zh"] and [r[0] for r in rows[1:]] == plan.ids
    assert seen[-1] == (plan.works, plan.works)

    class Stop(Task):
        def progress(self, done, total=None, stage=""):
            self.cancel()

    (tmp_path / "t.csv").write_text("old", encoding="utf-8")
    with pytest.raises(Cancelled):
        lib.write_export(plan, tmp_path / "t.csv", Stop())
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir() if "t.csv" in p.name) == ["t.csv"]


def test_the_example_exporter_runs_through_the_cli(example, catalog_loaded, runner, tmp_path):
    listed = runner.invoke(args=["exporters"])
    assert listed.exit_code == 0
    assert "titles-csv\tTitles (CSV)\tOne row per work: its id and its Tibetan and Chinese titles" in listed.output
    assert {line.split("\t")[0] for line in listed.output.splitlines()} >= {"jsonl", "bundle", "zim", "titles-csv"}
    out = tmp_path / "titles.csv"
    result = runner.invoke(args=["export", "--format", "titles-csv", "--type", "book", str(out)])
    assert result.exit_code == 0, result.output
    count = len(out.read_text(encoding="utf-8").splitlines()) - 1
    assert count > 0 and result.stdout.strip() == f"{out}: {count} works exported (titles-csv)"
    bad = runner.invoke(args=["export", "--format", "nope", str(out)])
    assert bad.exit_code == 2 and "no exporter named 'nope'" in bad.stderr and "Traceback" not in bad.output
    gone = runner.invoke(args=["export", "--format", "titles-csv", str(tmp_path / "missing" / "t.csv")])
    assert gone.exit_code == 1 and gone.stderr.startswith("Error: ") and len(gone.stderr.splitlines()) == 1
