"""Only the store touches the tables: services call its methods and hold their rules.

The store is ``contentlib/store.py`` with its per-area methods in ``contentlib/storage/``;
the tables are declared in ``contentlib/tables.py`` and built by ``contentlib/migrations/``.
Everything else in ``contentlib/`` and ``catalog/`` may pass a ``store.transaction()`` along
to store methods, but runs no SQL of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORE = ("contentlib/store.py", "contentlib/storage/", "contentlib/tables.py", "contentlib/migrations/")

# Modules still allowed to run SQL themselves, each with its reason. Keep this list honest and short.
ALLOWED = {
    # Parses the database URL given in the settings (sqlalchemy.engine.make_url); runs no SQL.
    "catalog/startup.py": "imports make_url to read a database URL",
}

# The store may lean on these core modules, never on a service (which would make a cycle).
STORE_MAY_IMPORT = {"contentlib.tables", "contentlib.errors", "contentlib.model", "contentlib.merge", "contentlib.filelock",
                    "contentlib.vocabulary", "contentlib.collation"}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[:-node.level]
    return ".".join(base + ([node.module] if node.module else []))


def sql_uses(source: str, module: str) -> list[str]:
    """What in ``source`` (the module named ``module``) touches the database directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy" or alias.name == "contentlib.tables":
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            names = {f"{target}.{a.name}" for a in node.names}
            if target.split(".")[0] == "sqlalchemy" or target == "contentlib.tables" \
                    or "contentlib.tables" in names:
                found.append(f"line {node.lineno}: from {target} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, owner = node.func.attr, node.func.value
            if attr in ("execute", "enqueue_changes", "_enqueue", "mark_edited"):
                found.append(f"line {node.lineno}: .{attr}(...)")
            elif attr in ("connect", "begin") and isinstance(owner, ast.Attribute) and owner.attr == "engine":
                found.append(f"line {node.lineno}: engine.{attr}()")
    return found


def _service_modules():
    for package in ("contentlib", "catalog"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(STORE):
                yield rel, ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_no_service_runs_sql_on_the_tables():
    offenders = {}
    for rel, module in _service_modules():
        if rel in ALLOWED:
            continue
        uses = sql_uses((ROOT / rel).read_text(encoding="utf-8"), module)
        if uses:
            offenders[rel] = uses
    assert not offenders, f"SQL outside the store (move it behind a store method): {offenders}"


def test_the_allow_list_names_only_modules_that_still_need_it():
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.exists(), f"{rel} is gone: take it off ALLOWED"
        module = ".".join(Path(rel).with_suffix("").parts)
        assert sql_uses(path.read_text(encoding="utf-8"), module), f"{rel} runs no SQL now: take it off ALLOWED"


def test_the_check_sees_each_kind_of_direct_sql():
    samples = {
        "import sqlalchemy as sa\n": "contentlib.x",
        "from .tables import works\n": "contentlib.x",
        "from .. import tables\n": "contentlib.bundles.x",
        "from contentlib.tables import jobs\n": "catalog.x",
        "def f(conn):\n    conn.execute(q)\n": "contentlib.x",
        "def f(store, conn):\n    store.enqueue_changes(conn, [], 0)\n": "contentlib.x",
        "def f(store):\n    with store.engine.connect() as c:\n        pass\n": "contentlib.x",
    }
    for source, module in samples.items():
        assert sql_uses(source, module), source
    clean = "def f(store):\n    with store.transaction() as conn:\n        store.add_editor(conn, 'w', 'bo', 'u')\n"
    assert sql_uses(clean, "contentlib.x") == []


def test_the_store_imports_no_service():
    for path in [ROOT / "contentlib/store.py", *sorted((ROOT / "contentlib/storage").glob("*.py"))]:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = _absolute(module, node)
                if target.startswith("contentlib") and not target.startswith("contentlib.storage"):
                    assert target in STORE_MAY_IMPORT, f"{path.name} imports {target}"
