"""Case 7 (500s become answers) and case 10b (field bounds on import, in the editor and in the API)."""

from __future__ import annotations

import json

import pytest

from contentlib import bounds
from tests.conftest import write_jsonl

from .conftest import bearer, login

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", ["/types/book", "/subjects/physical-science", "/audiences/youth"])
def test_a_huge_page_number_is_an_answer(client, world, path):
    for page in (HUGE, "-" + HUGE, "1e9", "1" * 5000):
        r = client.get(f"{path}?page={page}")
        assert r.status_code in (200, 400), (page, r.status_code)
    assert client.get(f"/search?q=a&page={HUGE}").status_code == 400


@pytest.mark.parametrize("path", ["/lists/" + HUGE, "/glossary/" + HUGE])
def test_a_huge_id_in_a_path_is_404(client, world, path):
    login(client, "admin")
    assert client.get(path).status_code in (404, 405)


@pytest.mark.parametrize("name", ["a%00.png", "thumb%00-320.webp", "/".join(["a"] * 2000) + ".png",
                                  "a" * 5000 + ".png", "..%2f..%2fsecret_key.png", ".hidden.png", "%0d%0a.png"])
def test_odd_derived_paths_are_404(client, world, name):
    from contentlib import records

    sha = "a" * 64
    assert client.get(f"/media/{sha}/derived/{name}").status_code == 404
    assert records  # the sample catalog is loaded: the route really looks


@pytest.mark.parametrize("bad", ["/\r\nX-Injected: 1", "/%0d%0aX: 1", "/\nX: 1", "/\\evil.example", "/\x00"])
def test_next_with_control_characters_stays_on_site(client, world, bad):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    def on_site(r):
        where = r.headers.get("Location", "")
        assert r.status_code == 302 and "X-Injected" not in r.headers and "X" not in r.headers, r.headers
        assert where.startswith("/") and not where.startswith("//") and not any(c in where for c in "\r\n\\\0")

    on_site(client.post("/locale", data={"locale": "en", "next": bad, "csrf_token": token}))
    on_site(client.post("/login", data={"name": "teacher", "password": "correct horse battery", "next": bad,
                                        "csrf_token": token}))
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    on_site(client.post("/lists/add", data={"next": bad, "csrf_token": token}))
    on_site(client.post("/lists/add", data={"next": bad, "list_id": HUGE, "csrf_token": token}))


@pytest.mark.parametrize("body", ["[" * 200_000 + "]" * 200_000, '{"title": "\\ud800"}', '{"title": "a\\udfffb"}',
                                  '{"title": ' + "1" * 4301 + "}", "{" * 50, '{"title": "x"', "\xff"])
def test_hostile_api_bodies_get_the_api_error_shape(client, world, body):
    r = client.post("/api/v1/works/t-book/versions/bo", data=body.encode("utf-8", "surrogatepass"),
                    headers={**bearer(world, "editor"), "Content-Type": "application/json"})
    assert r.status_code == 400, r.status_code
    error = r.get_json()["error"]
    assert error["code"] and error["message"]


@pytest.mark.parametrize("line, field", [
    ("[" * 100_000, "json"),
    ('{"id": "s1", "type": "book", "titles": {"bo": "\\ud800"}}', "json"),
    ('{"id": "s1", "type": "book", "titles": {"zh": "x"}, "year": ' + "9" * 4300 + "}", "year"),
    ('{"id": "s1", "type": "book", "titles": {"zh": "x"}, "year": ' + "9" * 4301 + "}", "json"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x" * 501}}), "titles.zh"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x"}, "descriptions": {"bo": "ཀ" * 20_001}}),
     "descriptions.bo"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x"}, "keywords": {"zh": ["k"] * 51}}), "keywords.zh"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x"}, "keywords": {"zh": ["k" * 101]}}), "keywords.zh"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x"},
                 "creators": [{"name": {"zh": "某"}, "role": "author"}] * 51}), "creators"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x"},
                 "media": [{"path": "a.png", "role": "cover"}] * 101}), "media"),
    (json.dumps({"id": "s1", "type": "book", "titles": {"zh": "x" * (5 * 2 ** 20)}}), "line"),
])
def test_cli_import_reports_hostile_lines(runner, tmp_path, line, field):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "ok", "type": "book", "titles": {"zh": "好"}}, line])
    r = runner.invoke(["import", str(path)])
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    assert any(out.startswith(f"2: {field}: ") for out in r.output.splitlines()), r.output[:500]


def test_the_bounds_are_the_same_in_the_api_and_the_editor_form(client, world):
    too_long = {"title": "x" * (bounds.MAX_TITLE + 1)}
    r = client.post("/api/v1/works/t-book/versions/bo", json=too_long, headers=bearer(world, "editor"))
    assert r.status_code == 400
    r = client.post("/api/v1/works/t-book/versions/bo", json={"title": "x" * bounds.MAX_TITLE},
                    headers=bearer(world, "editor"))
    assert r.status_code == 200
    r = client.post("/api/v1/works/t-book/versions/bo", json={"keywords": ["k"] * (bounds.MAX_KEYWORDS + 1)},
                    headers=bearer(world, "editor"))
    assert r.status_code == 400
    login(client, "editor2")
    import re

    page = client.get("/editor/works/t-atom/bo").get_data(as_text=True)
    assert f'maxlength="{bounds.MAX_TITLE}"' in page and f'maxlength="{bounds.MAX_DESCRIPTION}"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/editor/works/t-atom/bo", data={"title": "t", "description": "d" * (bounds.MAX_DESCRIPTION + 1),
                                                     "keywords": "", "csrf_token": token})
    assert r.status_code == 400


def test_an_import_of_long_titles_writes_nothing(runner, world, tmp_path):
    store = world["store"]
    before = store.count_works()
    path = write_jsonl(tmp_path / "t.jsonl", [{"id": "big", "type": "book", "titles": {"zh": "長" * 5_000_000}}])
    r = runner.invoke(["import", str(path)])
    assert r.exit_code == 1 and store.count_works() == before
