""""Take offline": bundles built in the background for a teacher, then downloaded.

Each job is two files in one folder: ``<token>.json`` (its state, rewritten
atomically as it goes) and, when done, ``<token>.zip``. A job a crash cut short
is reported as failed, never as ready.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

TOKEN_BYTES = 18
#: Finished bundles are kept this long (seconds) for their download, then removed.
KEEP = 2 * 24 * 3600


class OfflineJobs:
    """Bundle-building jobs under ``folder``, each run in its own thread."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._threads: dict[str, threading.Thread] = {}

    def _state_path(self, token: str) -> Path:
        if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 64:
            raise ValueError("bad token")
        return self.folder / f"{token}.json"

    def zip_path(self, token: str) -> Path:
        return self._state_path(token).with_suffix(".zip")

    def _write(self, token: str, state: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(tmp, self._state_path(token))

    def status(self, token: str) -> dict | None:
        """The job's state: ``state`` (running, done, failed), ``owner``, ``done``/``total`` bytes, ..."""
        try:
            state = json.loads(self._state_path(token).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if state["state"] == "running" and not _alive(state.get("pid")):
            state.update(state="failed", error="interrupted")  # the process building it is gone
        return state

    def start(self, owner: str, works: int, build) -> str:
        """Run ``build(out_path, progress)`` in a thread; return the job's token.

        ``progress(done, total, name)`` is what ``export.write`` calls.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        state = {"state": "running", "owner": owner, "works": works, "done": 0, "total": 0, "started": time.time(),
                 "pid": os.getpid()}
        self._write(token, state)
        last = [0.0]

        def progress(done, total, _name=None):
            if time.monotonic() - last[0] >= 0.5 or done >= total:
                last[0] = time.monotonic()
                self._write(token, {**state, "done": done, "total": total})

        def run():
            try:
                _, manifest = build(self.zip_path(token), progress)
                size = self.zip_path(token).stat().st_size
                self._write(token, {**state, "state": "done", "done": size, "total": size, "size": size,
                                    "bundle_id": manifest["bundle_id"]})
            except Exception as exc:  # noqa: BLE001 - any failure is shown to the teacher
                self._write(token, {**state, "state": "failed", "error": str(exc)[:300]})
            finally:
                self._threads.pop(token, None)

        thread = threading.Thread(target=run, name=f"offline-{token[:6]}", daemon=True)
        self._threads[token] = thread
        thread.start()
        return token

    def sweep(self, older_than: float = KEEP) -> int:
        """Remove jobs (state and bundle) older than ``older_than`` seconds; return how many files went."""
        cutoff, removed = time.time() - older_than, 0
        for path in self.folder.glob("*"):
            try:
                if path.stat().st_mtime < cutoff and path.suffix in (".json", ".zip", ".part", ""):
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def wait(self, token: str, timeout: float | None = None) -> None:
        thread = self._threads.get(token)
        if thread is not None:
            thread.join(timeout)


def _alive(pid) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
