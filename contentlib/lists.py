"""Teachers' lists of works: named, kept by their owner, shared by an unguessable token."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from . import xmltext
from .accounts import User, require
from .errors import InvalidRecord, NotAllowed, NotFound, WorkNotFound


@dataclass
class WorkList:
    id: int
    owner: str
    name: str
    token: str
    work_ids: list[str] = field(default_factory=list)


def _load(found) -> WorkList:
    row, ids = found
    return WorkList(row.id, row.owner, row.name, row.token, list(ids))


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidRecord([("name", "a list needs a name of 1-200 characters")])
    if xmltext.problem("name", name):
        raise InvalidRecord([xmltext.problem("name", name)])
    return name


def create(store, user: User, name: str) -> WorkList:
    """Make a new, empty list owned by ``user``."""
    require(user, "lists")
    name = _name(name)
    token = secrets.token_urlsafe(24)
    list_id = store.insert_list(user.name, name, token, time.time())
    return WorkList(list_id, user.name, name, token)


def owned_by(store, user: User) -> list[WorkList]:
    return [_load(found) for found in store.list_rows(owner=user.name)]


def get(store, user: User, list_id: int) -> WorkList:
    """Load one of the user's own lists (admins may open any).

    :raises NotFound, NotAllowed:
    """
    require(user, "lists")
    found = store.list_rows(list_id=list_id)
    if not found:
        raise NotFound(f"list {list_id}")
    if found[0][0].owner != user.name and user.role != "admin":
        raise NotAllowed("not your list")
    return _load(found[0])


def by_token(store, token: str) -> WorkList:
    """Load a shared list by its token (no account needed). :raises NotFound:"""
    found = store.list_rows(token=token or "")
    if not found:
        raise NotFound("list")
    return _load(found[0])


def add(store, user: User, list_id: int, work_id: str) -> WorkList:
    """Add a work at the end of a list (once)."""
    wl = get(store, user, list_id)
    if work_id not in wl.work_ids:
        store.add_list_item(list_id, work_id, len(wl.work_ids))
    elif not store.has_work(work_id):
        raise WorkNotFound(work_id)
    return get(store, user, list_id)


def remove(store, user: User, list_id: int, work_id: str) -> WorkList:
    get(store, user, list_id)
    store.remove_list_item(list_id, work_id)
    return get(store, user, list_id)


def delete(store, user: User, list_id: int) -> None:
    get(store, user, list_id)
    store.delete_list(list_id)
