"""Showing the progress of a long command: a redrawn bar on a terminal, a plain line now and then otherwise.

The core reports progress to a ``longwork.Task``: ``task.progress(done, total, stage="")``
(``total`` may be None when it is not known; ``stage`` names the phase of a
command with several). Which display a command uses is the door's choice;
``Reporter`` is the one the ``contentlib`` commands use, and ``CommandTask`` the
task that reports to it and stops at Ctrl-C. No Flask, no Click.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .longwork import Task

#: What the core calls: ``progress(done, total, stage="")``.
ProgressCallback = Callable[..., None]
WIDTH = 30


def human(size: float) -> str:
    """A byte count for people: ``512 B``, ``1.5 MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - the loop returns


def _amount(n: int, unit: str) -> str:
    return human(n) if unit == "bytes" else str(n)


def bar(label: str, done: int, total: int | None, unit: str = "", width: int = WIDTH) -> str:
    """One line of a terminal bar: ``label [######......]  40% 4/10``."""
    if not total:
        return f"{label} {_amount(done, unit)}"
    share = min(max(done, 0), total) / total
    filled = int(width * share)
    return (f"{label} [{'#' * filled}{'.' * (width - filled)}] {100 * share:3.0f}% "
            f"{_amount(done, unit)}/{_amount(total, unit)}")


def line(label: str, done: int, total: int | None, unit: str = "") -> str:
    """One plain progress line: ``label: 4 of 10 (40%)``."""
    if not total:
        return f"{label}: {_amount(done, unit)}"
    return f"{label}: {_amount(done, unit)} of {_amount(total, unit)} ({100 * min(done, total) // total}%)"


class Reporter:
    """A ``progress(done, total, stage="")`` callback that shows itself on ``stream`` (stderr).

    On a terminal one bar is redrawn in place; otherwise a line is written when
    another ``step`` percent is done or ``every`` seconds have passed, and once at
    the end, so logs stay short. A new ``stage`` ends the bar of the previous one.

    :param unit: ``"bytes"`` to show sizes (``1.5 MB``) instead of counts; ``units`` maps a stage to its own.
    :param tty: force the terminal display on or off (default: ask the stream).
    """

    def __init__(self, label: str, stream=None, every: float = 5.0, step: int = 10, unit: str = "",
                 tty: bool | None = None, clock=time.monotonic, units: dict | None = None):
        self.label, self.every, self.step, self.clock = label, every, step, clock
        self.default_unit, self.units = unit, units or {}
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.stage: str | None = None
        self._drawn = False
        self._last_time: float | None = None
        self._last_step = -1
        self._last_done: tuple | None = None

    def _name(self) -> str:
        return f"{self.label} {self.stage}" if self.stage else self.label

    def __call__(self, done: int, total: int | None = None, stage: str = "", *_ignored) -> None:
        if stage != (self.stage or ""):
            self.finish()
            self.stage = stage or None
            self.unit = self.units.get(self.stage or "", self.default_unit)
            self._last_time, self._last_step, self._last_done = None, -1, None
        if self.tty:
            self.stream.write("\r" + bar(self._name(), done, total, self.unit) + "\x1b[K")
            self.stream.flush()
            self._drawn = True
            return
        now = self.clock()
        percent_step = (100 * min(done, total) // total) // self.step if total else -1
        finished = bool(total and done >= total)
        due = (self._last_time is None or now - self._last_time >= self.every or (total and percent_step != self._last_step)
               or (finished and self._last_done != (done, total)))
        if due and self._last_done != (done, total):
            self.stream.write(line(self._name(), done, total, self.unit) + "\n")
            self.stream.flush()
            self._last_time, self._last_step, self._last_done = now, percent_step, (done, total)

    def finish(self) -> None:
        """End the bar on a terminal (the next output starts on a new line)."""
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
        self._drawn = False

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()


class CommandTask(Task):
    """A command's task: progress shown by a ``Reporter``; Ctrl-C asks the work to stop.

    The first Ctrl-C (SIGINT) only sets the cancel, so the work stops at its next check
    and what it was writing is left as it was (``Cancelled`` is raised there); a second
    one interrupts at once, as usual. Use it as a context manager around the work: the
    handler is in place only meanwhile (and only in the main thread, where signals go).
    """

    def __init__(self, label: str, whole: bool = False, **reporter):
        super().__init__()
        self.reporter = Reporter(label, **reporter)
        self.whole = whole  # show fractions (seconds of video) as whole numbers
        self._previous: Callable[[int, FrameType | None], Any] | int | None = None  # SIGINT's handler before
        self._installed = False

    def progress(self, done, total=None, stage=""):
        if self.whole:
            done, total = int(done), None if total is None else int(total)
        self.reporter(done, total, stage)

    def finish(self) -> None:
        self.reporter.finish()

    def _interrupted(self, signum, frame) -> None:
        if self.cancelled:  # asked twice: stop now
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self.cancel()

    @contextmanager
    def raw_interrupts(self):
        """Ctrl-C interrupts at once meanwhile (a question waiting for an answer)."""
        if not self._installed:
            yield
            return
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, self._interrupted)

    def __enter__(self) -> CommandTask:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._interrupted)
            self._installed = True
        return self

    def __exit__(self, *exc) -> None:
        self.reporter.finish()
        if self._installed:
            signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.SIG_DFL)
            self._installed = False
