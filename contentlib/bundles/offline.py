""""Take offline": bundles built by a worker (a job of kind ``bundle`` in the jobs table), then downloaded.

A request writes ``<token>.request.json`` (who asked, the chosen works, the
selection, light or not) and ``<token>.json`` (its state, rewritten atomically
as it goes: queued, running with bytes done, done, failed), then queues the job.
Any worker, in ``contentlib worker`` or in a serving process, claims the job and
writes ``<token>.zip``. The folder lives in the media store's shared directory
(``<media>/.offline``), so every server and worker sees the same files.

The same person asking again for the same selection while a bundle is still
queued or being built gets that job back, not a second one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..paths import inside
from ..selection import Selection

#: The job kind in the jobs table.
BUNDLE = "bundle"
TOKEN_BYTES = 18
#: What ``secrets.token_urlsafe`` makes (ASCII only: ``str.isalnum`` takes ``²`` and Tibetan letters too).
TOKEN = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
#: Finished bundles are kept this long (seconds) for their download, then removed.
KEEP = 2 * 24 * 3600
PENDING = ("queued", "running")


class OfflineJobs:
    """The "Take offline" bundles under ``folder``, queued on ``queue`` (a ``jobs.JobQueue``)."""

    def __init__(self, folder, queue):
        self.folder = Path(folder)
        self.queue = queue

    # -- files ----------------------------------------------------------------

    def _state_path(self, token: str) -> Path:
        """The job's state file; a token that is not one we make (``token_urlsafe``) raises ValueError."""
        if not isinstance(token, str) or not TOKEN.match(token):
            raise ValueError("bad token")
        return inside(self.folder, f"{token}.json")

    def zip_path(self, token: str) -> Path:
        return self._state_path(token).with_suffix(".zip")

    def _request_path(self, token: str) -> Path:
        return self._state_path(token).with_suffix(".request.json")

    def _write(self, path: Path, data: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self, path: Path) -> dict | None:
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    @contextmanager
    def _locked(self):
        """One request at a time looks for a pending twin and queues (across processes)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- the request side -------------------------------------------------------

    def request(self, owner: str, ids: list[str], selection: Selection, light: bool = False) -> str:
        """Queue the bundle of ``ids`` for ``owner``; return its token (a pending twin's, if there is one)."""
        fingerprint = hashlib.sha256(json.dumps([owner, ids, selection.as_dict(), bool(light)],
                                                sort_keys=True).encode()).hexdigest()
        with self._locked():
            self.sweep()
            for path in self.folder.glob("*.request.json"):
                token = path.name[:-len(".request.json")]
                asked = self._read(path)
                state = self.status(token)
                if asked and state and asked.get("fingerprint") == fingerprint and state["state"] in PENDING:
                    return token
            token = secrets.token_urlsafe(TOKEN_BYTES)
            self._write(self._request_path(token), {"owner": owner, "ids": ids, "selection": selection.as_dict(),
                                                    "light": bool(light), "fingerprint": fingerprint})
            self._write(self._state_path(token), {"state": "queued", "owner": owner, "works": len(ids), "done": 0,
                                                  "total": 0, "requested": time.time()})
            self.queue.put(token, kind=BUNDLE)
        return token

    def status(self, token: str) -> dict | None:
        """The job's state: ``state`` (queued, running, done, failed), ``owner``, ``works``, ``done``/``total`` bytes.

        A build whose process died (on this host) shows as queued again: the job
        table hands it to a worker once more.
        """
        try:
            state = self._read(self._state_path(token))
        except ValueError:  # not a token: never a path outside the folder
            return None
        if state is None:
            return None
        if state["state"] == "running" and state.get("host") == socket.gethostname() and not _alive(state.get("pid")):
            state.update(state="queued", done=0, total=0)
        return state

    # -- the worker side ----------------------------------------------------------

    def build(self, token: str, make) -> None:
        """Build one bundle: ``make(ids, selection, light, out_path, progress)`` returns ``(plan, manifest)``.

        A failure is recorded for the person who asked (they may ask again); it is not retried.
        """
        asked = self._read(self._request_path(token))
        state = self._read(self._state_path(token))
        if asked is None or state is None or state["state"] == "done":
            return  # swept meanwhile, or built by a worker that died just after
        state.update(state="running", host=socket.gethostname(), pid=os.getpid(), started=time.time())
        self._write(self._state_path(token), state)
        last = [0.0]

        def progress(done, total, *_):
            if time.monotonic() - last[0] >= 0.5 or done >= total:
                last[0] = time.monotonic()
                self._write(self._state_path(token), {**state, "done": done, "total": total})

        try:
            _, manifest = make(asked["ids"], Selection(**asked["selection"]), asked["light"],
                               self.zip_path(token), progress)
            size = self.zip_path(token).stat().st_size
            self._write(self._state_path(token), {**state, "state": "done", "done": size, "total": size,
                                                  "size": size, "bundle_id": manifest["bundle_id"]})
        except Exception as exc:  # noqa: BLE001 - any failure is shown to the person who asked
            self._write(self._state_path(token), {**state, "state": "failed", "error": str(exc)[:300]})

    def sweep(self, older_than: float = KEEP) -> int:
        """Remove jobs (request, state and bundle) older than ``older_than`` seconds; return how many files went."""
        cutoff, removed = time.time() - older_than, 0
        for path in self.folder.glob("*"):
            try:
                if path.name != ".lock" and path.stat().st_mtime < cutoff and path.suffix in (".json", ".zip", ".part"):
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


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
