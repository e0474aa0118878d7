"""`contentlib demo` (and re-importing the source catalog) never loses what editors published (issue 10)."""

import io
import json
import re
from importlib import resources

from contentlib import accounts
from tests.unit import media_samples as ms

NEW_BO = "ཆུ་ཚོད་ཀྱི་ལོ་རྒྱུས།"       # a Tibetan title for a work the demo has only in Chinese
CHANGED_BO = "བསྐྱར་བཅོས་བྱས་པའི་ཁ་བྱང་།"  # an editor's correction of a Tibetan title the demo ships


def demo_path():
    return resources.files("contentlib").joinpath("data/demo/catalog.jsonl")


def search_ids(client, q):
    """Every work the search API finds for ``q`` (all pages: ranking among demo works is not the point here)."""
    client.application.extensions["contentlib"].sync()  # saves do not wait for the index
    ids, page = [], 1
    while page <= 50:
        body = client.get("/api/v1/search", query_string={"q": q, "per_page": 100, "page": page}).get_json()
        ids += [r["id"] for r in body["results"]]
        if len(ids) >= body["total"] or not body["results"]:
            return ids
        page += 1
    return ids


def csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_publishing_then_running_demo_again_keeps_the_translation_and_its_file(app, client, runner, users, auth,
                                                                             tmp_path):
    first = runner.invoke(["demo"])
    assert first.exit_code == 0
    glossary = client.get("/glossary.csv").get_data(as_text=True)
    assert "原子,རྡུལ་ཕྲན" in glossary and len(glossary.splitlines()) > 20  # the editor's hints have terms
    assert "demo glossary: 36 zh-bo terms" in first.output
    demo = [json.loads(line) for line in demo_path().read_text(encoding="utf-8").splitlines()]
    zh_only = next(r for r in demo if set(r["titles"]) == {"zh"})
    with_bo = next(r for r in demo if "bo" in r["titles"])
    line_of = {r["id"]: n for n, r in enumerate(demo, start=1)}
    store = app.extensions["contentlib"].store
    published_bo = client.get("/api/v1/coverage").get_json()["languages"]["bo"]["published"]

    # The editor drafts and submits through the editor's pages, uploading the Tibetan book through the API ...
    assert auth.login("editor").status_code == 302
    page = f"/editor/works/{zh_only['id']}/bo"
    r = client.post(page, data={"title": NEW_BO, "description": "", "keywords": "", "csrf_token": csrf(client, page)})
    assert r.status_code == 302
    ed = {"Authorization": f"Bearer {accounts.issue_token(store, 'editor')}"}
    ms.make_pdf(tmp_path / "bo.pdf")
    r = client.post(f"/api/v1/works/{zh_only['id']}/versions/bo/media", headers=ed, content_type="multipart/form-data",
                    data={"file": (io.BytesIO((tmp_path / "bo.pdf").read_bytes()), "བོད་ཡིག.pdf")})
    assert r.status_code == 201, r.get_json()
    sha = r.get_json()["sha256"]
    r = client.post(f"{page}/submit", data={"csrf_token": csrf(client, page)})
    assert r.status_code == 302
    r = client.post(f"/api/v1/works/{with_bo['id']}/versions/bo", headers=ed, json={"title": CHANGED_BO})
    assert client.post(f"/api/v1/works/{with_bo['id']}/versions/bo/submit", headers=ed).status_code == 200
    # ... and another person, a reviewer, approves both on the review page and through the API.
    auth.logout()
    assert auth.login("reviewer").status_code == 302
    review = f"{page}/review"
    assert client.post(f"{page}/approve", data={"csrf_token": csrf(client, review)}).status_code == 302
    rev = {"Authorization": f"Bearer {accounts.issue_token(store, 'reviewer')}"}
    assert client.post(f"/api/v1/works/{with_bo['id']}/versions/bo/approve", headers=rev).status_code == 200

    def still_there():
        work = client.get(f"/api/v1/works/{zh_only['id']}").get_json()
        assert work["titles"]["bo"] == NEW_BO
        assert [m["sha256"] for m in work["media"]] == [sha]
        assert client.get(work["media"][0]["url"]).status_code == 200
        assert client.get(f"/api/v1/works/{with_bo['id']}").get_json()["titles"]["bo"] == CHANGED_BO
        assert zh_only["id"] in search_ids(client, NEW_BO)
        assert with_bo["id"] in search_ids(client, CHANGED_BO)
        assert client.get("/api/v1/coverage").get_json()["languages"]["bo"]["published"] == published_bo + 1
        assert NEW_BO in client.get(f"/works/{zh_only['id']}").get_data(as_text=True)

    still_there()
    again = runner.invoke(["demo"])
    assert again.exit_code == 0, again.output
    # The notes name each work (and its line), the summary says what it counts: works, then versions.
    assert f"{zh_only['id']} (line {line_of[zh_only['id']]}): kept newer local version (bo)" in again.output
    assert f"{with_bo['id']} (line {line_of[with_bo['id']]}): kept newer local version (bo)" in again.output
    assert f"0 created, 0 updated, {len(demo)} unchanged ({len(demo)} works); 2 newer local versions kept" \
        in again.output, again.output
    still_there()
    with resources.as_file(demo_path()) as path:
        imported = runner.invoke(["import", str(path)])
    assert imported.exit_code == 0 and "; 2 newer local versions kept" in imported.output
    assert client.get("/glossary.csv").get_data(as_text=True) == glossary  # loaded again: nothing doubled
    still_there()
    history = client.get(f"/api/v1/works/{zh_only['id']}/history", headers=rev).get_json()["history"]
    assert [h["to"] for h in history if h["lang"] == "bo"][-1] == "published"  # never "missing"
