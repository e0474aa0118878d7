"""The one contract for long work: progress out, cancel in; the null task; a cancel read from elsewhere."""

from __future__ import annotations

import pytest

from contentlib.errors import ContentlibError
from contentlib.longwork import NULL, Cancelled, PolledTask, ReportingTask, Task, as_task


def test_a_task_reports_and_stops_at_the_next_check_once_cancelled():
    seen = []
    task = ReportingTask(lambda *step: seen.append(step))
    task(1, 3, "pages")  # the progress callback shape: report, then check
    task.progress(2, None)
    task.check()
    task.cancel()
    assert task.cancelled
    with pytest.raises(Cancelled) as caught:
        task(3, 3, "pages")
    assert isinstance(caught.value, ContentlibError)
    assert seen == [(1, 3, "pages"), (2, None, ""), (3, 3, "pages")]


def test_a_staged_view_reports_under_its_stage_and_shares_the_cancel():
    seen = []
    task = ReportingTask(lambda *step: seen.append(step))
    media = task.staged("media")
    media(1, 2)
    media.cancel()
    assert task.cancelled
    with pytest.raises(Cancelled):
        task.check()
    assert seen == [(1, 2, "media")]


def test_the_null_task_reports_nowhere_and_cannot_be_cancelled():
    assert as_task(None) is NULL
    NULL.cancel()
    NULL(5, 10, "x")  # no error: nobody can stop the work of a caller that wants nothing
    assert not NULL.cancelled


def test_as_task_keeps_a_task_and_wraps_a_callback():
    task = Task()
    assert as_task(task) is task
    seen = []
    as_task(lambda *step: seen.append(step))(1, 2, "s")
    assert seen == [(1, 2, "s")]


def test_a_polled_task_reads_its_cancel_at_most_once_per_interval():
    now, asks, answer = [0.0], [], [False]

    def asked():
        asks.append(now[0])
        return answer[0]

    task = PolledTask(asked, every=1.0, clock=lambda: now[0])
    for _ in range(50):
        task.check()
    answer[0] = True
    task.check()  # within the second: not read again
    assert asks == [0.0]
    now[0] = 1.5
    with pytest.raises(Cancelled):
        task.check()
    assert asks == [0.0, 1.5]
    now[0] = 9.0
    assert task.cancelled and asks == [0.0, 1.5]  # once asked, it stays asked without reading again
