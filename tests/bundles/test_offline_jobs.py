"""The background bundle jobs behind "Take offline": states, failures, a dead builder, clean-up."""

from __future__ import annotations

import json
import os
import time

from contentlib.bundles.offline import OfflineJobs


def test_a_job_reports_done_or_failed_and_a_dead_builder_is_failed(tmp_path):
    jobs = OfflineJobs(tmp_path / "offline")

    def good(out, progress):
        progress(5, 10)
        out.write_bytes(b"PK")
        return None, {"bundle_id": "b1"}

    def bad(out, progress):
        raise OSError("disk full")

    ok, broken = jobs.start("ana", 3, good), jobs.start("ana", 3, bad)
    jobs.wait(ok, 10)
    jobs.wait(broken, 10)
    assert jobs.status(ok)["state"] == "done" and jobs.status(ok)["size"] == 2
    assert jobs.status(broken) == {**jobs.status(broken), "state": "failed", "error": "disk full"}
    state_file = tmp_path / "offline" / f"{ok}.json"
    state = json.loads(state_file.read_text())
    state.update(state="running", pid=2 ** 22 + 12345)  # a process that no longer exists
    state_file.write_text(json.dumps(state))
    assert jobs.status(ok)["state"] == "failed"
    assert jobs.status("../x") is None and jobs.status("x/../../y") is None  # never a path outside
    old = time.time() - 3 * 24 * 3600
    for path in (tmp_path / "offline").iterdir():
        os.utime(path, (old, old))
    assert jobs.sweep() == 3 and not any((tmp_path / "offline").iterdir())
