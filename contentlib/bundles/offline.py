""""Take offline": bundles built by a worker (a job of kind ``bundle`` in the jobs table), then downloaded.

A request writes ``<token>.request.json`` (who asked, the chosen works, the
selection, light or not) and ``<token>.json`` (its state, rewritten atomically
as it goes: queued, running with bytes done, done, failed), then queues the job.
Any worker, in ``contentlib worker`` or in a serving process, claims the job and
writes ``<token>.zip``. The folder lives in the media store's shared directory
(``<media>/.offline``), so every server and worker sees the same files.

Limits (``OfflineLimits``), so one teacher cannot fill the disk: a person has
at most ``pending`` bundles queued or being built and makes at most ``daily``
new ones in 24 hours; over either, ``OverLimit`` is raised before anything is
written. Anyone asking for a bundle that is pending, or finished and still
kept, gets that job back (it becomes theirs too) and uses no quota: two
requests are the same bundle when they choose the same works with the same
selection and lightness at the same catalog generation (``selection_key``), so
a change to the catalog makes the next request build afresh. The folder is
capped at ``max_bytes``: before a bundle is written, and after, the oldest
finished bundles are removed (their state says ``removed``) until it fits; a
bundle larger than the whole cap fails.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..errors import BadParameter, OverLimit
from ..longwork import NULL, Cancelled, Task
from ..paths import inside
from ..selection import FILTERS, Selection

#: The job kind in the jobs table.
BUNDLE = "bundle"
#: What "Take offline" makes: a folder for any browser (``siteexport``), a ZIM for Kiwix, a signed bundle.
FORMS = ("site", "zim", "bundle")
TOKEN_BYTES = 18
#: What ``secrets.token_urlsafe`` makes (ASCII only: ``str.isalnum`` takes ``²`` and Tibetan letters too).
TOKEN = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
#: Finished bundles are kept this long (seconds) for their download, then removed.
KEEP = 2 * 24 * 3600
DAY = 24 * 3600
SWEEP_EVERY = 600  # seconds between sweeps of old jobs by requests
PENDING = ("queued", "running")
#: A finished bundle whose file went to make room for newer ones.
REMOVED = "removed"


@dataclass(frozen=True)
class OfflineLimits:
    """What "Take offline" allows (``CONTENTLIB_OFFLINE_PENDING``, ``_DAILY``, ``_MAX_BYTES``).

    :param pending: bundles one person may have queued or being built at once.
    :param daily: new bundles one person may ask for in 24 hours (served-again ones are free).
    :param max_bytes: the whole offline folder; the oldest finished bundles go first to keep under it.
    """

    pending: int = 3
    daily: int = 20
    max_bytes: int = 5 * 2 ** 30


class BundleTooLarge(Exception):
    """The bundle alone is larger than the offline store's cap."""


def selection_key(ids, selection: Selection, light: bool, generation: int, form: str = BUNDLE) -> str:
    """What makes two requests the same file: works, selection (codes in any order), light, catalog generation, form."""
    chosen = selection.as_dict()
    for name in FILTERS:
        if name in chosen:
            chosen[name] = sorted(chosen[name])
    if "q" in chosen:
        chosen["q"] = " ".join(chosen["q"].split())
    data = [list(ids), chosen, bool(light), int(generation)] + ([form] if form != BUNDLE else [])
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class OfflineJobs:
    """The "Take offline" bundles under ``folder``, queued on ``queue`` (a ``jobs.JobQueue``), within ``limits``."""

    def __init__(self, folder, queue, limits: OfflineLimits | None = None):
        self.folder = Path(folder)
        self.queue = queue
        self.limits = limits or OfflineLimits()

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
        atomic.write_text(path, json.dumps(data), prefix=".state-")

    def _read(self, path: Path) -> dict | None:
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def _rewrite(self, path: Path, changes: dict) -> None:
        """The state at ``path`` with ``changes`` over it (one that can no longer be read stays as it is)."""
        state = self._read(path)
        if state is not None:
            self._write(path, {**state, **changes})

    @contextmanager
    def _locked(self):
        """One caller at a time (across processes) looks for a twin, counts against limits, queues or makes room."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- the request side -------------------------------------------------------

    def _jobs(self):
        """Every job as ``(token, state)``: one small file read each (the state carries the request's key)."""
        with os.scandir(self.folder) as entries:
            names = [e.name for e in entries if e.name.endswith(".json") and not e.name.endswith(".request.json")]
        for name in names:
            token = name[:-len(".json")]
            state = self.status(token)
            if state is not None:
                yield token, state

    def _servable(self, token: str, state: dict) -> bool:
        if state["state"] in PENDING:
            return True
        return state["state"] == "done" and state.get("reusable", True) and self.zip_path(token).is_file()

    def request(self, owner: str, ids: list[str], selection: Selection, light: bool = False,
                generation: int = 0, form: str = BUNDLE) -> str:
        """Queue the bundle of ``ids`` for ``owner``; return its token.

        The same bundle pending or kept (``selection_key``) is handed back instead, to anyone.

        :param generation: the catalog's change marker (``Store.generation``): a new one means new bundles.
        :param form: one of ``FORMS``: what the worker makes of the works.
        :raises BadParameter: for an unknown form.
        :raises OverLimit: when ``owner`` has ``pending`` bundles in the making, or made ``daily`` in 24 hours.
        """
        if form not in FORMS:
            raise BadParameter("form", f"unknown form {form!r}; expected one of {', '.join(FORMS)}")
        key = selection_key(ids, selection, light, generation, form)
        now = time.time()
        with self._locked():
            self._sweep_now_and_then(now)
            pending, today = 0, []
            for token, state in self._jobs():
                if state.get("key") == key and self._servable(token, state):
                    if owner not in state["owners"]:
                        self._rewrite(self._state_path(token), {"owners": state["owners"] + [owner]})
                    return token
                if state["owner"] == owner:
                    pending += state["state"] in PENDING
                    if state.get("requested", 0) > now - DAY:
                        today.append(state["requested"])
            if pending >= self.limits.pending:
                raise OverLimit("pending", self.limits.pending, retry_after=60)
            if len(today) >= self.limits.daily:
                raise OverLimit("daily", self.limits.daily, retry_after=min(today) + DAY - now)
            token = secrets.token_urlsafe(TOKEN_BYTES)
            self._write(self._request_path(token), {"owner": owner, "ids": ids, "selection": selection.as_dict(),
                                                    "light": bool(light), "key": key, "form": form})
            self._write(self._state_path(token), {"state": "queued", "owner": owner, "owners": [owner], "key": key,
                                                  "works": len(ids), "done": 0, "total": 0, "requested": now,
                                                  "form": form})
            self.queue.put(token, kind=BUNDLE)
        return token

    def status(self, token: str) -> dict | None:
        """The job's state: ``state`` (queued, running, done, failed, removed), ``owner`` (who asked first),
        ``owners`` (everyone it was handed to), ``works``, ``done``/``total`` bytes.

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
        state.setdefault("owners", [state["owner"]])
        state.setdefault("form", BUNDLE)
        return state

    # -- the worker side ----------------------------------------------------------

    def build(self, token: str, make, task: Task = NULL) -> None:
        """Build one bundle: ``make(ids, selection, light, out_path, progress, announce)`` returns ``(plan, manifest)``.

        ``progress`` records how far it is and stops at ``task``'s cancel (``Cancelled`` is then raised:
        no bundle is left, the person who asked sees it cancelled).
        ``make`` may also be a dict, form -> such a callable (``FORMS``); the job's form chooses.

        ``make`` calls ``announce(plan)`` before writing; room is made then for ``plan.size`` bytes.
        A failure is recorded for the person who asked (they may ask again); it is not retried.
        """
        asked = self._read(self._request_path(token))
        state = self._read(self._state_path(token))
        if asked is None or state is None or state["state"] in ("done", REMOVED):
            return  # swept meanwhile, or built by a worker that died just after
        state.update(state="running", host=socket.gethostname(), pid=os.getpid(), started=time.time())
        self._write(self._state_path(token), state)
        last = [0.0]

        def progress(done, total, *_):
            if time.monotonic() - last[0] >= 0.5 or done >= total:
                last[0] = time.monotonic()
                with self._locked():  # never undoes a hand-over written meanwhile
                    self._write(self._state_path(token), {**self._current(token, state), "done": done,
                                                          "total": total})
            task(done, total)

        def announce(plan):
            size = int(getattr(plan, "size", 0) or 0)
            self._fits(size)
            with self._locked():
                state["planned"] = size
                self._write(self._state_path(token), {**self._current(token, state), "planned": size})
                self._make_room(token)

        try:
            if isinstance(make, dict):
                make = make[asked.get("form", BUNDLE)]
            plan, manifest = make(asked["ids"], Selection(**asked["selection"]), asked["light"],
                                  self.zip_path(token), progress, announce)
            size = self.zip_path(token).stat().st_size
            self._fits(size)
            with self._locked():
                self._write(self._state_path(token), {
                    **self._current(token, state), "state": "done", "done": size, "total": size, "size": size,
                    "planned": size, "finished": time.time(), "bundle_id": (manifest or {}).get("bundle_id"),
                    # a light bundle made while some videos had no light copy yet is not served again
                    "reusable": not asked["light"] or not getattr(plan, "light_missing", 0)})
                self._make_room(token)
        except Exception as exc:  # noqa: BLE001 - any failure is shown to the person who asked
            self.zip_path(token).unlink(missing_ok=True)
            with self._locked():
                self._write(self._state_path(token), {**self._current(token, state), "state": "failed",
                                                      "error": str(exc)[:300]})
            if isinstance(exc, Cancelled):
                raise

    def _current(self, token: str, fallback: dict) -> dict:
        """The state as written now (others may have been handed the job meanwhile)."""
        return self._read(self._state_path(token)) or fallback

    def _fits(self, size: int) -> None:
        if size > self.limits.max_bytes:
            raise BundleTooLarge(f"the bundle ({_mb(size)}) is larger than the offline store allows "
                                 f"({_mb(self.limits.max_bytes)}); choose fewer works or light videos")

    def _make_room(self, token: str) -> None:
        """Remove the oldest finished bundles but ``token``'s until the folder fits its cap (under the lock).

        A bundle being built counts with its planned size; only finished ones are removed.
        """
        used, finished = 0, []
        for other, state in self._jobs():
            if state["state"] == "done" and self.zip_path(other).is_file():
                size = self.zip_path(other).stat().st_size
                used += size
                if other != token:
                    finished.append((state.get("finished", 0), other, size))
            elif state["state"] == "running":
                used += int(state.get("planned", 0))
        for _, other, size in sorted(finished):
            if used <= self.limits.max_bytes:
                break
            self.zip_path(other).unlink(missing_ok=True)
            self._rewrite(self._state_path(other), {"state": REMOVED, "removed": time.time()})
            used -= size

    def _sweep_now_and_then(self, now: float) -> None:
        """Sweep at most every ``SWEEP_EVERY`` seconds (a marker file's time says when it last ran)."""
        marker = self.folder / ".swept"
        if marker.exists() and _mtime(marker) > now - SWEEP_EVERY:
            return
        self.sweep()
        marker.touch()

    def sweep(self, older_than: float = KEEP) -> int:
        """Remove jobs (request, state and bundle) untouched for ``older_than`` seconds; return how many files went.

        A job goes whole, when its state file (written at every step) is that old; stray files by their own age.
        """
        cutoff, removed = time.time() - older_than, 0
        old_jobs = set()
        for path in self.folder.glob("*.json"):
            if not path.name.endswith(".request.json") and _mtime(path) < cutoff:
                old_jobs.add(path.name[:-len(".json")])
        for path in self.folder.glob("*"):
            if path.name == ".lock" or path.suffix not in (".json", ".zip", ".part"):
                continue
            token = path.name.lstrip(".").split(".", 1)[0]  # a build's temporary file is ".<token>.zip.*.part"
            stray = not (self.folder / f"{token}.json").exists()
            if token in old_jobs or (stray and _mtime(path) < cutoff):
                try:
                    path.unlink()
                    removed += 1
                except FileNotFoundError:
                    continue
        return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _mb(size: int) -> str:
    return f"{size / 2 ** 20:,.1f} MB"


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
