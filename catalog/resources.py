"""The app's ``Library`` (store, search backend, media, jobs) and its background applier."""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from contentlib import lightvideo
from contentlib.library import Library
from contentlib.store import Store

log = logging.getLogger(__name__)


def init_app(app) -> None:
    app.extensions["contentlib"] = Library.from_settings(app.config)


def get_library() -> Library:
    """The app's Library: every view and command calls its use cases."""
    return current_app.extensions["contentlib"]


get = get_library  # the older name


def get_store() -> Store:
    return get_library().store


def changed(work_ids=()) -> None:
    """Tell the index and the media worker that works changed."""
    get_library().changed(work_ids)


def start_workers(app, interval: float = 0.5, jobs_every: float = 2.0) -> threading.Thread:
    """Follow the outbox into this process's index and make derived files, in a daemon thread."""
    lib: Library = app.extensions["contentlib"]
    stop = threading.Event()

    def loop():
        lib.queue_unfinished()  # catch up on files a crash left unfinished
        last_jobs, last_scan = 0.0, time.monotonic()
        while not stop.wait(interval):
            try:
                lib.apply_pending()
                if time.monotonic() - last_scan >= 60:  # videos another process imported get light copies
                    for work_id in lightvideo.pending_work_ids(lib.store):
                        lib.jobs.put(work_id)
                    last_scan = time.monotonic()
                if time.monotonic() - last_jobs >= jobs_every:
                    lib.run_derived_jobs()
                    last_jobs = time.monotonic()
            except Exception:  # keep the thread alive; the next pass retries
                log.exception("background pass failed")

    thread = threading.Thread(target=loop, name="contentlib-worker", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
