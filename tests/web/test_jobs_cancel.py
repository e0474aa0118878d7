"""Cancel a background job: ``contentlib jobs cancel ID``, the Cancel button on the admin's jobs page, and the worker.

A waiting job is cancelled at once and never claimed; a running one is marked and its worker
stops it at the job's next check (``contentlib.longwork``), leaving no half-built bundle.
"""

from __future__ import annotations

import re

import pytest

from contentlib import worker
from contentlib.longwork import Cancelled
from contentlib.selection import Selection


def _rows(lib):
    return [(j.id, j.kind, j.key, j.state) for j in lib.recent_jobs()]


def test_the_command_cancels_a_waiting_job_which_no_worker_then_runs(runner, app):
    lib = app.extensions["contentlib"]
    lib.jobs.put("w-1")
    (job_id, *_), = _rows(lib)
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0 and f"{job_id}\tderive\tw-1\tqueued\t0" in listed.output
    result = runner.invoke(args=["jobs", "cancel", str(job_id)])
    assert result.exit_code == 0 and result.output.strip() == f"job {job_id}: cancelled"
    assert worker.run_once(lib) == 0 and _rows(lib) == [(job_id, "derive", "w-1", "cancelled")]
    missing = runner.invoke(args=["jobs", "cancel", "999"])
    assert missing.exit_code == 1 and "no job 999" in missing.stderr
    assert runner.invoke(args=["jobs", "cancel", "x"]).exit_code == 2


def test_a_running_job_stops_at_its_next_check_and_is_recorded_cancelled(runner, app, monkeypatch):
    lib = app.extensions["contentlib"]
    monkeypatch.setattr(worker, "CANCEL_EVERY", 0.0)
    steps = []

    def long_job(library, job, task):
        for n in range(1, 100):
            if n == 3:  # someone presses Cancel meanwhile
                assert runner.invoke(args=["jobs", "cancel", str(job.id)]).output.strip().endswith(
                    "cancelling: it stops at its next safe point")
            steps.append(n)
            task(n, 99)

    monkeypatch.setitem(worker.HANDLERS, "test-long", long_job)
    lib.jobs.put("k", kind="test-long")
    assert worker.run_once(lib) == 1
    assert steps == [1, 2, 3]  # stopped at the check after the request
    assert [r[1:] for r in _rows(lib)] == [("test-long", "k", "cancelled")]


def test_a_cancelled_offline_bundle_leaves_no_zip(runner, app, tmp_path, monkeypatch):
    from tests.web.test_progress_cli import _works_with_files

    assert runner.invoke(args=["import", str(_works_with_files(tmp_path))]).exit_code == 0
    lib = app.extensions["contentlib"]
    from contentlib import accounts

    teacher = accounts.create_user(lib.store, "teacher", "teacher", "correct horse battery")
    token = lib.take_offline(accounts.get_user(lib.store, "teacher") or teacher, Selection())
    (job, ) = lib.jobs.claim("test")
    assert lib.cancel_job(job.id) == "cancelling"
    monkeypatch.setattr(worker, "CANCEL_EVERY", 0.0)
    with pytest.raises(Cancelled):
        worker.run_job(lib, job)
    assert not lib.offline.zip_path(token).exists()
    assert list(lib.offline.zip_path(token).parent.glob("*.part")) == []


def test_the_admin_cancels_a_job_from_the_jobs_page(app, client, users, auth):
    lib = app.extensions["contentlib"]
    lib.jobs.put("w-<b>")
    (job_id, *_), = _rows(lib)
    auth.login("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert f'action="/admin/jobs/{job_id}/cancel"' in page and "w-&lt;b&gt;" in page and "w-<b>" not in page
    row = page[page.index(f'id="job-{job_id}"'):].split("</tr>")[0]
    assert "<td>སྒུག་བཞིན་པ།</td>" in row and "queued" not in row  # the state in the reader's language
    no_token = client.post(f"/admin/jobs/{job_id}/cancel")
    assert no_token.status_code == 400 and _rows(lib)[0][3] == "queued"  # CSRF, as every admin form
    resp = auth.post(f"/admin/jobs/{job_id}/cancel")
    assert resp.status_code == 302 and "done=job-cancelled" in resp.headers["Location"]
    assert _rows(lib)[0][3] == "cancelled"
    after = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "ལས་འགན་རྩིས་མེད་བཏང་ཟིན།" in after and not re.search(rf'action="/admin/jobs/{job_id}/cancel"', after)
    assert "<td>རྩིས་མེད་བཏང་ཟིན།</td>" in after.split(f'id="job-{job_id}"')[1].split("</tr>")[0]
    assert auth.post("/admin/jobs/424242/cancel").status_code == 404
    auth.logout()
    auth.login("editor")
    assert client.get("/admin/jobs").status_code == 403
    assert auth.post(f"/admin/jobs/{job_id}/cancel").status_code == 403


def test_a_database_away_while_reading_the_cancel_does_not_fail_the_job(app):
    """The light video's encoder reads the cancel; a read that fails must not be taken for the video's fault."""
    lib = app.extensions["contentlib"]
    lib.jobs.put("w-2")
    (job, ) = lib.jobs.claim("test")

    class Away:
        def cancel_requested(self, job):
            from contentlib.errors import DatabaseUnavailable

            raise DatabaseUnavailable("away")

    task = worker.job_task(type("Lib", (), {"jobs": Away()})(), job)
    task(1, 2)  # no error: not asked, as far as anyone can tell
    assert not task.cancelled
