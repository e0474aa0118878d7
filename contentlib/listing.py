"""Listings the open doors need beyond ``Store.list_works``: by language, and every work's last change."""

from __future__ import annotations

import sqlalchemy as sa

from .model import Work
from .tables import versions, works


def by_language(store, lang: str, page: int = 1, per_page: int = 20) -> tuple[list[Work], int]:
    """One page of the works with a published title in ``lang``, newest first, and their count."""
    q = sa.select(works.c.id).where(works.c.id.in_(
        sa.select(versions.c.work_id).where(versions.c.lang == lang, versions.c.slot == "public",
                                            versions.c.title.is_not(None), sa.func.trim(versions.c.title) != "")))
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar_one()
        ids = conn.execute(q.order_by(works.c.added.desc(), works.c.id).limit(per_page)
                           .offset((page - 1) * per_page)).scalars().all()
    return store.get_works(ids), total


def last_changes(store, offset: int = 0, limit: int | None = None) -> list[tuple[str, float]]:
    """``(work id, last change)`` of the works, newest addition first, from ``offset`` (``limit`` of them)."""
    q = sa.select(works.c.id, works.c.updated_at).order_by(works.c.added.desc(), works.c.id).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        return [(r.id, r.updated_at) for r in conn.execute(q)]


def newest_change(store) -> float | None:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(works.c.updated_at))).scalar()
