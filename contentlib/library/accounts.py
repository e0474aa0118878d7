"""``library.accounts``: who may log in, with which role (``contentlib.accounts`` over the library's store)."""

from __future__ import annotations

import time
from collections.abc import Callable

from .. import accounts
from ..accounts import User


class Accounts:
    """The accounts of one library: the admin pages, the CLI and the login all go through here.

    ``clock`` gives the time failed logins are counted by (tests pass a fake one to move through hours).
    """

    def __init__(self, store, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def users(self) -> list[User]:
        return accounts.list_users(self._store)

    def get(self, name: str) -> User | None:
        return accounts.get_user(self._store, name)

    def admins(self) -> list[str]:
        """The names of the active admins (who to log in as)."""
        return [u.name for u in self.users() if u.role == "admin" and u.active]

    def create(self, name: str, role: str, password: str) -> User:
        """:raises InvalidRecord: naming each problem (name, role, password)."""
        return accounts.create_user(self._store, name, role, password)

    def set_role(self, name: str, role: str) -> None:
        accounts.set_role(self._store, name, role)

    def set_active(self, name: str, active: bool) -> None:
        accounts.set_active(self._store, name, active)

    def unlock(self, name: str) -> int:
        """Forget a user's failed logins from every address; return how many. :raises NotFound:"""
        return accounts.unlock(self._store, name)

    def roster(self) -> accounts.Roster:
        """Every account, the pairs and addresses that must wait now, and each account's failed logins this hour."""
        return accounts.roster(self._store, self._clock())

    def authenticate(self, name: str, password: str, address: str) -> User | None:
        """The user, or None for a wrong password. :raises TooManyAttempts: while this pair or address waits."""
        return accounts.authenticate(self._store, name, password, address, self._clock())

    def end_sessions(self, name: str) -> None:
        accounts.end_sessions(self._store, name)

    def issue_token(self, name: str) -> str:
        """A new API token for ``name`` (the old one stops working). :raises NotFound:"""
        return accounts.issue_token(self._store, name)

    def for_token(self, token: str) -> User | None:
        return accounts.user_for_token(self._store, token)
