"""A user's clone has no ../shared: the tests and what a user reads must not lean on it (issue 26)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SHARED_PATHS = re.compile(r"shared/(data|spec|tools)\b|CONTENTLIB_SHARED|\bSHARED\b")


def test_no_test_reads_the_developers_shared_folder():
    """Only conftest.py names it (the one variable CI hides); no test uses that variable or a path into it."""
    leaning = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "conftest.py" and path.parent == TESTS or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if SHARED_PATHS.search(line):
                leaning.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert leaning == []


def test_every_file_in_tests_data_has_its_licence_noted():
    notes = (TESTS / "data" / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for path in (TESTS / "data").iterdir():
        if path.name != "ATTRIBUTION.md":
            assert f"`{path.name}`" in notes, path.name
    assert sum(p.stat().st_size for p in (TESTS / "data").iterdir()) < 500_000  # small: a few hundred KB


def test_the_readme_links_the_contracts_kept_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/spec/[\w.-]+\.md)\)", readme))
    assert {"docs/spec/catalog-record.md", "docs/spec/search-api.md", "docs/spec/translation-api.md"} <= linked
    assert all((ROOT / link).is_file() for link in linked)
    # What a user reads names no ../shared; only the developers' benchmark and demo-building lines may.
    for line in readme.splitlines():
        if "../shared" in line:
            assert any(mark in line for mark in ("bench/", "build_demo.py", "developers", "--queries")), line


def test_the_readmes_first_screen_tells_the_port_the_public_address_and_the_first_admin():
    first = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make run PORT=5050" in first
    assert "make admin NAME=" in first
    assert "/admin/settings" in first and "QR" in first
