"""The rows of user accounts and of failed logins."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import login_failures, users
from .base import Base


class AccountsStore(Base):

    def user_row(self, name: str, conn=None):
        """One user's row, or None (``conn``: the caller's transaction, if any)."""
        with self._reading(conn) as conn:
            return conn.execute(sa.select(users).where(users.c.name == name)).first()

    def user_rows(self) -> list:
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
        """Delete the failed logins under ``key`` or starting with ``prefix``; return how many."""
        escaped = prefix.replace("%", r"\%").replace("_", r"\_")
        with self.engine.begin() as conn:
            return conn.execute(login_failures.delete().where(sa.or_(
                login_failures.c.key == key, login_failures.c.key.like(escaped + "%", escape="\\")))).rowcount

    def prune_failures(self, conn, before: float) -> None:
        """Forget failed logins older than ``before`` (in the caller's transaction)."""
        conn.execute(login_failures.delete().where(login_failures.c.at < before))

    def count_failures(self, conn, key: str, since: float) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(login_failures).where(
            login_failures.c.key == key, login_failures.c.at >= since)).scalar_one()

    def clear_failures(self, conn, key: str) -> None:
        conn.execute(login_failures.delete().where(login_failures.c.key == key))

    def add_failures(self, conn, keys, now: float) -> None:
        conn.execute(login_failures.insert(), [{"key": k, "at": now} for k in keys])
