"""The seam between the library and its search engine: a small protocol and its result.

The library talks to a ``SearchBackend``; ``WhooshBackend`` fulfils it over
``SearchIndex``. Results are plain dataclasses: the JSON shape of the search
API is built by the web shell, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import IndexUnavailable
from .index import SearchIndex


@dataclass(frozen=True)
class Hit:
    """One work found: its id, type, titles by language, and highlighted snippets."""

    id: str
    type: str | None
    titles: dict
    languages: list
    score: float
    highlights: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """How the query was read: its script (bo, ewts, zh, pinyin, en) and text."""

    script: str
    text: str


@dataclass(frozen=True)
class OtherLanguage:
    """Works only in the other language that match the query's meaning (``spec/search-api.md``)."""

    lang: str
    total: int
    results: list[Hit]
    via: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    """One page of search results with the facet counts of everything matched."""

    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit]
    facets: dict
    interpreted: list[Reading] = field(default_factory=list)
    other_language: OtherLanguage | None = None


@dataclass(frozen=True)
class Health:
    """Whether this node's index can answer, and how many works it holds."""

    ready: bool
    works: int | None
    detail: str = ""


class SearchBackend(Protocol):
    """What the library needs from a search engine."""

    def exists(self) -> bool: ...

    def update(self, records: Iterable[dict] = (), delete_ids: Iterable[str] = ()) -> None: ...

    def rebuild(self, records: Iterable[dict], expected: int | None = None) -> int: ...

    def search(self, q: str, filters: dict | None = None, page: int = 1, per_page: int = 20,
               expansions: dict | None = None) -> SearchResult: ...

    def search_other(self, lang: str, missing: str, terms: list, filters: dict | None = None,
                     limit: int = 10) -> tuple[int, list[Hit]]: ...

    def health(self) -> Health: ...


class WhooshBackend:
    """``SearchBackend`` over the Whoosh ``SearchIndex`` in one directory.

    :raises IndexUnavailable: (from ``search``) only when the index is missing or
        outdated; any other fault propagates so it is logged and seen, not hidden.
    """

    def __init__(self, index: SearchIndex):
        self.index = index
        self.path = index.path

    def exists(self) -> bool:
        return self.index.exists()

    def index_works(self, records: Iterable[dict]) -> None:
        self.index.update(records=records)

    def delete(self, work_ids: Iterable[str]) -> None:
        self.index.update(delete_ids=work_ids)

    def update(self, records=(), delete_ids=()) -> None:
        self.index.update(records=records, delete_ids=delete_ids)

    def rebuild(self, records, expected=None) -> int:
        return self.index.rebuild(records, expected=expected)

    def doc_count(self) -> int:
        return self.index.doc_count()

    def close(self) -> None:
        self.index.close()

    def search(self, q, filters=None, page=1, per_page=20, expansions=None) -> SearchResult:
        body = self.index.search(q, filters, page, per_page, expansions=expansions)
        return SearchResult(
            query=body["query"], total=body["total"], page=body["page"], per_page=body["per_page"],
            results=[Hit(r["id"], r.get("type"), r["titles"], r["languages"], r["score"], r.get("highlights") or {})
                     for r in body["results"]],
            facets=body["facets"],
            interpreted=[Reading(i["script"], i["text"]) for i in body.get("interpreted", [])])

    def search_other(self, lang, missing, terms, filters=None, limit=10) -> tuple[int, list[Hit]]:
        total, hits = self.index.search_other(lang, missing, terms, filters, limit)
        return total, [Hit(r["id"], r.get("type"), r["titles"], r["languages"], r["score"]) for r in hits]

    def health(self) -> Health:
        try:
            return Health(True, self.index.doc_count())
        except IndexUnavailable as exc:
            return Health(False, None, str(exc))
