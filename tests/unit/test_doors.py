"""Every door (the pages, the JSON API, the CLI) goes through the ``Library``: none reaches for its store.

A door that holds the store can compose use cases of its own; one that holds only
``get_library()`` can only call them. The check reads the source of every module in
``catalog/``: no ``get_store``, no ``.store`` attribute, no import of ``contentlib.store``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules still allowed to touch the store, each with its reason. Keep this list honest and short.
ALLOWED = {
    # Process plumbing, not a use case: before gunicorn forks (and in each child after it), the
    # database connections the parent opened are dropped so that no two processes share one.
    "catalog/serving.py": "disposes of the store's engine around fork",
}


def store_uses(source: str) -> list[str]:
    """Where ``source`` reaches the store itself rather than the library's use cases."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("store", "get_store"):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id == "get_store":
            found.append(f"line {node.lineno}: get_store")
        elif isinstance(node, ast.ImportFrom):
            names = {a.name for a in node.names}
            if (node.module or "").split(".")[-1] == "store":
                found.append(f"line {node.lineno}: from {node.module} import ...")
            elif "get_store" in names or ("store" in names and node.module == "contentlib"):
                found.append(f"line {node.lineno}: import of {', '.join(sorted(names))}")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name == "contentlib.store"]
    return found


def _doors():
    for path in sorted((ROOT / "catalog").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path


def test_no_door_reaches_for_the_store():
    offenders = {}
    for rel, path in _doors():
        if rel in ALLOWED:
            continue
        uses = store_uses(path.read_text(encoding="utf-8"))
        if uses:
            offenders[rel] = uses
    assert not offenders, f"doors touching the store (give Library a method and call it): {offenders}"


def test_the_allow_list_names_only_modules_that_still_need_it():
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.exists(), f"{rel} is gone: take it off ALLOWED"
        assert store_uses(path.read_text(encoding="utf-8")), f"{rel} no longer touches the store: take it off ALLOWED"


def test_exporters_reach_only_the_library_they_are_handed():
    """The exporters (``contentlib/exporters/``) are doors of their own: plug-ins that call ``Library`` methods."""
    paths = sorted((ROOT / "contentlib" / "exporters").glob("*.py"))
    assert len(paths) >= 4
    offenders = {p.name: store_uses(p.read_text(encoding="utf-8")) for p in paths}
    assert {name: uses for name, uses in offenders.items() if uses} == {}


def test_the_check_sees_each_kind_of_store_use():
    for source in ("from .resources import get_store\n",
                   "def f():\n    return get_store().vocabulary()\n",
                   "def f(lib):\n    return lib.store.count_works()\n",
                   "def f(app):\n    return app.extensions['contentlib'].store\n",
                   "from contentlib.store import Store\n",
                   "from contentlib import store\n",
                   "import contentlib.store\n",
                   "from . import resources\ndef f():\n    return resources.get_store()\n"):
        assert store_uses(source), source
    clean = ("from .resources import get_library\n"
             "def f():\n    lib = get_library()\n    return lib.overview(), lib.accounts.users(), lib.glossary.entries()\n")
    assert store_uses(clean) == []
