"""The rows of teachers' lists of works and their items."""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import WorkNotFound
from ..tables import work_list_items, work_lists, works
from .base import Base, inserted_id


class ListsStore(Base):

    def insert_list(self, owner: str, name: str, token: str, now: float) -> int:
        """Make an empty list; return its id."""
        with self.engine.begin() as conn:
            res = conn.execute(work_lists.insert().values(owner=owner, name=name, token=token, created_at=now))
            return inserted_id(res)

    def list_rows(self, owner: str | None = None, list_id: int | None = None, token: str | None = None) -> list:
        """Lists by owner (oldest first), by id or by token, each as ``(row, [work_id, ...])``."""
        q = sa.select(work_lists)
        if owner is not None:
            q = q.where(work_lists.c.owner == owner)
        if list_id is not None:
            q = q.where(work_lists.c.id == list_id)
        if token is not None:
            q = q.where(work_lists.c.token == token)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(work_lists.c.created_at)).all()
            return [(r, list(conn.execute(sa.select(work_list_items.c.work_id)
                                          .where(work_list_items.c.list_id == r.id)
                                          .order_by(work_list_items.c.position)).scalars()))
                    for r in rows]

    def add_list_item(self, list_id: int, work_id: str, position: int) -> None:
        """Put a work on a list at ``position``.

        :raises WorkNotFound: for an unknown work.
        """
        with self.engine.begin() as conn:
            if conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is None:
                raise WorkNotFound(work_id)
            conn.execute(work_list_items.insert().values(list_id=list_id, work_id=work_id, position=position))

    def remove_list_item(self, list_id: int, work_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(work_list_items.delete().where(work_list_items.c.list_id == list_id,
                                                        work_list_items.c.work_id == work_id))

    def delete_list(self, list_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(work_list_items.delete().where(work_list_items.c.list_id == list_id))
            conn.execute(work_lists.delete().where(work_lists.c.id == list_id))
