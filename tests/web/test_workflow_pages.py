"""The editor, review, coverage, glossary, list and login pages through the test client."""

import re

import pytest

from tests.conftest import PASSWORD

TITLE = "མཐོ་སྒང་གི་ཆུ་འཐུང་འཕྲོད་བསྟེན།"
EN = {"Accept-Language": "en"}


@pytest.fixture
def loaded(catalog_loaded, users):
    return catalog_loaded


def search_ids(client, q):
    client.application.extensions["contentlib"].sync()  # saves do not wait for the index
    return [r["id"] for r in client.get("/api/v1/search", query_string={"q": q}).get_json()["results"]]


def test_the_whole_path_through_the_html_pages(client, loaded, auth):
    bo_missing = client.get("/api/v1/coverage").get_json()["languages"]["bo"]["missing"]
    auth.login("editor")
    page = client.get("/editor/works/t-book/bo", headers=EN).get_data(as_text=True)
    assert 'lang="zh">高原饮水卫生<' in page and 'name="title"' in page
    r = auth.post("/editor/works/t-book/bo", {"title": TITLE, "description": "<b>ཆུ</b>", "keywords": "ཆུ, འཕྲོད་བསྟེན",
                                             "then": "submit"})
    assert r.status_code == 302
    queue = client.get("/editor/", headers=EN).get_data(as_text=True)
    assert 'id="q-t-book-bo"' in queue and TITLE in queue
    assert TITLE not in client.get("/works/t-book").get_data(as_text=True)
    review = client.get("/editor/works/t-book/bo/review", headers=EN).get_data(as_text=True)
    assert "Waiting for a reviewer." in review and 'id="approve"' not in review
    assert auth.post("/editor/works/t-book/bo/approve").status_code == 403
    auth.logout()

    auth.login("reviewer")
    review = client.get("/editor/works/t-book/bo/review", headers=EN).get_data(as_text=True)
    assert "<ins>&lt;b&gt;ཆུ&lt;/b&gt;</ins>" in review  # escaped diff
    assert 'id="approve"' in review
    assert auth.post("/editor/works/t-book/bo/approve").status_code == 302
    auth.logout()

    assert TITLE in client.get("/works/t-book").get_data(as_text=True)
    assert "t-book" in search_ids(client, TITLE)
    assert client.get("/api/v1/coverage").get_json()["languages"]["bo"]["missing"] == bo_missing - 1
    auth.login("reviewer")
    history = client.get("/api/v1/works/t-book/history").get_json()["history"]
    assert [h["action"] for h in history if h["lang"] == "bo"] == ["edit", "submit", "approve"]


def test_reviewer_rejects_with_a_comment_the_editor_sees(client, loaded, auth):
    auth.login("editor")
    auth.post("/editor/works/t-book/bo", {"title": TITLE, "description": "", "keywords": "", "then": "submit"})
    auth.logout()
    auth.login("reviewer")
    assert auth.post("/editor/works/t-book/bo/reject", {"comment": ""}).status_code == 400
    assert auth.post("/editor/works/t-book/bo/reject", {"comment": "ཁ་བྱང་བསྐྱར་བཅོས།"}).status_code == 302
    auth.logout()
    auth.login("editor")
    page = client.get("/editor/works/t-book/bo", headers=EN).get_data(as_text=True)
    assert "ཁ་བྱང་བསྐྱར་བཅོས།" in page and "Reviewer&#39;s comment" in page  # translations are text: escaped


def test_glossary_hints_in_the_editor_and_search_expansion(client, loaded, auth):
    auth.login("editor")
    assert auth.post("/glossary", {"zh": "原子核", "bo": "ལྟེ་ཉིང་", "note": "nucleus"}).status_code == 302
    page = client.get("/editor/works/t-atom/bo", headers=EN).get_data(as_text=True)
    assert re.search(r'<dt lang="zh">原子核</dt><dd lang="bo">ལྟེ་ཉིང', page)
    # the Tibetan term finds the Chinese-only description's work through the glossary
    assert auth.post("/glossary", {"zh": "高原", "bo": "མཐོ་སྒང་"}).status_code == 302
    assert "t-book" in search_ids(client, "མཐོ་སྒང")
    html = client.get("/search", query_string={"q": "མཐོ་སྒང"}).get_data(as_text=True)
    assert "/works/t-book" in html


def test_glossary_pages_csv_export_and_import(client, loaded, auth):
    auth.login("editor")
    r = auth.post("/glossary/import", {"file": (__import__("io").BytesIO("zh,bo,note\n电子,གློག་རྡུལ,\n".encode()),
                                                "g.csv")}, content_type="multipart/form-data")
    assert r.status_code == 302
    csv = client.get("/glossary.csv").get_data(as_text=True)
    assert "电子,གློག་རྡུལ," in csv
    entry_id = re.search(r'/glossary/(\d+)/delete', client.get("/glossary").get_data(as_text=True)).group(1)
    assert auth.post(f"/glossary/{entry_id}", {"zh": "電子", "bo": "གློག་རྡུལ", "note": "x"}).status_code == 302
    assert "電子" in client.get("/glossary").get_data(as_text=True)
    assert auth.post("/glossary", {"zh": "", "bo": ""}).status_code == 400
    assert auth.post(f"/glossary/{entry_id}/delete").status_code == 302
    assert "電子" not in client.get("/glossary.csv").get_data(as_text=True)


def test_coverage_page_and_csv(client, loaded):
    page = client.get("/coverage", headers=EN).get_data(as_text=True)
    assert "<svg class=\"bar\"" in page and 'id="lang-bo"' in page
    assert 'lang="zh">高原饮水卫生<' in page  # Chinese without Tibetan: to translate next
    r = client.get("/coverage.csv?subject=health")
    assert r.mimetype == "text/csv" and "t-book,高原饮水卫生,book,health" in r.get_data(as_text=True)
    assert "t-book" not in client.get("/coverage.csv?subject=physical-science").get_data(as_text=True)


def test_coverage_page_shows_the_first_rows_and_points_to_the_csv(client, loaded, monkeypatch):
    import catalog.coverage

    monkeypatch.setattr(catalog.coverage, "SHOWN", 0)
    page = client.get("/coverage", headers=EN).get_data(as_text=True)
    assert "Showing 0 of 1; the CSV file lists them all." in page and "高原饮水卫生" not in page


def test_teacher_saves_shares_and_prints_a_list(client, loaded, auth):
    auth.login("teacher")
    page = client.get("/works/t-atom", headers=EN).get_data(as_text=True)
    assert "Create and save" in page
    assert auth.post("/lists", {"name": "七年级", "work_id": "t-atom", "next": "/works/t-atom"}).status_code == 302
    list_id = re.search(r'/lists/(\d+)', client.get("/lists").get_data(as_text=True)).group(1)
    assert auth.post("/lists/add", {"list_id": list_id, "work_id": "t-book", "next": "/works/t-book"}).status_code == 302
    own = client.get(f"/lists/{list_id}").get_data(as_text=True)
    share = re.search(r'id="share-link" href="(/shared/[^"]+)"', own).group(1)
    auth.logout()
    shared = client.get(share).get_data(as_text=True)
    assert "/works/t-atom" in shared and "/works/t-book" in shared
    handout = client.get(share + "/print").get_data(as_text=True)
    assert handout.count("<svg") == 2 and "css/handout.css" in handout  # print styles live in static/ (CSP)
    assert "@media print" in client.get("/static/css/handout.css").get_data(as_text=True)
    assert client.get("/shared/not-a-token").status_code == 404
    assert client.get(f"/lists/{list_id}").status_code == 302  # anonymous: to the login page


def test_another_teacher_cannot_touch_my_list(client, loaded, auth, users):
    from contentlib import accounts

    accounts.create_user(users, "teacher2", "teacher", PASSWORD)
    auth.login("teacher")
    auth.post("/lists", {"name": "mine"})
    list_id = re.search(r'/lists/(\d+)', client.get("/lists").get_data(as_text=True)).group(1)
    auth.logout()
    auth.login("teacher2")
    assert client.get(f"/lists/{list_id}").status_code == 403
    assert auth.post(f"/lists/{list_id}/delete").status_code == 403


def test_login_is_rate_limited_and_sessions_are_fresh(client, loaded, auth):
    for _ in range(5):
        assert auth.login("editor", "wrong").status_code == 401
    assert auth.login("editor").status_code == 429
    r = auth.login("reviewer")
    assert r.status_code == 302
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_csrf_and_login_redirects_only_locally(client, loaded, auth):
    auth.login("editor")
    assert client.post("/logout").status_code == 400
    auth.logout()
    r = client.post("/login", data={"name": "editor", "password": PASSWORD, "next": "//evil.example/",
                                    "csrf_token": auth.csrf()})
    assert r.headers["Location"] == "/"


def test_secret_key_must_not_be_a_known_value(home):
    from catalog import create_app

    for weak in ("dev", "changeme", "secret"):
        with pytest.raises(RuntimeError):
            create_app({"CONTENTLIB_SECRET_KEY": weak})
    with pytest.raises(RuntimeError):  # no test switch turns the check off
        create_app({"CONTENTLIB_SECRET_KEY": "dev", "TESTING": True})
    app = create_app({"CONTENTLIB_SECURE_COOKIES": True})  # generated per install
    assert len(app.config["SECRET_KEY"]) == 64 and app.config["SESSION_COOKIE_SECURE"]
    assert (home / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    app.extensions["contentlib"].store.close()


def test_cli_users_and_glossary(runner, app, tmp_path):
    from contentlib import accounts

    r = runner.invoke(["users", "create", "dolma", "--role", "editor", "--password", PASSWORD])
    assert r.exit_code == 0, r.output
    assert runner.invoke(["users", "create", "x y", "--role", "wizard", "--password", "p"]).exit_code != 0
    r = runner.invoke(["users", "token", "dolma"])
    token = r.output.strip()
    assert accounts.user_for_token(app.extensions["contentlib"].store, token).name == "dolma"
    assert runner.invoke(["users", "token", "nobody"]).exit_code == 1
    src = tmp_path / "g.csv"
    src.write_text("zh,bo,note\n原子,རྡུལ་ཕྲན,atom\n", encoding="utf-8")
    assert runner.invoke(["glossary", "import", str(src)]).exit_code == 0
    out = tmp_path / "out.csv"
    assert runner.invoke(["glossary", "export", str(out)]).exit_code == 0
    assert "原子,རྡུལ་ཕྲན,atom" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("zh,bo\n,\n", encoding="utf-8")
    assert runner.invoke(["glossary", "import", str(bad)]).exit_code == 1


def test_cli_glossary_export_counts_and_refuses_a_missing_folder_in_one_line(runner, tmp_path):
    src = tmp_path / "g.csv"
    src.write_text("zh,bo,note\n原子,རྡུལ་ཕྲན,atom\n中子,བར་རྡུལ,\n", encoding="utf-8")
    assert runner.invoke(["glossary", "import", str(src)]).exit_code == 0
    out = tmp_path / "out.csv"
    for _ in range(2):  # again: the file is replaced, the count is the same
        r = runner.invoke(["glossary", "export", str(out)])
        assert r.exit_code == 0 and r.output.strip() == f"{out}: 2 terms exported"
    r = runner.invoke(["glossary", "export", str(tmp_path / "missing" / "out.csv")])
    assert r.exit_code == 1 and "does not exist" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "missing").exists()


def test_admin_manages_users_and_vocabulary_labels(client, loaded, auth, users):
    from contentlib import accounts

    auth.login("admin")
    assert "id=\"user-editor\"" in client.get("/admin/users").get_data(as_text=True)
    assert auth.post("/admin/users", {"name": "pema", "role": "editor", "password": PASSWORD}).status_code == 302
    assert auth.post("/admin/users", {"name": "pema", "role": "editor", "password": "short"}).status_code == 400
    assert auth.post("/admin/users/pema/role", {"role": "reviewer"}).status_code == 302
    assert accounts.get_user(users, "pema").role == "reviewer"
    token = accounts.issue_token(users, "pema")
    assert auth.post("/admin/users/pema/active", {"active": "0"}).status_code == 302
    assert accounts.user_for_token(users, token) is None
    assert accounts.authenticate(users, "pema", PASSWORD, "x") is None
    assert auth.post("/admin/vocabulary/subjects/health", {"bo": "འཕྲོད་བསྟེན་གསར་པ།"}).status_code == 302
    assert "འཕྲོད་བསྟེན་གསར་པ།" in client.get("/subjects/health", headers={"Accept-Language": "bo"}).get_data(
        as_text=True)
    assert auth.post("/admin/vocabulary/subjects/astrology", {"bo": "x"}).status_code == 404


def test_editors_see_draft_states_on_the_work_page_and_the_public_does_not(client, loaded, auth):
    auth.login("editor")
    auth.post("/editor/works/t-book/bo", {"title": TITLE, "description": "", "keywords": ""})
    page = client.get("/works/t-book", headers=EN).get_data(as_text=True)
    assert 'href="/editor/works/t-book/bo/review">draft</a>' in page and TITLE not in page
    auth.logout()
    page = client.get("/works/t-book", headers=EN).get_data(as_text=True)
    assert "/editor/" not in page
