"""``library.accounts``: who may log in, with which role (``contentlib.accounts`` over the library's store)."""

from __future__ import annotations

from .. import accounts
from ..accounts import User


class Accounts:
    """The accounts of one library: the admin pages, the CLI and the login all go through here."""

    def __init__(self, store):
        self._store = store

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
        """Forget a user's failed logins; return how many. :raises NotFound:"""
        return accounts.unlock(self._store, name)

    def authenticate(self, name: str, password: str, address: str) -> User | None:
        return accounts.authenticate(self._store, name, password, address)

    def end_sessions(self, name: str) -> None:
        accounts.end_sessions(self._store, name)

    def issue_token(self, name: str) -> str:
        """A new API token for ``name`` (the old one stops working). :raises NotFound:"""
        return accounts.issue_token(self._store, name)

    def for_token(self, token: str) -> User | None:
        return accounts.user_for_token(self._store, token)
