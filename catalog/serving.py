"""How ``contentlib serve`` runs the app: one process per core where the platform allows.

Python runs one thread at a time per process, so a single server process
leaves every other core idle however many visitors search at once. On
POSIX systems with gunicorn installed, ``serve`` forks ``workers`` processes
(default: one per core) that each answer with ``threads`` threads. The app,
its dictionaries and tables are loaded once before the fork and shared
(copy on write); each process then opens its own database connections and
its own index searcher, which it reopens when the index changes on disk
(a drained edit or a rebuild by any process). Elsewhere, or with
``workers=1``, waitress serves in this one process.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time

from contentlib import heap

# The longest request line served (method, path and query): at least 8 KB, so that a search of
# 500 Tibetan characters (about 4.5 KB percent-encoded) is answered by the app, which refuses a
# longer query with its own JSON 400 (spec/search-api.md). 8190 is the most gunicorn allows;
# its default of 4094 answered such searches with its own HTML 414. waitress has no limit of
# its own on the line: it counts the line in the request's header block, set here as well.
REQUEST_LINE = 8190
HEADER_BLOCK = 256 * 1024  # waitress's default, stated so that it cannot shrink below the line unseen


def default_workers() -> int:
    """One process per core this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Tell whether several processes can share the listening socket here (gunicorn on POSIX)."""
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


GRACE = 30.0  # seconds a stop (SIGTERM) gives the requests in flight and the job in hand


def serve(app, host: str, port: int, threads: int = 8, workers: int | None = None,
          on_start=None, on_stop=None, ident: str = "contentlib") -> None:
    """Serve ``app`` until stopped; ``on_start(app)`` runs in every serving process, ``on_stop(app)`` as each ends.

    SIGTERM (and Ctrl+C) stop gracefully: no new connection is taken, the requests in flight
    are answered (for up to ``GRACE`` seconds), then ``on_stop`` runs and the command exits 0.

    :param workers: processes; None means one per core (1 where forking is not possible).
    """
    workers = default_workers() if workers is None else max(1, workers)
    heap.lean()
    if workers > 1 and can_fork():
        _gunicorn(app, host, port, threads, workers, on_start, on_stop)
        return
    _warm_up(app)
    if on_start is not None:
        on_start(app)
    try:
        _waitress(app, host, port, threads, ident)
    finally:
        if on_stop is not None:
            on_stop(app)


def _waitress(app, host, port, threads, ident, grace: float = GRACE) -> None:
    """Waitress in this process until SIGTERM or SIGINT; then answer what is in flight and close.

    Waitress's own stop ends its loop at once, and the loop is what sends the answers the
    threads wrote; so the loop runs on here: the listening socket is closed, each connection
    is closed once it has nothing in flight, and the loop ends when none is left (or at ``grace``).
    """
    from waitress import wasyncore
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer, create_server

    server = create_server(app, host=host, port=port, threads=threads, ident=ident,
                           max_request_header_size=HEADER_BLOCK)
    sockets = getattr(server, "_map", None) or server.map
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    server.print_listen("Serving on http://{}:{}")
    deadline = None
    try:
        while True:
            wasyncore.loop(timeout=1.0, use_poll=server.adj.asyncore_use_poll, map=sockets, count=1)
            if not stopping.is_set():
                continue
            if deadline is None:
                deadline = time.monotonic() + grace
                for listener in [d for d in sockets.values() if isinstance(d, BaseWSGIServer)]:
                    wasyncore.dispatcher.close(listener)  # no new connections
            channels = [c for c in sockets.values() if isinstance(c, HTTPChannel)]
            for channel in channels:
                if not channel.requests and not channel.total_outbufs_len and channel.request is None:
                    channel.will_close = True  # idle (a kept-alive connection): closed on the next turn
            if not channels or time.monotonic() > deadline:
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(sockets)


def _warm_up(app):
    """Load what every search reads (dictionaries, the lexicon) before the first one; return the library."""
    from contentlib.search import prepare

    lib = app.extensions.get("contentlib")
    if lib is None:
        prepare()
        return None
    try:
        lib.warm_up()
    except Exception:  # noqa: BLE001  searches then read the lexicon from the database: serve anyway
        prepare()
        logging.getLogger(__name__).exception("the lexicon was not loaded at start")
    return lib


def _before_fork(app) -> None:
    """Load what every process reads (dictionaries, the lexicon) and leave open nothing they must not share."""
    lib = _warm_up(app)
    if lib is None:
        return
    lib.store.engine.dispose()
    index = getattr(lib, "index", None)
    if index is not None:
        index.close()
    # Keep the loaded dictionaries out of the collector's reach, so that it
    # does not write to (and so copy) the pages the processes share.
    gc.collect()
    gc.freeze()


def _gunicorn(app, host, port, threads, workers, on_start, on_stop) -> None:
    from gunicorn.app.base import BaseApplication

    _before_fork(app)

    def post_fork(server, worker):
        # Connections made by the parent are not this process's to use.
        app.extensions["contentlib"].store.engine.dispose(close=False)

    def post_worker_init(worker):
        if on_start is not None:
            on_start(app)

    def worker_exit(server, worker):
        # After the worker's loop has answered its requests in flight (within graceful_timeout).
        if on_stop is not None:
            on_stop(app)

    options = {
        "bind": f"{'[' + host + ']' if ':' in host else host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,
        "graceful_timeout": int(GRACE),
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": REQUEST_LINE,
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
