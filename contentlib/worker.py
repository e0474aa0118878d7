"""The worker: claims jobs from the database and runs them (``contentlib worker``, or a thread of ``serve``)."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from . import attachments, books, heap, lightvideo
from .bundles.offline import BUNDLE
from .crosslang import reach
from .errors import DatabaseUnavailable, storage_error
from .jobs import DERIVE, Job, worker_name
from .longwork import Cancelled, PolledTask, Task

log = logging.getLogger(__name__)
SCAN_EVERY = 60.0  # seconds between looks for files that still need derived copies
SWEEP_EVERY = 3600.0  # seconds between sweeps of the media store's temporary files
CANCEL_EVERY = 1.0  # seconds between reads of a running job's row for a request to stop
TRIM_EVERY = 30.0  # seconds at least between two returns of the heap's free pages after applied edits


class Waiting:
    """Say once that a loop waits for the database or the disk, and once that it goes on (not every pass)."""

    def __init__(self, who: str):
        self.who = who
        self.since: float | None = None

    def meet(self, exc: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            log.warning("%s waits: %s", self.who, exc)

    def over(self) -> None:
        if self.since is not None:
            log.warning("%s goes on after %.0f s", self.who, time.monotonic() - self.since)
            self.since = None


def job_task(library, job: Job) -> Task:
    """The task a job runs under: its cancel is the job's row marked ``cancelling`` (read at most once a second).

    A read that fails (the database away for a moment) counts as "not asked": the job goes on, and
    meets the fault itself where it writes, where it is handed back rather than failed.
    """
    def asked() -> bool:
        try:
            return library.jobs.cancel_requested(job)
        except Exception:  # noqa: BLE001 - asked again at the next check
            return False

    return PolledTask(asked, every=CANCEL_EVERY)


def run_job(library, job: Job, task: Task | None = None) -> None:
    """Do one job; unknown kinds are refused so a newer server's jobs are not lost by an older worker."""
    task = task if task is not None else job_task(library, job)
    task.check()
    if job.kind == DERIVE:
        try:
            attachments.finish_work(library.store, library.media, job.key, library.limits)
            # after the poster: needs renditions; a cancel stops the encoding, recording nothing
            lightvideo.finish_light(library.store, library.media, job.key, progress=task)
            books.finish_books(library.store, library.media, job.key, library.limits)  # the reader's pages
        except LookupError:  # the work was deleted meanwhile
            pass
        return
    handler = HANDLERS.get(job.kind)
    if handler is None:
        raise LookupError(f"no handler for jobs of kind {job.kind!r}")
    handler(library, job, task)


def _bundle(library, job: Job, task: Task) -> None:
    library.build_offline(job.key, task=task)


def _lexicon(library, job: Job, task: Task) -> None:
    library.build_lexicon(task=task)


# Each job kind but ``derive`` and what runs it: ``handler(library, job, task)``.
HANDLERS: dict = {BUNDLE: _bundle, reach.LEXICON: _lexicon}


def fault(exc: BaseException):
    """The domain error when ``exc`` is the database away or the disk full or read-only (not the job's fault)."""
    return exc if isinstance(exc, DatabaseUnavailable) else storage_error(exc)


def run_once(library, name: str | None = None, limit: int = 100, held: list | None = None,
             stop: threading.Event | None = None, running: list | None = None) -> int:
    """Claim and run waiting jobs until none is left (or ``limit`` were run, or ``stop`` is set); return how many.

    A job that meets the database away or the disk full or read-only did not fail: it is handed
    back, its attempt not counted, and the fault is raised for the caller to wait. When even
    handing it back fails, it goes into ``held`` for the caller to hand back later.
    ``running`` holds the job being run meanwhile (a stopping process hands back one it cannot wait for).
    """
    name = name or worker_name()
    done = 0
    while done < limit and not (stop is not None and stop.is_set()):
        claimed = library.jobs.claim(name, limit=1)
        if not claimed:
            return done
        for job in claimed:
            if running is not None:
                running.append(job)
            try:
                run_job(library, job)
            except Cancelled:
                log.info("job %s %s:%s cancelled", job.id, job.kind, job.key)
                library.jobs.cancelled(job)
            except Exception as exc:
                away = fault(exc)
                if away is not None:
                    _hand_back(library, job, held)
                    raise away from exc
                log.error("job %s %s:%s failed\n%s", job.id, job.kind, job.key, traceback.format_exc())
                library.jobs.failed(job, f"{type(exc).__name__}: {exc}")
            else:
                library.jobs.done(job)
            finally:
                if running is not None:
                    running.remove(job)
            done += 1
    return done


def _hand_back(library, job: Job, held: list | None) -> None:
    try:
        library.jobs.release(job)
    except Exception as exc:
        if held is None or fault(exc) is None:  # the database cannot take it back now: later, by the loop
            raise
        held.append(job)


def release_held(library, held: list) -> None:
    """Hand back the jobs a fault left claimed (the database was away when they stopped)."""
    while held:
        library.jobs.release(held[0])
        held.pop(0)


def loop(library, stop: threading.Event, interval: float = 1.0, name: str | None = None,
         running: list | None = None) -> None:
    """Run jobs until ``stop`` is set (the job in hand is finished first), polling every ``interval`` s when idle."""
    name = name or worker_name()
    log.info("worker %s started", name)
    last_scan, last_sweep = time.monotonic(), 0.0
    held: list[Job] = []
    waiting = Waiting(f"worker {name}")
    while not stop.is_set():
        try:
            release_held(library, held)
            if time.monotonic() - last_scan >= SCAN_EVERY:  # videos another process imported get light copies
                for work_id in lightvideo.pending_work_ids(library.store):
                    library.jobs.put(work_id)
                if reach.stale(library.store):  # enough new bilingual works: learn the lexicon again
                    library.jobs.put("all", reach.LEXICON)
                last_scan = time.monotonic()
            if time.monotonic() - last_sweep >= SWEEP_EVERY:  # staged uploads and imports a crash left behind
                library.media.sweep_temp()
                last_sweep = time.monotonic()
            ran = run_once(library, name, held=held, stop=stop, running=running)
            waiting.over()
        except Exception as exc:  # the database went away, or the disk filled, for a moment: keep going
            if fault(exc) is not None:
                waiting.meet(fault(exc))
            else:
                log.exception("worker pass failed")
            ran = 0
        if not ran:
            stop.wait(interval)
    log.info("worker %s stopped", name)


def follow_outbox(library, stop: threading.Event, interval: float = 0.5) -> None:
    """Keep this node's index in step with the database until ``stop`` is set (the applier).

    The first pass builds the index if it is missing (search answers 503 until
    then); afterwards each pass applies what is past the index's cursor, so the
    lag stays about ``interval`` plus the time to apply.
    """
    waiting = Waiting("the index's applier")
    while True:
        try:
            if library.apply_pending():  # every thread's searcher and its caches are replaced: free pages
                heap.give_back_at_most_every(TRIM_EVERY)
            waiting.over()
        except Exception as exc:  # the database or the disk hiccuped: retry on the next pass
            if fault(exc) is not None:
                waiting.meet(fault(exc))
            else:
                log.exception("applying the outbox failed")
        if stop.wait(interval):
            return


class Started(threading.Event):
    """What ``start`` started: set it to stop them; its ``threads`` and ``running`` (the job in hand) are for ``stop``."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[threading.Thread] = []
        self.running: list = []


def start(library, jobs: bool = True, interval: float = 0.5, jobs_interval: float = 2.0) -> Started:
    """Start the applier (and, with ``jobs``, a job runner) as daemon threads; set the event to stop them.

    The event carries ``threads`` and ``running`` (the job in hand), for ``stop``.
    """
    stop = Started()
    threads = [threading.Thread(target=follow_outbox, args=(library, stop, interval), name="contentlib-applier",
                                daemon=True)]
    if jobs:
        threads.append(threading.Thread(target=loop, args=(library, stop, jobs_interval, None, stop.running),
                                        name="contentlib-jobs", daemon=True))
    for thread in threads:
        thread.start()
    stop.threads = threads
    return stop


def stop(library, started: Started, timeout: float = 20.0) -> bool:
    """Stop what ``start`` started: the job in hand may finish within ``timeout`` s; return whether it did.

    A job still running then is handed back (its attempt not counted), so the next process to
    start takes it up at once rather than after ``STALE``; the index gets one last pass.
    """
    started.set()
    deadline = time.monotonic() + timeout
    for thread in started.threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    finished = not any(t.is_alive() for t in started.threads)
    for job in list(getattr(started, "running", ())):
        log.warning("job %s %s:%s did not finish within %.0f s of the stop: handed back", job.id, job.kind,
                    job.key, timeout)
        try:
            library.jobs.release(job)
        except Exception:  # noqa: BLE001  the database is away: the job waits for STALE instead
            log.exception("could not hand back job %s", job.id)
    try:
        library.apply_pending()
    except Exception as exc:  # noqa: BLE001  the next start catches up
        log.warning("the index's last pass before the stop failed: %s", exc)
    return finished
