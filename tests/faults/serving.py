"""A real ``contentlib serve`` (and the CLI) in a home of the test's own, and plain HTTP to it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .pgcluster import free_port

CLI = str(Path(sys.executable).with_name("contentlib"))
SECRET = "faults-suite-secret-0123456789abcdef"
PASSWORD = "correct horse battery"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float
    started: float = 0.0
    what: str = ""
    extra: dict = field(default_factory=dict)

    def json(self):
        return json.loads(self.body or b"{}")


def request(port: int, method: str, path: str, body=None, headers=None, timeout: float = 60.0) -> Answer:
    """One request on a fresh connection (so any serving process may answer); status 0 if none came."""
    started = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read(),
                      time.time() - started, started)
    except OSError as exc:
        return Answer(0, {}, str(exc).encode(), time.time() - started, started)
    finally:
        conn.close()


class Home:
    """A ``CONTENTLIB_HOME`` with its environment, for the CLI and the server."""

    def __init__(self, path: Path, database_url: str | None = None, **settings: str):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_")}
        self.env.update({"CONTENTLIB_HOME": str(self.path), "CONTENTLIB_SECRET_KEY": SECRET,
                         "CONTENTLIB_LOG_LEVEL": "WARNING"})
        if database_url:
            self.env["CONTENTLIB_DATABASE_URL"] = database_url
        self.env.update(settings)

    def cli(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        done = subprocess.run([CLI, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"contentlib {' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def token(self, name: str, role: str) -> dict:
        """A user with ``role`` and the Authorization header of its API token."""
        self.cli("users", "create", name, "--role", role, "--password", PASSWORD)
        return {"Authorization": "Bearer " + self.cli("users", "token", name).stdout.strip()}


class Server:
    """``contentlib serve`` in its own process group; its stderr in a file."""

    def __init__(self, home: Home, workers: int = 2, threads: int = 4, jobs: bool = True):
        self.home = home
        self.port = free_port()
        self.log = home.path.parent / f"serve-{self.port}.log"
        args = [CLI, "serve", "--port", str(self.port), "--workers", str(workers), "--threads", str(threads)]
        if not jobs:
            args.append("--no-jobs")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(args, env=home.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def get(self, path: str, **kw) -> Answer:
        return request(self.port, "GET", path, **kw)

    def post(self, path: str, body=None, **kw) -> Answer:
        return request(self.port, "POST", path, body=body, **kw)

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Until ``/readyz`` says 200 (a loaded machine starts slowly)."""
        deadline = time.time() + timeout
        while True:
            assert self.proc.poll() is None, f"the server exited:\n{self.output()}"
            if self.get("/readyz", timeout=10).status == 200:
                return
            assert time.time() < deadline, f"the server did not get ready:\n{self.output()}"
            time.sleep(0.3)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def terminate(self, timeout: float = 90.0) -> int:
        """SIGTERM, then wait; returns the exit code (SIGKILL to the group if it does not stop in time)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
                raise AssertionError(f"the server did not stop within {timeout} s on SIGTERM") from None
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
