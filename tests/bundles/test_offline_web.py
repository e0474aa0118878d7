"""From the browser's side: "Take offline" on a list and on a search, and the admin's bundle import page."""

from __future__ import annotations

import io
import re
import time
import zipfile

from tests.bundles.helpers import Home, build_source


def _wait_done(client, url, seconds=60):
    from contentlib import worker

    worker.run_once(client.application.extensions["contentlib"])  # a worker builds the bundle
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(url).get_data(as_text=True)
        if "offline-download" in page or 'role="alert"' in page:
            return page
        time.sleep(0.2)
    raise AssertionError("the bundle was not built in time")


def test_teacher_takes_a_list_and_a_search_offline(app, client, users, auth, tmp_path):
    build_source(_Wrap(app), tmp_path)
    auth.login("teacher")
    page = auth.post("/lists", {"name": "物理课"}, follow_redirects=True).get_data(as_text=True)
    list_id = re.search(r"/lists/(\d+)", page).group(1)
    for work_id in ("phy-1", "phy-2"):
        auth.post(f"/lists/{list_id}/add", {"work_id": work_id})
    page = client.get(f"/lists/{list_id}").get_data(as_text=True)
    assert 'action="/offline"' in page
    resp = auth.post("/offline", {"list_id": list_id, "light": "1"})
    assert resp.status_code == 302
    status = _wait_done(client, resp.headers["Location"])
    link = re.search(r'id="offline-download" href="([^"]+)"', status).group(1)
    got = client.get(link)
    assert got.status_code == 200 and got.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.data)) as zf:
        ids = sorted(line.split(b'"id": "')[1].split(b'"')[0].decode() for line in zf.read("catalog.jsonl").splitlines())
        assert ids == ["phy-1", "phy-2"] and "manifest.sig" in zf.namelist()

    search = client.get("/search?q=物理书").get_data(as_text=True)
    assert 'action="/offline"' in search and 'name="q" value="物理书"' in search
    resp = auth.post("/offline", {"q": "物理书"})
    status = _wait_done(client, resp.headers["Location"])
    link = re.search(r'id="offline-download" href="([^"]+)"', status).group(1)
    with zipfile.ZipFile(io.BytesIO(client.get(link).data)) as zf:
        assert b'"phy-2"' in zf.read("catalog.jsonl") and b'"phy-1"' not in zf.read("catalog.jsonl")
    auth.logout()
    auth.login("editor")
    assert client.get(resp.headers["Location"]).status_code == 403  # editors cannot take lists offline


def test_admin_imports_a_bundle_file_and_sees_the_report(app, client, users, auth, tmp_path):
    county = Home(tmp_path / "county")
    build_source(county, tmp_path / "c")
    out = tmp_path / "physics.zip"
    assert county.run("bundle", "export", out, "--subject", "physical-science").exit_code == 0
    key = county.run("keys", "show").output.strip()
    county.close()
    auth.login("teacher")
    assert client.get("/admin/bundles").status_code == 403
    auth.logout()
    auth.login("admin")
    refused = auth.post("/admin/bundles", {"bundle": (io.BytesIO(out.read_bytes()), "physics.zip")},
                        content_type="multipart/form-data")
    assert refused.status_code == 400 and "not trusted" in refused.get_data(as_text=True)
    from contentlib import keys
    keys.trust(app.extensions["contentlib"].store, key, "county")
    done = auth.post("/admin/bundles", {"bundle": (io.BytesIO(out.read_bytes()), "physics.zip")},
                     content_type="multipart/form-data")
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and 'id="bundle-report"' in page and "phy-1" in page
    assert app.extensions["contentlib"].store.has_work("phy-2")
    assert client.get("/works/phy-1").status_code == 200


class _Wrap:
    """Drive the conftest app like a Home (only ``run`` is needed)."""

    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def run(self, *args):
        from catalog.cli import cli

        return self.runner.invoke(cli, args=[str(a) for a in args])
