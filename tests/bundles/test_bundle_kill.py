"""A bundle import killed (SIGKILL) ten times at random moments, then run again, ends right and leaves nothing stray."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from tests.bundles.helpers import Home, build_source

COMMAND = [sys.executable, "-c", "from catalog.cli import main; main()", "bundle", "import"]


def test_import_killed_ten_times_then_run_again_ends_with_the_right_catalog(tmp_path):
    src, dst = Home(tmp_path / "county"), Home(tmp_path / "school")
    subset = build_source(src, tmp_path, extra_images=12)
    out = tmp_path / "physics.zip"
    assert src.run("bundle", "export", out, "--subject", "physical-science").exit_code == 0
    assert dst.run("keys", "trust", src.run("keys", "show").output.strip()).exit_code == 0
    rnd = random.Random(13)
    interrupted = 0
    for _ in range(10):
        proc = subprocess.Popen(COMMAND + [str(out)], env=dst.env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.3, 3.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            interrupted += 1
        proc.wait(timeout=60)
    assert interrupted >= 3  # most kills land inside a running import
    final = subprocess.run(COMMAND + [str(out)], env=dst.env(), capture_output=True, text=True, timeout=180)
    assert final.returncode == 0, final.stderr
    assert dst.records() == src.records(subset)
    shas = {m["sha256"] for r in src.records(subset) for m in r.get("media", [])}
    assert dst.store_files() == {sha: sha for sha in shas}
    stray = [p for p in (dst.root / "media").rglob("*") if p.name.endswith(".part") or p.name.startswith(".")]
    assert stray == []
    again = subprocess.run(COMMAND + [str(out)], env=dst.env(), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0 and f"{len(subset)} unchanged" in again.stdout and "0 file(s) copied" in again.stdout
    src.close()
    dst.close()
