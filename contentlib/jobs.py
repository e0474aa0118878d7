"""Background jobs in the database, so any number of workers on any machine share them.

A job is a ``kind`` (``derive``: a work's derived files and cover card; other
features add theirs) and a ``key`` (a work id ...). ``claim`` hands each job to
one worker: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and on SQLite one
``UPDATE`` statement, which holds the database's single write lock while it
picks (one claimer at a time). A job whose worker died is handed out again
after ``STALE`` seconds (or, when it was asked to stop, marked cancelled); one that keeps
failing stops after ``MAX_ATTEMPTS``.
A job can be cancelled (``cancel``): a waiting one at once, a running one by its
worker at the job's next check (``contentlib.longwork``), leaving what it wrote as it was.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass

from .errors import NotFound

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
# A running job someone asked to stop (its worker reads it at the job's next check), and one stopped.
CANCELLING, CANCELLED = "cancelling", "cancelled"
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
        self.store.put_job(kind, key, QUEUED, time.time())

    def claim(self, worker: str, limit: int = 1, kinds=None, now: float | None = None) -> list[Job]:
        """Take up to ``limit`` waiting jobs for ``worker``; no other claimer gets them."""
        now = time.time() if now is None else now
        token = f"{worker}#{uuid.uuid4().hex[:8]}"[-100:]
        rows = self.store.claim_jobs(token, limit, kinds, now, QUEUED, RUNNING, now - STALE, (CANCELLING, CANCELLED))
        return [Job(r.id, r.kind, r.key, r.attempts) for r in rows]

    def done(self, job: Job) -> None:
        self.store.delete_job(job.id)

    def release(self, job: Job) -> None:
        """Hand a claimed job back, its attempt not counted (the database or the disk failed, not the job)."""
        self.store.release_job(job.id, QUEUED, RUNNING)

    def failed(self, job: Job, error: str) -> None:
        """Record a failure: queued again, or given up after ``MAX_ATTEMPTS``."""
        state = FAILED if job.attempts >= MAX_ATTEMPTS else QUEUED
        self.store.set_job_state(job.id, state, error[:2000])

    def cancel(self, job_id: int) -> str:
        """Ask a job to stop; return its state now (``cancelled``, or ``cancelling`` while its worker stops).

        :raises NotFound: for a job that does not exist (any more: a finished job leaves the table).
        """
        state = self.store.request_job_cancel(job_id, (QUEUED, FAILED), RUNNING, CANCELLING, CANCELLED)
        if state is None:
            raise NotFound(f"no job {job_id}")
        return state

    def cancel_requested(self, job: Job) -> bool:
        """Whether someone asked this running job to stop (what its worker's task reads)."""
        return self.store.job_state(job.id) == CANCELLING

    def cancelled(self, job: Job) -> None:
        """Record that a job stopped on request (kept, so the admin sees it; never claimed again)."""
        self.store.set_job_state(job.id, CANCELLED, "cancelled")

    def recent(self, limit: int = 200) -> list:
        """The newest jobs, as rows with ``id kind key state attempts created_at claimed_by claimed_at error``."""
        return self.store.job_rows(limit)

    def counts(self) -> dict[str, int]:
        """How many jobs are queued, running and failed."""
        found = self.store.job_counts()
        return {state: found.get(state, 0) for state in (QUEUED, RUNNING, FAILED)}

    def __len__(self) -> int:
        return self.counts()[QUEUED]
