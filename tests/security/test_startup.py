"""Case 9: secrets and files. Processes starting together, the secret key, file modes."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
# Each child waits for the go file, so all eight set up the database at the same moment.
CHILD = r"""
import hashlib, os, sys, time
from pathlib import Path
go = Path(sys.argv[1])
Path(sys.argv[2]).touch()
from catalog import create_app
while not go.exists():
    time.sleep(0.01)
app = create_app()
print(hashlib.sha256(app.config["SECRET_KEY"].encode()).hexdigest())
"""


def _start_together(tmp_path, env, count=8, tag="a"):
    go = tmp_path / f"go-{tag}"
    procs = []
    for i in range(count):
        ready = tmp_path / f"ready-{tag}-{i}"
        procs.append((ready, subprocess.Popen([sys.executable, "-c", CHILD, str(go), str(ready)], cwd=ROOT, env=env,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 240
    while not all(r.exists() for r, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    results = [p.communicate(timeout=300) + (p.returncode,) for _, p in procs]
    failed = [err[-800:] for out, err, code in results if code != 0]
    assert failed == [], failed
    return {out.strip() for out, _, _ in results}


def _env(home, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_")}
    env.update(CONTENTLIB_HOME=str(home), PYTHONPATH=str(ROOT), **extra)
    return env


def test_eight_processes_start_together_on_a_fresh_home(tmp_path):
    home = tmp_path / "home"  # does not exist yet
    keys = _start_together(tmp_path, _env(home))
    assert len(keys) == 1  # every process read the same, whole key
    key = (home / "secret_key").read_text()
    assert hashlib.sha256(key.strip().encode()).hexdigest() in keys
    for name in ("contentlib.db", "secret_key"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    assert not [p for p in home.iterdir() if p.name.startswith(".secret_key-")]  # no temporary file left
    assert _start_together(tmp_path, _env(home), count=4, tag="b") == keys  # and again, on the home they made


@pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL server (set CONTENTLIB_TEST_POSTGRES_URL)")
def test_eight_processes_start_together_on_a_fresh_postgresql_database(tmp_path):
    from tests.conftest import _clean_postgres

    _clean_postgres(POSTGRES_URL)
    _start_together(tmp_path, _env(tmp_path / "home", CONTENTLIB_DATABASE_URL=POSTGRES_URL,
                                   CONTENTLIB_SECRET_KEY=TEST_SECRET))
    _clean_postgres(POSTGRES_URL)


@pytest.mark.parametrize("weak", ["0000000000000000", "password12345678", "abcdabcdabcdabcd", "1234567890abcdef",
                                  "changeme", "qwertyqwertyqwerty"])
def test_long_but_weak_keys_are_refused_even_when_testing(home, weak):
    from catalog import create_app

    for config in ({"CONTENTLIB_SECRET_KEY": weak}, {"CONTENTLIB_SECRET_KEY": weak, "TESTING": True}):
        with pytest.raises(RuntimeError):
            create_app(config)


def test_testing_in_the_instance_config_does_not_switch_the_check_off(home, monkeypatch):
    from catalog import create_app

    (home / "config.py").write_text('TESTING = True\nCONTENTLIB_SECRET_KEY = "password12345678"\n')
    with pytest.raises(RuntimeError):
        create_app()


def test_a_configured_key_with_a_home_that_does_not_exist_yet(tmp_path, monkeypatch):
    from catalog import create_app

    home = tmp_path / "new" / "home"
    monkeypatch.setenv("CONTENTLIB_HOME", str(home))
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"CONTENTLIB_SECRET_KEY": TEST_SECRET})
    assert app.test_client().get("/").status_code == 200
    assert stat.S_IMODE((home / "contentlib.db").stat().st_mode) == 0o600
    assert not (home / "secret_key").exists()  # the configured key is used, none is made
    app.extensions["contentlib"].store.close()


def test_a_world_readable_database_is_made_private(home):
    from catalog import create_app

    app = create_app({"CONTENTLIB_SECRET_KEY": TEST_SECRET})
    app.extensions["contentlib"].store.close()
    db = home / "contentlib.db"
    db.chmod(0o644)
    app = create_app({"CONTENTLIB_SECRET_KEY": TEST_SECRET})
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    app.extensions["contentlib"].store.close()


def test_strong_keys_pass():
    import secrets

    from contentlib import secret_key

    for key in (TEST_SECRET, secrets.token_hex(32), secrets.token_urlsafe(24), "correct horse battery staple"):
        secret_key.check(key)
