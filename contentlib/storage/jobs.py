"""The rows of the job queue; ``contentlib.jobs`` holds its rules (states, staleness, attempts)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..tables import jobs
from .base import Base


class JobsStore(Base):

    def put_job(self, kind: str, key: str, state: str, now: float) -> None:
        """Insert a job unless one of the same kind and key is already in ``state``."""
        with self.engine.begin() as conn:
            waiting = conn.execute(sa.select(jobs.c.id).where(
                jobs.c.kind == kind, jobs.c.key == key, jobs.c.state == state).limit(1)).first()
            if waiting is None:
                conn.execute(jobs.insert().values(kind=kind, key=key, state=state, attempts=0, created_at=now))

    def claim_jobs(self, token: str, limit: int, kinds, now: float, waiting: str, running: str,
                   stale_before: float, stopping: tuple[str, str] | None = None) -> Sequence[sa.Row]:
        """Hand up to ``limit`` waiting jobs to ``token`` (no other claimer gets them) and return their rows.

        Running jobs claimed before ``stale_before`` wait again first (their worker died); with
        ``stopping`` = (cancelling, cancelled), such a job asked to stop is marked stopped instead.
        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite one ``UPDATE`` under its single write lock.
        """
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.state == running, jobs.c.claimed_at < stale_before)
                         .values(state=waiting))
            if stopping:
                conn.execute(jobs.update().where(jobs.c.state == stopping[0], jobs.c.claimed_at < stale_before)
                             .values(state=stopping[1], error="cancelled: its worker stopped before it did"))
            pick = sa.select(jobs.c.id).where(jobs.c.state == waiting)
            if kinds:
                pick = pick.where(jobs.c.kind.in_(list(kinds)))
            pick = pick.order_by(jobs.c.id).limit(limit).with_for_update(skip_locked=True)
            if conn.dialect.name == "postgresql":
                ids: Sequence[int] = conn.execute(pick).scalars().all()
                where = jobs.c.id.in_(ids) if ids else sa.false()
            else:
                where = jobs.c.id.in_(pick.scalar_subquery())
            conn.execute(jobs.update().where(where, jobs.c.state == waiting).values(
                state=running, claimed_by=token, claimed_at=now, attempts=jobs.c.attempts + 1))
            return conn.execute(sa.select(jobs).where(jobs.c.claimed_by == token, jobs.c.state == running)
                                .order_by(jobs.c.id)).all()

    def delete_job(self, job_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(jobs.delete().where(jobs.c.id == job_id))

    def release_job(self, job_id: int, waiting: str, running: str) -> None:
        """Make a running job wait again, taking back the attempt its claim counted."""
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == running).values(
                state=waiting, claimed_by=None, attempts=sa.func.max(jobs.c.attempts - 1, 0)
                if conn.dialect.name == "sqlite" else sa.func.greatest(jobs.c.attempts - 1, 0)))

    def set_job_state(self, job_id: int, state: str, error: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id).values(state=state, error=error))

    def job_counts(self) -> dict[str, int]:
        """How many jobs are in each state."""
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)).all())

    def job_rows(self, limit: int) -> Sequence[sa.Row]:
        """The newest ``limit`` jobs, every column (the admin's jobs page)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit)).all()

    def job_state(self, job_id: int) -> str | None:
        """A job's state, None when there is no such job (it finished)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(jobs.c.state).where(jobs.c.id == job_id)).scalar()

    def request_job_cancel(self, job_id: int, waiting: tuple, running: str, stopping: str,
                           stopped: str) -> str | None:
        """Stop a job: one in ``waiting`` states is ``stopped`` now, one ``running`` becomes ``stopping``.

        Return its state afterwards (None: no such job). One ``UPDATE`` each, so a claim in between
        either sees the job stopped or claims it first (and its worker then reads ``stopping``).
        """
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state.in_(list(waiting)))
                         .values(state=stopped, error="cancelled"))
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.state == running).values(state=stopping))
            return conn.execute(sa.select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
