"""The wheel on its own: built with ``python -m build``, installed in a fresh virtualenv, serving Tibetan pages.

Nothing of the checkout is on the path: templates, static files and the compiled
translations must all come from the wheel. To keep the test within minutes the
fresh environment borrows the test environment's dependencies (a ``.pth`` line)
instead of downloading them again. The second test (marked ``slow``: ``make test-slow``, CI's second
step) installs them from the package index as a user would, when ``CONTENTLIB_WHEEL_FULL_INSTALL=1``.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]

def _run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_installs_and_serves_the_demo_in_tibetan(tmp_path):
    _wheel_serves_the_demo(tmp_path, full_install=False)


@pytest.mark.slow
def test_the_wheel_installs_its_dependencies_from_the_index_and_serves(tmp_path):
    if not os.environ.get("CONTENTLIB_WHEEL_FULL_INSTALL"):
        pytest.skip("set CONTENTLIB_WHEEL_FULL_INSTALL=1 to install the dependencies from the index (CI does)")
    _wheel_serves_the_demo(tmp_path, full_install=True)


def _wheel_serves_the_demo(tmp_path, full_install: bool):
    pytest.importorskip("build")
    dist = tmp_path / "dist"
    # Built from a copy: tests running beside this one (make test is parallel) may write in the checkout.
    source = tmp_path / "source"
    top = {".git", ".venv", "build", "dist", "instance", "media", ".mypy_cache", ".pytest_cache", "node_modules"}
    shutil.copytree(ROOT, source, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == ROOT and n in top) or n == "__pycache__" or n.endswith(".egg-info")])
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=source)
    (wheel,) = dist.glob("contentlib-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    if full_install:
        _run([str(py), "-m", "pip", "install", "--quiet", str(wheel)])
    else:
        _run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)])
        fresh_site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
        # Dependencies only: appended after the wheel's own site-packages, and editable finders are not loaded.
        Path(fresh_site, "zz_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENTLIB_") and k != "PYTHONPATH"}
    env.update(CONTENTLIB_HOME=str(home), CONTENTLIB_SECRET_KEY="wheel-test-secret-0123456789")
    cli = str(env_dir / "bin" / "contentlib")
    where = _run([str(py), "-c", "import catalog, contentlib; print(catalog.__file__, contentlib.__file__)"],
                 cwd=tmp_path, env=env)
    assert str(ROOT) not in where and str(env_dir) in where  # the wheel's code, not the checkout's

    _run([cli, "demo"], cwd=tmp_path, env=env)
    port = free_port()
    server = subprocess.Popen([cli, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not get ready"
            time.sleep(0.5)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "bo"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            page = resp.read().decode("utf-8")
        assert 'lang="bo"' in page
        assert "འཚོལ་ཞིབ།" in page and ">Search<" not in page  # "Search" from the wheel's compiled Tibetan catalog
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css", timeout=10) as resp:
            assert resp.status == 200
        search = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search", timeout=10).read()
        assert b'"total"' in search
    finally:
        server.terminate()
        server.wait(10)
