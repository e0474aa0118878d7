"""What every area of the store shares: its engine, a transaction, and a connection to read with."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


def inserted_id(result: sa.CursorResult) -> Any:
    """The primary key a one-row INSERT made (SQLAlchemy types it Optional, for results of other statements)."""
    key = result.inserted_primary_key
    if key is None:
        raise ValueError("the result of a statement that inserted no row")
    return key[0]


class Base:
    engine: sa.Engine

    @contextmanager
    def transaction(self):
        """One transaction; a service passes its ``conn`` to the store methods of one atomic step."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _reading(self, conn=None):
        """The caller's connection (inside its transaction), else a fresh one for this read."""
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as fresh:
            yield fresh
