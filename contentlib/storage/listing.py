"""Queries over the works for the open doors and exports: by language, by change, by selection."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import versions, work_list_items, work_lists, work_terms, works
from .base import Base


def _has_title(langs):
    """The works with a published, non-empty title in one of ``langs``."""
    return works.c.id.in_(sa.select(versions.c.work_id).where(
        versions.c.slot == "public", versions.c.lang.in_(list(langs)),
        versions.c.title.is_not(None), sa.func.trim(versions.c.title) != ""))


class ListingStore(Base):

    def ids_with_title_in(self, lang: str, page: int, per_page: int) -> tuple[list[str], int]:
        """One page of the ids of works with a published title in ``lang``, newest first, and their count."""
        q = sa.select(works.c.id).where(_has_title([lang]))
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar_one()
            ids: Sequence[str] = conn.execute(q.order_by(works.c.added.desc(), works.c.id).limit(per_page)
                               .offset((page - 1) * per_page)).scalars().all()
        return list(ids), total

    def last_changes(self, offset: int = 0, limit: int | None = None) -> list[tuple[str, float]]:
        """``(work id, updated_at)`` of the works, newest addition first, from ``offset``."""
        q = sa.select(works.c.id, works.c.updated_at).order_by(works.c.added.desc(), works.c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [(r.id, r.updated_at) for r in conn.execute(q)]

    def newest_change(self) -> float | None:
        """The latest ``updated_at`` of any work (None without works)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(works.c.updated_at))).scalar()

    def select_ids(self, types=(), terms: dict | None = None, langs=(), since: float | None = None,
                   list_id: int | None = None) -> list[str] | None:
        """Ids of the works matching every filter given, in id order (in list order with ``list_id``).

        :param terms: ``{scheme: codes}``: works with any of the codes in each scheme.
        :param since: works whose record or any version changed at or after this time.
        :returns: None when ``list_id`` names no list.
        """
        q = sa.select(works.c.id)
        if types:
            q = q.where(works.c.type.in_(list(types)))
        for scheme, codes in (terms or {}).items():
            if codes:
                q = q.where(works.c.id.in_(sa.select(work_terms.c.work_id).where(
                    work_terms.c.scheme == scheme, work_terms.c.code.in_(list(codes)))))
        if langs:
            q = q.where(_has_title(langs))
        if since is not None:
            q = q.where(sa.or_(works.c.updated_at >= since, works.c.id.in_(
                sa.select(versions.c.work_id).where(versions.c.updated_at >= since))))
        with self.engine.connect() as conn:
            if list_id is not None:
                if conn.execute(sa.select(work_lists.c.id).where(work_lists.c.id == list_id)).first() is None:
                    return None
                order: Sequence[str] = conn.execute(sa.select(work_list_items.c.work_id).where(
                    work_list_items.c.list_id == list_id).order_by(work_list_items.c.position)).scalars().all()
                q = q.where(works.c.id.in_(order))
            ids: Sequence[str] = conn.execute(q.order_by(works.c.id)).scalars().all()
        if list_id is not None:
            found = set(ids)
            ids = [i for i in order if i in found]
        return list(ids)
