"""Listings the open doors need beyond ``Store.list_works``: by language, and every work's last change."""

from __future__ import annotations

from .model import Work


def by_language(store, lang: str, page: int = 1, per_page: int = 20) -> tuple[list[Work], int]:
    """One page of the works with a published title in ``lang``, newest first, and their count."""
    ids, total = store.ids_with_title_in(lang, page, per_page)
    return store.get_works(ids), total


def last_changes(store, offset: int = 0, limit: int | None = None) -> list[tuple[str, float]]:
    """``(work id, last change)`` of the works, newest addition first, from ``offset`` (``limit`` of them)."""
    return store.last_changes(offset, limit)


def newest_change(store) -> float | None:
    return store.newest_change()
