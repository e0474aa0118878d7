"""The seam under the search policy: what an engine does, and nothing more.

An engine indexes works as token lists per field (the analysers' tokens, the
same for every engine), runs a query plan (``plan``) over them, tells which
works have a field's value (filters, facets) and returns stored fields. Its
answers are dense numpy arrays over its document *slots* (``View.size``), so
the policy (``policy.Search``: tiers, widening, interleaving, facets,
highlights, the other-language block) is written once for every engine.

Each engine also owns its sync state (how far it has followed the outbox, its
writer lock), which ``contentlib.indexing`` reaches only through
``lock``/``applied_seq``/``apply``/``rebuild``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager as ContextManager
from typing import Protocol, TypeVar

import numpy as np

T = TypeVar("T")

# The fields every engine indexes (see ``fields.document``) and what they hold.
TEXT_FIELDS = ("bo", "bo2", "zh", "zhw", "py", "py2", "en")
KEYWORD_FIELDS = ("type", "subject", "audience", "grade", "lang", "has")


class View(Protocol):
    """One unchanging state of an index, for the length of one search."""

    size: int
    cache: dict  # the policy's own memo, kept while this state of the index lasts

    def live(self) -> np.ndarray: ...  # bool per slot: a work, not a deleted or empty slot

    def run(self, plan) -> tuple[np.ndarray, np.ndarray]: ...  # (scores, matched), matched only live

    def matches(self, plan) -> np.ndarray: ...  # slots (sorted) of a Term or an And of Terms

    def mask(self, field: str, value: str) -> np.ndarray: ...  # bool per slot, live works with the value

    def values(self, field: str) -> list[str]: ...  # every value of a keyword field

    def newest_first(self) -> np.ndarray: ...  # live slots by added, year, id, all descending

    def doc_frequency(self, field: str, term: str) -> int: ...

    def prefix_terms(self, field: str, prefix: str) -> list[str]: ...

    def stored(self, slot: int) -> dict: ...  # {"id": ..., "doc": {"type", "titles", "descriptions"}}


class Engine(Protocol):
    """A search engine over one index (``engines.open_engine`` makes one)."""

    name: str

    def exists(self) -> bool: ...

    def doc_count(self) -> int: ...

    def close(self) -> None: ...

    def read(self, fn: Callable[[View], T]) -> T: ...  # raises IndexUnavailable when it cannot

    def update(self, records: Iterable[dict] = (), delete_ids: Iterable[str] = ()) -> None: ...

    # -- sync state --------------------------------------------------------
    def lock(self, blocking: bool = True) -> ContextManager[bool]: ...

    def applied_seq(self) -> int | None: ...

    def apply(self, records: Iterable[dict], delete_ids: Iterable[str], seq: int) -> None: ...

    def rebuild(self, records: Iterable[dict], expected: int | None = None, seq: int | None = None) -> int: ...

    def forget_applied(self) -> None: ...

    def consumer_name(self) -> str: ...
