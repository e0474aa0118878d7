"""The store, the search index, the media store and the background workers, one set per app."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from contentlib import attachments, indexing, lightvideo
from contentlib.media import Limits, MediaStore
from contentlib.search import SearchIndex
from contentlib.store import Store


class JobQueue:
    """Work ids waiting for derived files, each queued once however often pages ask."""

    def __init__(self):
        self._queue: queue.Queue[str] = queue.Queue()
        self._waiting: set[str] = set()
        self._lock = threading.Lock()

    def put(self, work_id: str) -> None:
        with self._lock:
            if work_id in self._waiting:
                return
            self._waiting.add(work_id)
        self._queue.put(work_id)

    def get_nowait(self) -> str:
        work_id = self._queue.get_nowait()
        with self._lock:
            self._waiting.discard(work_id)
        return work_id


@dataclass
class Resources:
    store: Store
    index: SearchIndex
    index_dir: Path
    media: MediaStore
    db_url: str
    limits: Limits = field(default_factory=Limits)
    derived_jobs: "JobQueue" = field(default_factory=lambda: JobQueue())

    @property
    def ingest(self):
        return attachments.ingester(self.media, self.limits)

    def media_path(self, sha256: str) -> Path:
        return self.media.path(sha256)

    def finish_import(self, work_ids, cards: bool = False) -> int:
        """Make the derived files of imported works before the batch ends; return how many changed."""
        return attachments.finish_works(self.store, self.media, self.db_url, work_ids, self.limits, cards=cards)

    def sync(self) -> int:
        """Apply pending changes to the index now (waiting for the writer lock)."""
        return indexing.drain(self.store, self.index, self.index_dir)

    def rebuild_in_background(self) -> None:
        """Start a rebuild unless one is running (the lock tells)."""
        def run():
            with indexing.writer_lock(self.index_dir, blocking=False) as got:
                if got:
                    indexing.rebuild(self.store, self.index, self.index_dir, locked=True)
        threading.Thread(target=run, name="contentlib-rebuild", daemon=True).start()

    def run_derived_jobs(self) -> int:
        """Do every queued derived-file job now (the worker thread's loop body)."""
        done = 0
        while True:
            try:
                work_id = self.derived_jobs.get_nowait()
            except queue.Empty:
                return done
            try:
                attachments.finish_work(self.store, self.media, work_id, self.limits)
                lightvideo.finish_light(self.store, self.media, work_id)  # after the poster: needs renditions
            except LookupError:  # the work was deleted meanwhile
                pass
            done += 1


def init_app(app) -> None:
    index_dir = Path(app.config["CONTENTLIB_INDEX_DIR"])
    store = Store.from_url(app.config["CONTENTLIB_DATABASE_URL"])
    app.extensions["contentlib"] = Resources(store, SearchIndex(index_dir), index_dir,
                                             MediaStore(app.config["CONTENTLIB_MEDIA_DIR"]),
                                             app.config["CONTENTLIB_DATABASE_URL"],
                                             Limits(**app.config["CONTENTLIB_MEDIA_LIMITS"]))


def get() -> Resources:
    return current_app.extensions["contentlib"]


def get_store() -> Store:
    return get().store


def changed(work_ids=()) -> None:
    """Tell the index and the media worker that works changed."""
    for work_id in work_ids:
        get().derived_jobs.put(work_id)
    if current_app.config["CONTENTLIB_INDEX_SYNC"]:
        get().sync()


def start_workers(app, interval: float = 2.0) -> threading.Thread:
    """Drain the search outbox and make derived files in a daemon thread (for the WSGI server)."""
    res: Resources = app.extensions["contentlib"]
    stop = threading.Event()

    def loop():
        for work in res.store.iter_works(public=False):  # catch up on files a crash left unfinished
            if attachments.pending_renditions(work) or lightvideo.pending_positions(work):
                res.derived_jobs.put(work.id)
        passes = 0
        while not stop.wait(interval):
            passes += 1
            try:
                if passes % 30 == 0:  # videos imported by another process (a CLI or bundle import) get light copies
                    for work_id in lightvideo.pending_work_ids(res.store):
                        res.derived_jobs.put(work_id)
                indexing.drain(res.store, res.index, res.index_dir, blocking=False)
                res.run_derived_jobs()
            except Exception:  # keep the thread alive; the next pass retries
                app.logger.exception("background pass failed")

    thread = threading.Thread(target=loop, name="contentlib-worker", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
