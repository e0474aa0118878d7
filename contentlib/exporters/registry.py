"""The registry of exporters and search engines: entry points, the project's own always among them.

Two entry-point groups name what can be plugged in: ``contentlib.exporters`` (an
``Exporter`` class or object, see ``contentlib.exporters``) and
``contentlib.search_engines`` (a search engine class,
``contentlib.search.engine.Engine``; ``search.engines`` opens it). Installed packages add
theirs through their metadata (``[options.entry_points]`` in setup.cfg); the
project's own entries are also listed here, so they are found in a checkout whose
installed metadata is older than its code. An installed entry of the same name wins.
"""

from __future__ import annotations

from importlib import metadata

from ..errors import NotFound

EXPORTERS = "contentlib.exporters"
SEARCH_ENGINES = "contentlib.search_engines"

#: The project's own entries (the same as setup.cfg's), group -> name -> ``module:attribute``.
BUILT_IN = {
    EXPORTERS: {"jsonl": "contentlib.exporters.jsonl:JsonLines",
                "bundle": "contentlib.exporters.bundle:SignedBundle",
                "zim": "contentlib.exporters.zim:Zim",
                "site": "contentlib.exporters.site:Site"},
    SEARCH_ENGINES: {"whoosh": "contentlib.search.index:WhooshEngine",
                     "tantivy": "contentlib.search.tantivy_engine:TantivyEngine"},
}


def entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    """The entry points of ``group``, by name: the project's own, then the installed ones over them."""
    found = {name: metadata.EntryPoint(name, value, group) for name, value in BUILT_IN.get(group, {}).items()}
    installed = list(metadata.entry_points(group=group))
    # The project's own installed entries first, everyone else's over them: distributions are
    # listed in sys.path order, so without this the order of the path would pick the winner.
    installed.sort(key=lambda ep: not _ours(ep))
    for ep in installed:
        found[ep.name] = ep
    return found


def _ours(ep: metadata.EntryPoint) -> bool:
    dist = getattr(ep, "dist", None)
    return dist is not None and (dist.name or "").lower() == "contentlib"


def _load(group: str, name: str):
    points = entry_points(group)
    if name not in points:
        raise NotFound(f"no {group.rpartition('.')[2].replace('_', ' ')[:-1]} named {name!r}; "
                       f"known: {', '.join(sorted(points))}")
    return points[name].load()


def exporter(name: str):
    """The exporter called ``name`` (an instance). :raises NotFound: naming the known ones."""
    found = _load(EXPORTERS, name)
    return found() if isinstance(found, type) else found


def exporters() -> dict:
    """Every exporter, by name (for "Take offline" and ``contentlib exporters``)."""
    return {name: exporter(name) for name in sorted(entry_points(EXPORTERS))}


def search_engine(name: str):
    """The search engine (backend class or factory) called ``name``. :raises NotFound:"""
    return _load(SEARCH_ENGINES, name)
