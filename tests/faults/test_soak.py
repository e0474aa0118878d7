"""``bench/soak.py`` at a small scale for 3 minutes: it runs, measures every process and window, and draws its curves.

The hour at 100,000 works is the operator's figure (bench/); here only that the soak itself works
and that three minutes of steady use, a reindex and a backup beside it give no error and a clean stop.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_three_minute_soak_at_small_scale(tmp_path):
    out, figures = tmp_path / "soak.svg", tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/soak.py"), "--home", str(tmp_path / "home"), "--works", "1500",
         "--minutes", "3", "--searchers", "4", "--think", "0.05", "--editors", "2", "--edit-pause", "0.5",
         "--window", "30", "--warmup", "30", "--span", "40", "--sample", "2", "--out", str(out),
         "--json", str(figures)], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(figures.read_text())
    assert result["errors"] == 0 and result["first_errors"] == [], result["first_errors"]
    assert len(result["windows"]) == 6 and all(w["searches"] > 0 and w["published"] > 0 for w in result["windows"])
    assert [(e["command"], e["exit"]) for e in result["events"]] == [("reindex", 0), ("backup", 0)]
    roles = [p["role"] for p in result["processes"]]
    assert "master" in roles or roles == ["worker"]  # gunicorn's master and workers, or waitress alone
    assert all(p["samples"] >= 30 and "pss_last_mb" in p and "fds_last" in p for p in result["processes"])
    assert result["checks"]["graceful stop exits 0"] and result["checks"]["no errors"]
    drawing = ElementTree.fromstring(out.read_text(encoding="utf-8"))
    lines = drawing.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2 * len(result["processes"]) + 1  # memory and files per process, p95 per window
    assert "ok   no errors" in done.stdout and "curves: " in done.stdout
