"""A real HTTP server on loopback for the app under test (Werkzeug's threaded server in a thread)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import EVAL_SAMPLE


@contextmanager
def serving(app):
    """Serve ``app`` on 127.0.0.1 at a free port; yield its base URL; stop it afterwards."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # hundreds of requests: keep the test output readable
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()  # waitress has no clean stop from another thread; this one does
        server.server_close()
        thread.join(timeout=10)


def eval_dev_catalog() -> Path:
    """Real works to harvest: tests/data's sample of the eval-dev catalog (shipped, so every clone has it)."""
    return EVAL_SAMPLE
