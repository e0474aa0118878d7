"""Background jobs in the database, so any number of workers on any machine share them.

A job is a ``kind`` (``derive``: a work's derived files and cover card; other
features add theirs) and a ``key`` (a work id ...). ``claim`` hands each job to
one worker: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and on SQLite one
``UPDATE`` statement, which holds the database's single write lock while it
picks (one claimer at a time). A job whose worker died is handed out again
after ``STALE`` seconds; one that keeps failing stops after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from .tables import jobs

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
STALE = 15 * 60.0
MAX_ATTEMPTS = 3
DERIVE = "derive"


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str
    attempts: int


def worker_name() -> str:
    """A name for this process among the claimers (host, pid and a random part)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[-100:]


class JobQueue:
    """The job table of one store."""

    def __init__(self, store):
        self.store = store

    def put(self, key: str, kind: str = DERIVE) -> None:
        """Queue a job unless the same one is already waiting."""
        with self.store.transaction() as conn:
            waiting = conn.execute(sa.select(jobs.c.id).where(
                jobs.c.kind == kind, jobs.c.key == key, jobs.c.state == QUEUED).limit(1)).first()
            if waiting is None:
                conn.execute(jobs.insert().values(kind=kind, key=key, state=QUEUED, attempts=0,
                                                  created_at=time.time()))

    def claim(self, worker: str, limit: int = 1, kinds=None, now: float | None = None) -> list[Job]:
        """Take up to ``limit`` waiting jobs for ``worker``; no other claimer gets them."""
        now = time.time() if now is None else now
        token = f"{worker}#{uuid.uuid4().hex[:8]}"[-100:]
        with self.store.transaction() as conn:
            conn.execute(jobs.update().where(jobs.c.state == RUNNING, jobs.c.claimed_at < now - STALE)
                         .values(state=QUEUED))  # their worker died
            pick = sa.select(jobs.c.id).where(jobs.c.state == QUEUED)
            if kinds:
                pick = pick.where(jobs.c.kind.in_(list(kinds)))
            pick = pick.order_by(jobs.c.id).limit(limit).with_for_update(skip_locked=True)
            if conn.dialect.name == "postgresql":
                ids = conn.execute(pick).scalars().all()
                where = jobs.c.id.in_(ids) if ids else sa.false()
            else:
                where = jobs.c.id.in_(pick.scalar_subquery())
            conn.execute(jobs.update().where(where, jobs.c.state == QUEUED).values(
                state=RUNNING, claimed_by=token, claimed_at=now, attempts=jobs.c.attempts + 1))
            rows = conn.execute(sa.select(jobs).where(jobs.c.claimed_by == token, jobs.c.state == RUNNING)
                                .order_by(jobs.c.id)).all()
        return [Job(r.id, r.kind, r.key, r.attempts) for r in rows]

    def done(self, job: Job) -> None:
        with self.store.transaction() as conn:
            conn.execute(jobs.delete().where(jobs.c.id == job.id))

    def failed(self, job: Job, error: str) -> None:
        """Record a failure: queued again, or given up after ``MAX_ATTEMPTS``."""
        state = FAILED if job.attempts >= MAX_ATTEMPTS else QUEUED
        with self.store.transaction() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job.id).values(state=state, error=error[:2000]))

    def counts(self) -> dict[str, int]:
        """How many jobs are queued, running and failed."""
        with self.store.engine.connect() as conn:
            found = dict(conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all())
        return {state: found.get(state, 0) for state in (QUEUED, RUNNING, FAILED)}

    def __len__(self) -> int:
        return self.counts()[QUEUED]
