"""What OAI-PMH harvests: works by time of change, and the tombstones of deleted ones."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import deleted_works, work_terms, works
from .base import Base


def _changed(q, start, end, type, subject, none):
    if start is not None:
        q = q.where(works.c.updated_at >= start)
    if end is not None:
        q = q.where(works.c.updated_at < end)
    if type:
        q = q.where(works.c.type == type)
    if subject is not None:
        terms = sa.select(work_terms.c.work_id).where(work_terms.c.scheme == "subjects")
        if subject:
            terms = terms.where(work_terms.c.code == subject)
        q = q.where(works.c.id.in_(terms))
    if none:
        q = q.where(sa.false())
    return q


class OaiStore(Base):
    """Filters shared by the methods: changed in ``[start, end)`` (None: open), of ``type``, on
    ``subject`` (``""``: any subject), and ``none`` to match nothing (an unknown set)."""

    def count_changed(self, start=None, end=None, type=None, subject=None, none=False) -> int:
        with self.engine.connect() as conn:
            return conn.execute(_changed(sa.select(sa.func.count()).select_from(works),
                                         start, end, type, subject, none)).scalar_one()

    def changed_after(self, after, limit: int, start=None, end=None, type=None, subject=None,
                      none=False) -> Sequence[sa.Row]:
        """Rows ``(id, updated_at)`` past ``after`` (``(updated_at, id)`` or None), in that order."""
        q = _changed(sa.select(works.c.id, works.c.updated_at), start, end, type, subject, none)
        if after is not None:
            stamp, last = after
            q = q.where(sa.or_(works.c.updated_at > stamp, sa.and_(works.c.updated_at == stamp, works.c.id > last)))
        with self.engine.connect() as conn:
            return conn.execute(q.order_by(works.c.updated_at, works.c.id).limit(limit)).all()

    def tombstones(self, start=None, end=None) -> Sequence[sa.Row]:
        """Rows of ``deleted_works`` deleted in ``[start, end)`` whose work is still gone."""
        q = sa.select(deleted_works).where(~deleted_works.c.work_id.in_(sa.select(works.c.id)))
        if start is not None:
            q = q.where(deleted_works.c.deleted_at >= start)
        if end is not None:
            q = q.where(deleted_works.c.deleted_at < end)
        with self.engine.connect() as conn:
            return conn.execute(q).all()

    def tombstone(self, work_id: str):
        with self.engine.connect() as conn:
            return conn.execute(sa.select(deleted_works).where(deleted_works.c.work_id == work_id)).first()

    def earliest_change(self) -> tuple[float | None, float | None]:
        """The oldest ``updated_at`` of a work and the oldest deletion (None when there is none)."""
        with self.engine.connect() as conn:
            first = conn.execute(sa.select(sa.func.min(works.c.updated_at))).scalar()
            gone = conn.execute(sa.select(sa.func.min(deleted_works.c.deleted_at))).scalar()
        return first, gone
