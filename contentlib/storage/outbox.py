"""The search outbox: changed works in sequence, and the consumers (search indexes) following it.

Each index keeps its own cursor, so any number of them stay in step; rows go only
when every registered consumer has passed them.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from ..tables import outbox, outbox_consumers
from .base import Base

OUTBOX_LOCK = 0x636C6962  # "clib": the advisory lock that orders outbox writers on PostgreSQL


class OutboxStore(Base):

    @staticmethod
    def enqueue_changes(conn, ids, now) -> None:
        """Record changed works in the outbox, in the caller's transaction (call it last in that transaction).

        On PostgreSQL a transaction-scoped advisory lock makes sequence order
        commit order, so a reader that has seen ``seq`` N never later finds a
        smaller one committed. SQLite has one writer at a time anyway.
        """
        ids = list(ids)
        if not ids:
            return
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK})
        for i in range(0, len(ids), 5000):  # a row per work: a 300,000-work import's in one list took ~60 MB
            conn.execute(outbox.insert(), [{"work_id": w, "created_at": now} for w in ids[i:i + 5000]])

    def changes_after(self, seq: int, limit: int = 1000) -> list[tuple[int, str]]:
        """Outbox rows past ``seq``, oldest first, as ``(seq, work_id)``."""
        with self.engine.connect() as conn:
            return [(r.seq, r.work_id) for r in conn.execute(
                sa.select(outbox.c.seq, outbox.c.work_id).where(outbox.c.seq > seq).order_by(outbox.c.seq).limit(limit))]

    def last_seq(self) -> int:
        """The newest sequence number written (0 when the outbox is empty)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(outbox.c.seq))).scalar() or 0

    def generation(self) -> int:
        """A number that grows with every change to a work and never falls ("has the catalog changed?").

        Pruning removes only rows every consumer has passed, so the larger of the
        newest row and the furthest cursor outlives it.
        """
        with self.engine.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(outbox.c.seq))).scalar() or 0
            cursor = conn.execute(sa.select(sa.func.max(outbox_consumers.c.last_seq))).scalar() or 0
        return max(int(newest), int(cursor))

    def count_after(self, seq: int) -> int:
        """How many changes a consumer at ``seq`` has still to apply."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(outbox).where(outbox.c.seq > seq)).scalar_one()

    def consumer_seen(self, name: str, seq: int, now: float | None = None) -> None:
        """Register (or refresh) an index consumer and how far it has applied the outbox."""
        now = time.time() if now is None else now
        with self.transaction() as conn:
            done = conn.execute(outbox_consumers.update().where(outbox_consumers.c.name == name)
                                .values(last_seq=seq, heartbeat=now)).rowcount
            if not done:
                try:
                    with conn.begin_nested():
                        conn.execute(outbox_consumers.insert().values(name=name, last_seq=seq, heartbeat=now))
                except sa.exc.IntegrityError:  # registered by a twin process meanwhile
                    conn.execute(outbox_consumers.update().where(outbox_consumers.c.name == name)
                                 .values(last_seq=seq, heartbeat=now))

    def consumers(self) -> list[tuple[str, int, float]]:
        """Every registered consumer as ``(name, last_seq, heartbeat)``."""
        with self.engine.connect() as conn:
            return [(r.name, r.last_seq, r.heartbeat)
                    for r in conn.execute(sa.select(outbox_consumers).order_by(outbox_consumers.c.name))]

    def forget_consumer(self, name: str) -> None:
        """Unregister a consumer that is gone for good, so the outbox can be pruned past it."""
        with self.transaction() as conn:
            conn.execute(outbox_consumers.delete().where(outbox_consumers.c.name == name))

    def prune_outbox(self) -> int:
        """Delete the rows every registered consumer has passed; return how many."""
        with self.transaction() as conn:
            low = conn.execute(sa.select(sa.func.min(outbox_consumers.c.last_seq))).scalar()
            if low is None:
                return 0
            return conn.execute(outbox.delete().where(outbox.c.seq <= low)).rowcount
