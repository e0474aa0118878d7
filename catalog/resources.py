"""The store, the search index and the indexer thread, one set per app."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from contentlib import indexing
from contentlib.search import SearchIndex
from contentlib.store import Store


@dataclass
class Resources:
    store: Store
    index: SearchIndex
    index_dir: Path
    media_dir: Path

    # Media: until the media store lands, imports carrying files are refused line by line.
    ingest = None

    def media_path(self, sha256: str) -> Path:
        return self.media_dir / sha256[:2] / sha256[2:4] / sha256

    def finish_import(self, work_ids) -> None:
        """Finish what an import leaves to do (derived media files) before the batch ends."""

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


def init_app(app) -> None:
    index_dir = Path(app.config["CONTENTLIB_INDEX_DIR"])
    store = Store.from_url(app.config["CONTENTLIB_DATABASE_URL"])
    app.extensions["contentlib"] = Resources(store, SearchIndex(index_dir), index_dir,
                                             Path(app.config["CONTENTLIB_MEDIA_DIR"]))


def get() -> Resources:
    return current_app.extensions["contentlib"]


def get_store() -> Store:
    return get().store


def changed() -> None:
    """Tell the index that works changed: drain now when configured to, else the indexer thread will."""
    if current_app.config["CONTENTLIB_INDEX_SYNC"]:
        get().sync()


def start_indexer(app, interval: float = 2.0) -> threading.Thread:
    """Drain the outbox every few seconds in a daemon thread (for the WSGI server)."""
    res: Resources = app.extensions["contentlib"]
    stop = threading.Event()

    def loop():
        while not stop.wait(interval):
            try:
                indexing.drain(res.store, res.index, res.index_dir, blocking=False)
            except Exception:  # keep the thread alive; the next pass retries
                app.logger.exception("indexer pass failed")

    thread = threading.Thread(target=loop, name="contentlib-indexer", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
