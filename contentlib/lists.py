"""Teachers' lists of works: named, kept by their owner, shared by an unguessable token."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from .accounts import User, require
from .errors import InvalidRecord, NotAllowed, NotFound, WorkNotFound
from .store import works
from .tables import work_list_items, work_lists


@dataclass
class WorkList:
    id: int
    owner: str
    name: str
    token: str
    work_ids: list[str] = field(default_factory=list)


def _load(conn, row) -> WorkList:
    ids = conn.execute(sa.select(work_list_items.c.work_id).where(work_list_items.c.list_id == row.id)
                       .order_by(work_list_items.c.position)).scalars().all()
    return WorkList(row.id, row.owner, row.name, row.token, list(ids))


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidRecord([("name", "a list needs a name of 1-200 characters")])
    return name


def create(store, user: User, name: str) -> WorkList:
    """Make a new, empty list owned by ``user``."""
    require(user, "lists")
    name = _name(name)
    token = secrets.token_urlsafe(24)
    with store.transaction() as conn:
        res = conn.execute(work_lists.insert().values(owner=user.name, name=name, token=token,
                                                      created_at=time.time()))
        list_id = res.inserted_primary_key[0]
    return WorkList(list_id, user.name, name, token)


def owned_by(store, user: User) -> list[WorkList]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(work_lists).where(work_lists.c.owner == user.name)
                            .order_by(work_lists.c.created_at)).all()
        return [_load(conn, r) for r in rows]


def get(store, user: User, list_id: int) -> WorkList:
    """Load one of the user's own lists (admins may open any).

    :raises NotFound, NotAllowed:
    """
    require(user, "lists")
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(work_lists).where(work_lists.c.id == list_id)).first()
        if row is None:
            raise NotFound(f"list {list_id}")
        if row.owner != user.name and user.role != "admin":
            raise NotAllowed("not your list")
        return _load(conn, row)


def by_token(store, token: str) -> WorkList:
    """Load a shared list by its token (no account needed). :raises NotFound:"""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(work_lists).where(work_lists.c.token == (token or ""))).first()
        if row is None:
            raise NotFound("list")
        return _load(conn, row)


def add(store, user: User, list_id: int, work_id: str) -> WorkList:
    """Add a work at the end of a list (once)."""
    wl = get(store, user, list_id)
    with store.transaction() as conn:
        if conn.execute(sa.select(works.c.id).where(works.c.id == work_id)).first() is None:
            raise WorkNotFound(work_id)
        if work_id not in wl.work_ids:
            conn.execute(work_list_items.insert().values(list_id=list_id, work_id=work_id,
                                                         position=len(wl.work_ids)))
    return get(store, user, list_id)


def remove(store, user: User, list_id: int, work_id: str) -> WorkList:
    get(store, user, list_id)
    with store.transaction() as conn:
        conn.execute(work_list_items.delete().where(work_list_items.c.list_id == list_id,
                                                    work_list_items.c.work_id == work_id))
    return get(store, user, list_id)


def delete(store, user: User, list_id: int) -> None:
    get(store, user, list_id)
    with store.transaction() as conn:
        conn.execute(work_list_items.delete().where(work_list_items.c.list_id == list_id))
        conn.execute(work_lists.delete().where(work_lists.c.id == list_id))
