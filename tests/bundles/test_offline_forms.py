""""Take offline" in three forms: a folder for any browser, a ZIM for Kiwix, a bundle for another library, each a job."""

from __future__ import annotations

import io
import re
import zipfile

from werkzeug.datastructures import MultiDict

from tests.bundles.test_offline_filters import _form, filtered_catalog
from tests.bundles.test_offline_web import _wait_done

EXPLAINED = ("For any browser", "For Kiwix", "For another library")
ENGLISH = {"Accept-Language": "en"}


def _take(client, auth, fields, form):
    data = MultiDict(fields + [("form", form), ("light", "1")])
    data.add("csrf_token", auth.csrf())
    resp = client.post("/offline", data=data)
    assert resp.status_code == 302, resp.status_code
    page = _wait_done(client, resp.headers["Location"])
    said = client.get(resp.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert f'id="offline-form">{dict(zip(("site", "zim", "bundle"), EXPLAINED))[form]}<' in said
    link = re.search(r'id="offline-download" href="([^"]+)"', page).group(1)
    return client.get(link)


def test_a_search_is_taken_offline_in_each_form(app, client, runner, users, auth, tmp_path):
    filtered_catalog(app, runner, tmp_path)
    auth.login("teacher")
    page = client.get("/search?has=video", headers=ENGLISH).get_data(as_text=True)
    for label, form in zip(EXPLAINED, ("site", "zim", "bundle")):
        assert f'<button type="submit" name="form" value="{form}">{label}</button>' in page
    assert "with no internet and nothing to install" in page and "Kiwix reader app" in page
    fields = _form(page)
    assert ("has", "video") in fields

    site = _take(client, auth, fields, "site")
    assert site.mimetype == "application/zip" and "contentlib-site-" in site.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(site.data)) as zf:
        pages = sorted(n for n in zf.namelist() if n.startswith("works/"))
        assert pages == ["works/f-silent.html", "works/f-video.html"] and "index.html" in zf.namelist()

    kiwix = _take(client, auth, fields, "zim")
    assert kiwix.data[:4] == b"ZIM\x04" and ".zim" in kiwix.headers["Content-Disposition"]

    bundle = _take(client, auth, fields, "bundle")
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as zf:
        assert "manifest.sig" in zf.namelist()


def test_an_unknown_form_is_refused_and_queues_nothing(app, client, runner, users, auth, tmp_path):
    filtered_catalog(app, runner, tmp_path)
    auth.login("teacher")
    data = MultiDict([("q", "原子"), ("form", "../../etc"), ("csrf_token", auth.csrf())])
    assert client.post("/offline", data=data).status_code == 400
    assert app.extensions["contentlib"].jobs.claim("test", limit=5) == []


def test_a_list_page_offers_the_three_forms(app, client, runner, users, auth, tmp_path):
    filtered_catalog(app, runner, tmp_path)
    auth.login("teacher")
    page = auth.post("/lists", {"name": "课"}, follow_redirects=True).get_data(as_text=True)
    list_id = re.search(r"/lists/(\d+)", page).group(1)
    auth.post(f"/lists/{list_id}/add", {"work_id": "f-video"})
    page = client.get(f"/lists/{list_id}", headers=ENGLISH).get_data(as_text=True)
    assert all(label in page for label in EXPLAINED)
    site = _take(client, auth, _form(page), "site")
    with zipfile.ZipFile(io.BytesIO(site.data)) as zf:
        assert sorted(n for n in zf.namelist() if n.startswith("works/")) == ["works/f-video.html"]


def test_the_forms_offered_are_the_registered_exporters_that_offer_themselves(app, client, users, auth):
    from contentlib.exporters import registry

    lib = app.extensions["contentlib"]
    offers = {name: exp.offer for name, exp in registry.exporters().items() if getattr(exp, "offer", None)}
    assert "jsonl" in registry.exporters() and "jsonl" not in offers  # a raw export is no reader's form
    assert lib.offline_forms() == [(name, offers[name][1], offers[name][2]) for name in ("site", "zim", "bundle")]
    auth.login("teacher")
    data = MultiDict([("q", "原子"), ("form", "jsonl"), ("csrf_token", auth.csrf())])
    assert client.post("/offline", data=data).status_code == 400
