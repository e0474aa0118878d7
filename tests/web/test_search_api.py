"""GET /api/v1/search as spec/search-api.md says, and the HTML search page."""

import shutil

import pytest

from contentlib import indexing


@pytest.fixture
def loaded(catalog_loaded):
    return catalog_loaded


def test_search_finds_tibetan_and_chinese(client, loaded):
    body = client.get("/api/v1/search?q=原子核").get_json()
    assert body["results"][0]["id"] == "t-atom"
    assert body["results"][0]["url"] == "/works/t-atom"
    assert set(body) >= {"query", "interpreted", "total", "page", "per_page", "results", "facets"}
    body = client.get("/api/v1/search", query_string={"q": "ཕོ་རྡུལ"}).get_json()
    assert [r["id"] for r in body["results"]][:1] == ["t-atom"]


def test_empty_query_browses_everything_newest_first(client, loaded):
    body = client.get("/api/v1/search").get_json()
    assert body["total"] == 3
    assert [r["id"] for r in body["results"]] == ["t-poster", "t-book", "t-atom"]


def test_filters_and_facets(client, loaded):
    body = client.get("/api/v1/search?lang=bo").get_json()
    assert {r["id"] for r in body["results"]} == {"t-atom", "t-poster"}
    body = client.get("/api/v1/search?type=book&type=poster&subject=health").get_json()
    assert [r["id"] for r in body["results"]] == ["t-book"]
    facets = client.get("/api/v1/search").get_json()["facets"]
    assert facets["type"] == {"video": 1, "book": 1, "poster": 1}
    assert facets["language"]["bo"] == 2


@pytest.mark.parametrize("query, parameter", [
    ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=0", "page"), ("page=x", "page"),
    ("type=film", "type"), ("subject=astrology", "subject"), ("lang=fr", "lang"), ("q=" + "x" * 501, "q"),
    ("has=image", "has"), ("has=video&has=cover", "has"),
])
def test_bad_parameters_get_400_json(client, loaded, query, parameter):
    resp = client.get("/api/v1/search?" + query)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "bad_parameter"
    assert resp.get_json()["error"]["parameter"] == parameter


@pytest.mark.parametrize("q", ['"unbalanced', "(((", "AND OR NOT", "title:x", "*", "a:b:c [x TO", "\x00\x01", "ཀ" * 500])
def test_hostile_queries_never_fail(client, loaded, q):
    assert client.get("/api/v1/search", query_string={"q": q}).status_code == 200


def test_missing_index_answers_503_then_is_rebuilt(client, app, loaded):
    res = app.extensions["contentlib"]
    res.index.close()
    shutil.rmtree(res.index_dir)
    resp = client.get("/api/v1/search?q=原子核")
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "index_unavailable"
    indexing.rebuild(res.store, res.index)
    assert client.get("/api/v1/search?q=原子核").get_json()["total"] >= 1


def test_work_api_returns_the_record(client, loaded):
    body = client.get("/api/v1/works/t-book").get_json()
    assert body["titles"] == {"zh": "高原饮水卫生", "en": "Drinking water on the plateau"}
    assert body["pages"] == 12
    assert client.get("/api/v1/works/nope").status_code == 404


def test_search_page_keeps_filters_in_the_url(client, loaded):
    html = client.get("/search?q=原子核&type=video", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/works/t-atom" in html
    assert 'name="type" value="video" checked' in html
    assert "<mark>" in html
    assert client.get("/search?per_page=0").status_code == 400


def test_has_filter_finds_works_with_a_public_file_of_a_kind(app, runner, tmp_path):
    """Real files through the import: a video with subtitles and a PDF; a work without files."""
    from tests.conftest import write_jsonl
    from tests.unit import media_samples as ms

    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    ms.make_pdf(folder / "media" / "book.pdf", pages=2)
    path = write_jsonl(folder / "works.jsonl", [
        {"id": "h-video", "type": "video", "titles": {"zh": "原子核视频"},
         "media": [{"path": "media/atom.mp4", "role": "original"},
                   {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"}]},
        {"id": "h-book", "type": "book", "titles": {"zh": "原子核图书"},
         "media": [{"path": "media/book.pdf", "role": "original"}]},
        {"id": "h-none", "type": "book", "titles": {"zh": "原子核"}}])
    assert runner.invoke(["import", str(path)]).exit_code == 0
    client = app.test_client()

    def ids(query):
        body = client.get("/api/v1/search?" + query).get_json()
        return sorted(r["id"] for r in body["results"])

    assert ids("has=video") == ["h-video"]
    assert ids("has=subtitles") == ["h-video"]
    assert ids("q=原子核&has=book") == ["h-book"]
    assert ids("q=原子核&has=book&has=video") == ["h-book", "h-video"]
    assert ids("has=audio") == []
    assert ids("q=原子核") == ["h-book", "h-none", "h-video"]
