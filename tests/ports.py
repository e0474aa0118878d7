"""Free loopback ports for the servers tests start, a separate range for each pytest-xdist worker.

``bind(0)`` then close hands out a port the kernel may give to the next caller too; with
several workers starting servers at once, two could race for it. Each worker (``gw0``,
``gw1``, …) takes ports from its own block below the kernel's ephemeral range (32768+),
so workers never race each other, and a port still in use is skipped.
"""

from __future__ import annotations

import itertools
import os
import random
import socket

BLOCK = 500
FIRST = 20000  # blocks 20000-20499 (no xdist), 20500-20999 (gw0), … below 32768


def _block_start() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
    return FIRST + (index % 25) * BLOCK


# Two pytest runs on one machine (two checkouts) should not walk the same ports in step.
_offsets = itertools.count(random.randrange(BLOCK))


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now, from this worker's block."""
    start = _block_start()
    for _ in range(BLOCK):
        port = start + next(_offsets) % BLOCK
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{start + BLOCK - 1}")
