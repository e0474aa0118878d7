"""First run: `make admin` makes the first login, and `contentlib serve` starts with a short banner."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.startup import banner

ROOT = Path(__file__).resolve().parents[2]


def test_the_banner_says_where_the_data_is_the_address_and_how_to_log_in(app, users):
    lines = banner(app, "127.0.0.1", 5000)
    text = "\n".join(lines)
    assert len(lines) <= 8
    assert app.config["CONTENTLIB_MEDIA_DIR"] in text and "http://localhost:5000/" in text
    assert "/login as admin" in text


def test_without_an_admin_the_banner_says_how_to_make_one(app):
    assert "make admin NAME=" in "\n".join(banner(app, "0.0.0.0", 8080))


@pytest.mark.skipif(shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "contentlib").exists(),
                    reason="needs make and the project's .venv")
def test_make_admin_creates_the_first_administrator(tmp_path):
    env = {**os.environ, "CONTENTLIB_HOME": str(tmp_path)}
    missing = subprocess.run(["make", "-s", "admin"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "usage: make admin NAME=" in missing.stdout
    made = subprocess.run(["make", "-s", "admin", "NAME=dolma", "PASSWORD=correct horse battery"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "user dolma created (admin)" in made.stdout
    listed = subprocess.run([str(ROOT / ".venv" / "bin" / "contentlib"), "users", "list"], env=env,
                            capture_output=True, text=True)
    assert "dolma\tadmin" in listed.stdout
