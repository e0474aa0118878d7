"""One contract for long work: progress out, cancel in (the CLI, the worker and the core all speak it).

The core receives a ``Task`` and calls ``task.progress(done, total=None, stage="")``
as it goes and ``task.check()`` where stopping is safe; ``check`` raises
``Cancelled`` once someone asked to stop. A ``Task`` is also callable as the
old progress callback (``task(done, total, stage)`` reports, then checks), so a
core function that took ``progress`` takes a task unchanged. Where the request to
stop comes from is the door's business: Ctrl-C (``catalog.cli``), a flag in the
jobs table (``contentlib.worker``), or nothing (``NULL``). No Flask, no Click.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .errors import ContentlibError


class Cancelled(ContentlibError):
    """The work stopped because someone asked it to; what it was writing was left as it was."""

    def __init__(self, message: str = "cancelled: nothing was changed"):
        super().__init__(message)


class Task:
    """A long piece of work's two wires: progress out (``progress``), a request to stop in (``cancelled``).

    This base reports nowhere and is never cancelled unless ``cancel()`` is called;
    subclasses show progress (``ReportingTask``) or read the request elsewhere (``worker.JobTask``).
    """

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def progress(self, done: float, total: float | None = None, stage: str = "") -> None:
        """Say how far the work is: ``done`` of ``total`` (None: not known) in ``stage``."""

    @property
    def cancelled(self) -> bool:
        """Whether someone asked the work to stop."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next ``check``."""
        self._cancel.set()

    def check(self) -> None:
        """Stop here if asked to. :raises Cancelled:"""
        if self.cancelled:
            raise Cancelled()

    def __call__(self, done: float, total: float | None = None, stage: str = "", *_ignored) -> None:
        """The progress callback shape the core's functions take: report, then check."""
        self.progress(done, total, stage)
        self.check()

    def staged(self, stage: str) -> Task:
        """This task, reporting every step under ``stage`` (one phase of a command with several)."""
        return Staged(self, stage)


class Staged(Task):
    """A view of a task whose steps all fall under one stage; cancelling either cancels both."""

    def __init__(self, parent: Task, stage: str):
        super().__init__()
        self.parent, self.stage = parent, stage

    def progress(self, done, total=None, stage=""):
        self.parent.progress(done, total, self.stage)

    @property
    def cancelled(self) -> bool:
        return self.parent.cancelled

    def cancel(self) -> None:
        self.parent.cancel()


class ReportingTask(Task):
    """A task that hands each step to a ``progress(done, total, stage)`` callable (``progress.Reporter``)."""

    def __init__(self, report: Callable[..., None]):
        super().__init__()
        self.report = report

    def progress(self, done, total=None, stage=""):
        self.report(done, total, stage)


class PolledTask(Task):
    """A task whose request to stop is read by ``asked()`` (a database row), at most every ``every`` seconds."""

    def __init__(self, asked: Callable[[], bool], report: Callable[..., None] | None = None,
                 every: float = 1.0, clock=time.monotonic):
        super().__init__()
        self.asked, self.report, self.every, self.clock = asked, report, every, clock
        self._last: float | None = None

    def progress(self, done, total=None, stage=""):
        if self.report is not None:
            self.report(done, total, stage)

    @property
    def cancelled(self) -> bool:
        if self._cancel.is_set():
            return True
        now = self.clock()
        if self._last is None or now - self._last >= self.every:
            self._last = now
            if self.asked():
                self._cancel.set()
        return self._cancel.is_set()


class NullTask(Task):
    """The task for callers that want neither progress nor cancel: it cannot be cancelled."""

    def cancel(self) -> None:
        """Nothing to stop: one ``NULL`` is shared by every caller."""


NULL = NullTask()


def as_task(task) -> Task:
    """``task`` itself, a callable ``progress(done, total, stage)`` wrapped, or ``NULL`` for None."""
    if task is None:
        return NULL
    if isinstance(task, Task):
        return task
    return ReportingTask(task)
