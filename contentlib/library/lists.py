"""``library.lists``: teachers' lists of works (``contentlib.lists`` over the library's store), with their works."""

from __future__ import annotations

from .. import lists
from ..accounts import User
from ..lists import WorkList


class Lists:
    """The teachers' lists of one library, and the works on them."""

    def __init__(self, store):
        self._store = store

    def owned_by(self, user: User) -> list[WorkList]:
        return lists.owned_by(self._store, user)

    def create(self, user: User, name: str, work_id: str | None = None) -> WorkList:
        """Make a list; with ``work_id``, put that work on it (the work page's "new list" form).

        :raises InvalidRecord: for a bad name. :raises WorkNotFound: for an unknown work (the list stays).
        """
        wl = lists.create(self._store, user, name)
        if work_id:
            wl = lists.add(self._store, user, wl.id, work_id)
        return wl

    def opened(self, user: User, list_id: int) -> tuple[WorkList, list]:
        """One of the user's own lists (admins: any) and its works. :raises NotFound, NotAllowed:"""
        wl = lists.get(self._store, user, list_id)
        return wl, self._store.get_works(wl.work_ids)

    def shared(self, token: str, start: int = 0, stop: int | None = None) -> tuple[WorkList, list]:
        """A list opened by its shared link, with its works from ``start`` to ``stop``. :raises NotFound:"""
        wl = lists.by_token(self._store, token)
        return wl, self._store.get_works(wl.work_ids[start:stop])

    def add(self, user: User, list_id: int, work_id: str) -> WorkList:
        return lists.add(self._store, user, list_id, work_id)

    def remove(self, user: User, list_id: int, work_id: str) -> WorkList:
        return lists.remove(self._store, user, list_id, work_id)

    def delete(self, user: User, list_id: int) -> None:
        lists.delete(self._store, user, list_id)
