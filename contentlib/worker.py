"""The worker: claims jobs from the database and runs them (``contentlib worker``, or a thread of ``serve``)."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from . import attachments, books, lightvideo
from .bundles.offline import BUNDLE
from .crosslang import reach
from .jobs import DERIVE, Job, worker_name

log = logging.getLogger(__name__)
SCAN_EVERY = 60.0  # seconds between looks for files that still need derived copies
SWEEP_EVERY = 3600.0  # seconds between sweeps of the media store's temporary files


def run_job(library, job: Job) -> None:
    """Do one job; unknown kinds are refused so a newer server's jobs are not lost by an older worker."""
    if job.kind == DERIVE:
        try:
            attachments.finish_work(library.store, library.media, job.key, library.limits)
            lightvideo.finish_light(library.store, library.media, job.key)  # after the poster: needs renditions
            books.finish_books(library.store, library.media, job.key, library.limits)  # the reader's pages
        except LookupError:  # the work was deleted meanwhile
            pass
        return
    handler = HANDLERS.get(job.kind)
    if handler is None:
        raise LookupError(f"no handler for jobs of kind {job.kind!r}")
    handler(library, job)


def _bundle(library, job: Job) -> None:
    library.build_offline(job.key)


def _lexicon(library, job: Job) -> None:
    library.build_lexicon()


# Each job kind but ``derive`` and what runs it: ``handler(library, job)``.
HANDLERS: dict = {BUNDLE: _bundle, reach.LEXICON: _lexicon}


def run_once(library, name: str | None = None, limit: int = 100) -> int:
    """Claim and run waiting jobs until none is left (or ``limit`` were run); return how many ran."""
    name = name or worker_name()
    done = 0
    while done < limit:
        claimed = library.jobs.claim(name, limit=1)
        if not claimed:
            return done
        for job in claimed:
            try:
                run_job(library, job)
            except Exception as exc:
                log.error("job %s %s:%s failed\n%s", job.id, job.kind, job.key, traceback.format_exc())
                library.jobs.failed(job, f"{type(exc).__name__}: {exc}")
            else:
                library.jobs.done(job)
            done += 1
    return done


def loop(library, stop: threading.Event, interval: float = 1.0, name: str | None = None) -> None:
    """Run jobs until ``stop`` is set, polling the table every ``interval`` seconds when idle."""
    name = name or worker_name()
    log.info("worker %s started", name)
    last_scan, last_sweep = time.monotonic(), 0.0
    while not stop.is_set():
        try:
            if time.monotonic() - last_scan >= SCAN_EVERY:  # videos another process imported get light copies
                for work_id in lightvideo.pending_work_ids(library.store):
                    library.jobs.put(work_id)
                if reach.stale(library.store):  # enough new bilingual works: learn the lexicon again
                    library.jobs.put("all", reach.LEXICON)
                last_scan = time.monotonic()
            if time.monotonic() - last_sweep >= SWEEP_EVERY:  # staged uploads and imports a crash left behind
                library.media.sweep_temp()
                last_sweep = time.monotonic()
            ran = run_once(library, name)
        except Exception:  # the database went away for a moment: keep going
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
    while True:
        try:
            library.apply_pending()
        except Exception:  # the database or the disk hiccuped: retry on the next pass
            log.exception("applying the outbox failed")
        if stop.wait(interval):
            return


def start(library, jobs: bool = True, interval: float = 0.5, jobs_interval: float = 2.0) -> threading.Event:
    """Start the applier (and, with ``jobs``, a job runner) as daemon threads; set the event to stop them."""
    stop = threading.Event()
    threads = [threading.Thread(target=follow_outbox, args=(library, stop, interval), name="contentlib-applier",
                                daemon=True)]
    if jobs:
        threads.append(threading.Thread(target=loop, args=(library, stop, jobs_interval), name="contentlib-jobs",
                                        daemon=True))
    for thread in threads:
        thread.start()
    stop.threads = threads
    return stop
