"""Choose the search engine: ``whoosh`` (the default) or ``tantivy`` (``pip install contentlib[tantivy]``).

``CONTENTLIB_SEARCH_ENGINE`` names it; each engine keeps its index in the
index folder and passes the same contract tests (``tests/unit/test_engine_contract.py``).
"""

from __future__ import annotations

import os
from importlib import import_module, metadata

from ..errors import UnknownEngine
from .policy import Search

DEFAULT = "whoosh"
#: The project's own engines; others come from the entry-point group ``contentlib.search_engines``
#: (``docs/extending.md``), where setup.cfg lists these two as well.
ENGINES = {"whoosh": ("contentlib.search.index", "WhooshEngine"),
           "tantivy": ("contentlib.search.tantivy_engine", "TantivyEngine")}
GROUP = "contentlib.search_engines"


def _installed() -> dict[str, tuple[str, str]]:
    found = {}
    for ep in metadata.entry_points(group=GROUP):
        module, _, attr = ep.value.partition(":")
        found[ep.name] = (module.strip(), attr.strip())
    return found


def known() -> dict[str, tuple[str, str]]:
    """Every engine by name: the project's own, then installed ones (an installed entry of the same name wins)."""
    return {**ENGINES, **_installed()}
__all__ = ["DEFAULT", "ENGINES", "SearchIndex", "UnknownEngine", "engine_name", "open_engine"]


def engine_name(name: str | None = None) -> str:
    """The engine asked for (the argument, else ``CONTENTLIB_SEARCH_ENGINE``, else ``whoosh``), checked."""
    raw = name if name is not None else os.environ.get("CONTENTLIB_SEARCH_ENGINE")
    chosen = (raw or DEFAULT).strip().lower()
    engines = known()
    if chosen not in engines:
        raise UnknownEngine(f"CONTENTLIB_SEARCH_ENGINE={raw!r}: the search engine is one of "
                            f"{', '.join(sorted(engines))}")
    return chosen


def open_engine(path, name: str | None = None, **options):
    """The engine called ``name`` over the index in ``path`` (nothing is created until a write).

    :raises UnknownEngine: for a name that is not an engine, or an engine whose package is missing.
    """
    chosen = engine_name(name)
    module, cls = known()[chosen]
    try:
        engine_class = getattr(import_module(module), cls)
    except ImportError as exc:
        raise UnknownEngine(f"the {chosen} search engine needs its package: "
                            f"pip install 'contentlib[{chosen}]' ({exc})") from exc
    return engine_class(path, **options)


class SearchIndex(Search):
    """The search over the index in ``path``, answering with the API's JSON body (tools, benchmarks, tests).

    :param engine: the engine's name (default: ``CONTENTLIB_SEARCH_ENGINE``, else whoosh).
    """

    def __init__(self, path, engine: str | None = None, **options):
        super().__init__(open_engine(path, engine, **options))

    def search(self, q, filters=None, page=1, per_page=20, expansions=None) -> dict:  # type: ignore[override]
        return super().search(q, filters, page, per_page, expansions).as_dict()

    def search_other(self, lang, missing, terms, filters=None,  # type: ignore[override]
                     limit=10) -> tuple[int, list[dict]]:
        total, hits = super().search_other(lang, missing, terms, filters, limit)
        return total, [h.as_dict() for h in hits]
