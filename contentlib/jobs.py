"""Background jobs: works waiting for their derived files (renditions, cover cards)."""

from __future__ import annotations

import threading
from collections import deque


class JobQueue:
    """Work ids waiting for derived files, each queued once however often pages ask."""

    def __init__(self):
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()

    def put(self, work_id: str) -> None:
        with self._lock:
            if work_id not in self._queue:
                self._queue.append(work_id)

    def take(self) -> str | None:
        """The next work id, or None when nothing waits."""
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def __len__(self) -> int:
        return len(self._queue)
