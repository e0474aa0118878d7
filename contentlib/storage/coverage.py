"""What coverage counts: every work's type, its versions' slots and states, its subjects and audiences."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import versions, work_terms, works
from .base import Base


class CoverageStore(Base):

    def coverage_rows(self) -> tuple[Sequence[sa.Row], Sequence[sa.Row], Sequence[sa.Row]]:
        """``(works, versions, terms)``: rows of (id, type, added); (work_id, lang, slot, state, title);
        and (work_id, scheme, code) for subjects and audiences, in position order."""
        with self.engine.connect() as conn:
            w = conn.execute(sa.select(works.c.id, works.c.type, works.c.added)).all()
            v = conn.execute(sa.select(versions.c.work_id, versions.c.lang, versions.c.slot, versions.c.state,
                                       versions.c.title)).all()
            t = conn.execute(sa.select(work_terms.c.work_id, work_terms.c.scheme, work_terms.c.code)
                             .where(work_terms.c.scheme.in_(("subjects", "audiences")))
                             .order_by(work_terms.c.position)).all()
        return w, v, t
