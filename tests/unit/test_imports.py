"""The modules' imports: no cycle anywhere, and the core never reaches into the web shell or Flask."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contentlib", "catalog")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module ``name`` imports (at the top or inside a function), by absolute name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known}
    return found


def _graph():
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(name, path, known):
            # an import of a.b.c also runs a and a.b: count the deepest project module named
            while imported and imported not in known:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return modules, graph


def _is_package_parent(a: str, b: str) -> bool:
    """A package's __init__ importing its own submodule (and back) is how packages work, not a cycle."""
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles():
    _, graph = _graph()
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if _is_package_parent(node, nxt):
                continue
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_core_imports_neither_the_web_shell_nor_flask_nor_click():
    modules, _ = _graph()
    offenders = []
    for name, path in modules.items():
        if not name.startswith("contentlib"):
            continue
        for imported in _imports(name, path, set(modules)):
            top = imported.split(".")[0]
            if top in ("catalog", "flask", "flask_babel", "flask_login", "flask_wtf", "click"):
                offenders.append(f"{name} imports {imported}")
    assert offenders == []


# Each search engine's package is imported by its own modules only (``contentlib/search/__init__.py``):
# the analysis, the policy and everything above them see the engine-neutral seam (``search.engine``).
ENGINE_MODULES = {
    "whoosh": {"contentlib.search.index", "contentlib.search.analysis", "contentlib.search.bulk",
               "contentlib.search.segwriter", "contentlib.search.sharedfiles",
               "contentlib.search.merging"},
    "tantivy": {"contentlib.search.tantivy_engine"},
}


def engine_imports_outside_their_engine(modules: dict) -> list[str]:
    found = []
    for name, path in modules.items():
        if not name.startswith(("contentlib", "catalog")):
            continue
        for imported in _imports(name, path, set(modules)):
            top = imported.split(".")[0]
            if top in ENGINE_MODULES and name not in ENGINE_MODULES[top]:
                found.append(f"{name} imports {imported}")
    return sorted(set(found))


def test_engine_packages_stay_in_their_engine_modules():
    modules, _ = _graph()
    assert engine_imports_outside_their_engine(modules) == []


def test_the_engine_check_sees_an_engine_imported_elsewhere(tmp_path):
    samples = {"contentlib.search.policy": "from whoosh import query\n",
               "contentlib.search.query": "import tantivy\n",
               "contentlib.library.facade": "from whoosh.index import open_dir\n",
               "contentlib.search.index": "import tantivy\n"}
    for name, source in samples.items():
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        assert engine_imports_outside_their_engine({name: path}) == [f"{name} imports {source.split()[1]}"]
    ok = tmp_path / "ok.py"
    ok.write_text("from whoosh import query\n")
    assert engine_imports_outside_their_engine({"contentlib.search.bulk": ok}) == []


def test_the_engine_modules_named_exist():
    modules, _ = _graph()
    for names in ENGINE_MODULES.values():
        assert names <= set(modules), names - set(modules)


def test_long_work_is_a_leaf_every_layer_may_use():
    """``contentlib.longwork`` (the Task) imports only the errors, so the store, the core and the doors all can."""
    modules, graph = _graph()
    assert graph["contentlib.longwork"] == {"contentlib.errors"}


def test_exporters_are_handed_the_library_and_import_neither_it_nor_the_store():
    """An exporter works through the ``Library`` it is given (as one installed beside contentlib must)."""
    modules, graph = _graph()
    exporters = [name for name in modules if name.startswith("contentlib.exporters")]
    assert {"contentlib.exporters", "contentlib.exporters.registry", "contentlib.exporters.jsonl"} <= set(exporters)
    offenders = [f"{name} imports {target}" for name in exporters for target in graph[name]
                 if target.startswith(("contentlib.library", "contentlib.store", "contentlib.storage",
                                       "contentlib.tables"))]
    assert offenders == []
