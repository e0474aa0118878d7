"""Bind mounts made read-only and small tmpfs disks for the fault tests (root only; skipped otherwise).

Root ignores file modes, so "cannot be written" needs the kernel's word: a read-only mount.
A mount that has files open for writing cannot be made read-only (EBUSY); the tests close
their database connections first, as a process starting during the fault would find it.
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=60)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=60)


def why_not(scratch: Path) -> str | None:
    """Why this process cannot make mounts (None: it can), tried on a scratch folder."""
    a, b = scratch / "a", scratch / "b"
    a.mkdir(parents=True, exist_ok=True)
    b.mkdir(parents=True, exist_ok=True)
    done = _mount("--bind", str(a), str(b))
    if done.returncode != 0:
        return f"mount is not permitted here (needs root in a namespace that allows it): {done.stderr.strip()}"
    try:
        ro = _mount("-o", "remount,ro,bind", str(b))
        if ro.returncode != 0:
            return f"a bind mount cannot be made read-only here: {ro.stderr.strip()}"
    finally:
        _umount(b)
    return None


def need_mounts(tmp_path: Path) -> None:
    reason = why_not(tmp_path / ".mount-check")
    if reason:
        pytest.skip(reason)


class Bind:
    """``target`` bind-mounted from ``source``; ``read_only()`` and ``writable()`` flip it."""

    def __init__(self, source: Path, target: Path):
        self.source, self.target = Path(source), Path(target)
        self.source.mkdir(parents=True, exist_ok=True)
        self.target.mkdir(parents=True, exist_ok=True)
        done = _mount("--bind", str(self.source), str(self.target))
        assert done.returncode == 0, done.stderr

    def read_only(self) -> None:
        done = _mount("-o", "remount,ro,bind", str(self.target))
        assert done.returncode == 0, f"{done.stderr} (files still open for writing under {self.target}?)"

    def writable(self) -> None:
        done = _mount("-o", "remount,rw,bind", str(self.target))
        assert done.returncode == 0, done.stderr

    def remove(self) -> None:
        _umount(self.target)


@contextmanager
def bind(source: Path, target: Path):
    mount = Bind(source, target)
    try:
        yield mount
    finally:
        mount.remove()


class Tmpfs:
    """A small tmpfs at ``target``; ``fill()`` takes all its free space, ``free()`` gives it back."""

    def __init__(self, target: Path, size: str = "4m"):
        self.target = Path(target)
        self.target.mkdir(parents=True, exist_ok=True)
        done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(self.target))
        assert done.returncode == 0, done.stderr
        self.filler = self.target / ".filler"

    def fill(self) -> None:
        """Write until the disk says ENOSPC (the filler keeps every block, the last few bytes too)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 65536, 4096, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def remove(self) -> None:
        _umount(self.target)
