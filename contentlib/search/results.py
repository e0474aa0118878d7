"""What a search returns, in one shape from the policy to the JSON of the API.

The policy (``policy.Search``) builds these dataclasses from an engine's
stored fields; ``as_dict`` is the search API's JSON body (``spec/search-api.md``)
less what only the web shell knows (each work's URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hit:
    """One work found: its id, type, titles by language, and highlighted snippets."""

    id: str
    type: str | None
    titles: dict
    languages: list
    score: float
    highlights: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "titles": self.titles, "languages": self.languages,
                "score": self.score, "highlights": self.highlights}


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

    def as_dict(self) -> dict:
        """Each work carries the words it was found by (``via``), not highlights."""
        return {"lang": self.lang, "total": self.total,
                "results": [{"id": h.id, "type": h.type, "titles": h.titles, "languages": h.languages,
                             "score": h.score, "via": self.via} for h in self.results]}


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

    def as_dict(self) -> dict:
        """The API's body (without URLs); ``other_language`` only when there is one."""
        body = {"query": self.query, "interpreted": [{"script": r.script, "text": r.text} for r in self.interpreted],
                "total": self.total, "page": self.page, "per_page": self.per_page,
                "results": [h.as_dict() for h in self.results], "facets": self.facets}
        if self.other_language is not None:
            body["other_language"] = self.other_language.as_dict()
        return body


@dataclass(frozen=True)
class Health:
    """Whether this node's index can answer, and how many works it holds."""

    ready: bool
    works: int | None
    detail: str = ""
