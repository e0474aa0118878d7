"""The app's ``Library`` (store, search backend, media, jobs) and its background threads."""

from __future__ import annotations

import threading

from flask import current_app

from contentlib import backup, worker
from contentlib.library import Library


def init_app(app) -> None:
    backup.sweep(backup.Locations.from_settings(app.config))  # what a killed import or restore left behind
    app.extensions["contentlib"] = Library.from_settings(app.config)


def get_library() -> Library:
    """The app's Library: every view and command calls its use cases."""
    return current_app.extensions["contentlib"]


class Workers:
    """The applier and job threads of one app, stopped together."""

    def __init__(self, stop: threading.Event):
        self.stop = stop

    def join(self, timeout: float | None = None) -> None:
        for thread in self.stop.threads:
            thread.join(timeout)


def start_workers(app, interval: float = 0.5, jobs: bool = True) -> Workers:
    """Follow the outbox into this process's index (and run jobs) in daemon threads."""
    lib: Library = app.extensions["contentlib"]
    lib.index.serving()  # segments are merged by a process of their own, not the applier's thread
    if jobs:
        lib.queue_unfinished()  # catch up on files a crash left unfinished
    workers = Workers(worker.start(lib, jobs=jobs, interval=interval))
    app.extensions["contentlib_workers"] = workers
    return workers


def stop_workers(app, timeout: float = 20.0) -> None:
    """A graceful stop's last steps in one process: the job in hand finishes (within ``timeout`` s), counts are written."""
    workers = app.extensions.pop("contentlib_workers", None)
    if workers is not None:
        worker.stop(app.extensions["contentlib"], workers.stop, timeout)
    counter = app.extensions.get("contentlib_usage")
    if counter is not None:
        counter.stop()
