"""What the open doors read: the home page's overview, listings, works, counts and feed dates.

A mixin of ``Library`` (its ``store`` is the database); every method is one
question a page, a feed or a command asks of the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import listing
from ..model import LANGUAGES, Work
from ..vocabulary import Term, Vocabulary

if TYPE_CHECKING:
    from ..store import Store


@dataclass(frozen=True)
class Overview:
    """What the home page shows: the newest works, how many there are, and the counts to browse by."""

    newest: list[Work]
    total: int
    by_language: dict[str, int]
    subjects: dict[str, int]
    audiences: dict[str, int]
    types: dict[str, int]
    vocabulary: Vocabulary


class Reading:
    """The catalog as pages and feeds read it (published works only unless said otherwise)."""

    store: Store  # the Library's, set by ``facade.Library``

    def overview(self, newest: int = 12) -> Overview:
        """The newest works, the total, and the works per language, subject, audience and type."""
        store = self.store
        works, total = store.list_works(per_page=newest)
        return Overview(newest=works, total=total, by_language=store.count_by_language(),
                        subjects=store.count_by_term("subjects"), audiences=store.count_by_term("audiences"),
                        types=store.count_by_type(), vocabulary=store.vocabulary())

    def vocabulary(self) -> Vocabulary:
        return self.store.vocabulary()

    def work(self, work_id: str, public: bool = True) -> Work:
        """One work; ``public=False`` shows working drafts. :raises WorkNotFound:"""
        return self.store.get_work(work_id, public=public)

    def works(self, ids) -> list[Work]:
        """The works of ``ids`` in that order, unknown ones left out."""
        return self.store.get_works(ids)

    def listing(self, page: int = 1, per_page: int = 20, order: str = "newest",
                prefer: tuple[str, ...] = LANGUAGES, **where) -> tuple[list[Work], int]:
        """One page of works (``scheme`` and ``code``, or ``type``, narrow it) and how many there are in all."""
        return self.store.list_works(page=page, per_page=per_page, order=order, prefer=prefer, **where)

    def by_language(self, lang: str, page: int = 1, per_page: int = 20) -> tuple[list[Work], int]:
        """One page of the works with a published title in ``lang``, newest first, and their count."""
        return listing.by_language(self.store, lang, page, per_page)

    def count_works(self) -> int:
        return self.store.count_works()

    def counts(self, scheme: str) -> dict[str, int]:
        """Works per code of ``scheme``: ``subjects``, ``audiences``, ``grades``, ``types`` or ``languages``."""
        if scheme == "types":
            return self.store.count_by_type()
        if scheme == "languages":
            return self.store.count_by_language()
        return self.store.count_by_term(scheme)

    def used_terms(self, scheme: str) -> list[tuple[Term, int]]:
        """The terms of ``scheme`` that at least one work has, in the vocabulary's order, with their counts."""
        counts = self.counts(scheme)
        return [(t, counts[t.code]) for t in self.store.vocabulary().terms(scheme) if counts.get(t.code)]

    def newest_change(self) -> float | None:
        """When the catalog last changed (None while it is empty)."""
        return listing.newest_change(self.store)

    def updated(self, works) -> float | None:
        """When a feed of ``works`` last changed: its newest work, else the catalog's last change."""
        works = list(works)
        return max(w.updated_at or 0 for w in works) if works else self.newest_change()

    def last_changes(self, offset: int = 0, limit: int | None = None) -> list[tuple[str, float]]:
        """``(work id, last change)`` of the works, newest addition first (the sitemap's pages)."""
        return listing.last_changes(self.store, offset, limit)

    def newest_work_id(self) -> str | None:
        works, _total = self.store.list_works(page=1, per_page=1)
        return works[0].id if works else None
