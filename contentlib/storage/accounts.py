"""The rows of user accounts and of failed logins."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import login_failures, users
from .base import Base, inserted_id


class AccountsStore(Base):

    def user_row(self, name: str, conn=None):
        """One user's row, or None (``conn``: the caller's transaction, if any)."""
        with self._reading(conn) as conn:
            return conn.execute(sa.select(users).where(users.c.name == name)).first()

    def user_rows(self) -> Sequence[sa.Row]:
        """Every user's row, by name."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users).order_by(users.c.name)).all()

    def user_by_token_hash(self, token_hash: str):
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users).where(users.c.token_hash == token_hash)).first()

    def insert_user(self, name: str, role: str, password_hash: str, now: float) -> bool:
        """Add an active user; False (and nothing written) when the name is taken."""
        with self.engine.begin() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                return False
            conn.execute(users.insert().values(name=name, role=role, password_hash=password_hash,
                                               active=True, created_at=now))
            return True

    def update_user(self, name: str, end_sessions: bool = False, **values) -> bool:
        """Set columns of one user (``end_sessions`` also invalidates its sessions); False if unknown."""
        if end_sessions:
            values["session_generation"] = users.c.session_generation + 1
        with self.engine.begin() as conn:
            return bool(conn.execute(users.update().where(users.c.name == name).values(**values)).rowcount)

    def forget_failures(self, key: str, prefix: str) -> int:
        """Delete the failed logins under ``key`` and those starting with ``prefix``; return how many of the latter."""
        with self.engine.begin() as conn:
            conn.execute(login_failures.delete().where(login_failures.c.key == key))
            return conn.execute(login_failures.delete().where(
                login_failures.c.key.like(_escaped(prefix) + "%", escape="\\"))).rowcount

    def failure_counts(self, since: dict[str, float], conn=None) -> dict[str, int]:
        """How many failed logins each key has had since its time (a read: it takes no write lock)."""
        with self._reading(conn) as conn:
            return {key: conn.execute(sa.select(sa.func.count()).select_from(login_failures).where(
                login_failures.c.key == key, login_failures.c.at >= at)).scalar_one() for key, at in since.items()}

    def add_failures(self, conn, keys, now: float) -> list[int]:
        """Record a failed login under each key (in the caller's transaction); return the new rows' ids."""
        return [inserted_id(conn.execute(login_failures.insert().values(key=k, at=now))) for k in keys]

    def prune_failures(self, conn, before: float, keep_rows: int, newest_id: int) -> None:
        """Forget failed logins older than ``before``, and all but the newest ``keep_rows`` (by the indexes)."""
        conn.execute(login_failures.delete().where(login_failures.c.at < before))
        conn.execute(login_failures.delete().where(login_failures.c.id <= newest_id - keep_rows))

    def clear_failures(self, conn, key: str, ids=()) -> None:
        """Forget the failed logins under ``key`` and the rows ``ids`` (in the caller's transaction)."""
        conn.execute(login_failures.delete().where(sa.or_(login_failures.c.key == key,
                                                          login_failures.c.id.in_(list(ids)))))

    def failure_groups(self, prefixes, since: float, at_least: int, limit: int) -> Sequence[sa.Row]:
        """Keys starting with one of ``prefixes`` with ``at_least`` failures since ``since``: (key, count, last)."""
        if not prefixes:
            return []
        count = sa.func.count().label("count")
        matches = sa.or_(*(login_failures.c.key.like(_escaped(p) + "%", escape="\\") for p in prefixes))
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(login_failures.c.key, count, sa.func.max(login_failures.c.at).label("last"))
                .where(matches, login_failures.c.at >= since)
                .group_by(login_failures.c.key).having(count >= at_least)
                .order_by(count.desc(), login_failures.c.key).limit(limit)).all()

def _escaped(prefix: str) -> str:
    """``prefix`` for a LIKE pattern: its own ``%`` and ``_`` (and the escape character) taken literally."""
    return prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
