"""Issue 21, case 7 (not OAI): bad arguments are 400s, never 500s, and the API refuses what its contract refuses.

Before: ``/opds/...?page=1000000000000000000`` overflowed SQLite's OFFSET and
``page=²`` (a digit to ``str.isdigit``, not to ``int``) raised ValueError;
``/reports?year=0000`` or ``from=0000-01`` made a date of year 0, ``year=²²²²``
failed ``int``; ``GET /api/v1/search`` took ``type=`` and the like as "no filter"
(the spec says 400); ``POST …/versions/LANG`` took a string for ``keywords``
(the OpenAPI says an array); and any search of a library with no works yet
raised AttributeError in the bulk scorer.
"""

from __future__ import annotations

import re

import pytest

from .conftest import bearer, login

HUGE = "1000000000000000000"
OPDS_PAGED = ["/opds/all", "/opds/types/book", "/opds/subjects/physical-science", "/opds/languages/zh",
              "/opds/shared/no-such-list"]


def test_opds_page_numbers_out_of_range_or_not_ascii_are_400(client, world):
    for path in OPDS_PAGED:
        for page in (HUGE, "²", "１", "٣", "0", "-1", "1e3", " 1", "10001", "9" * 5000):
            r = client.get(path, query_string={"page": page})
            assert r.status_code == 400, (path, page, r.status_code)
    assert client.get("/opds/all", query_string={"page": "1"}).status_code == 200
    assert client.get("/opds/all", query_string={"page": "9999"}).status_code == 404  # past the last page


REPORT_ARGS = [({"year": "0000"}, "year"), ({"year": "²²²²"}, "year"), ({"year": "２０２６"}, "year"),
               ({"year": "٢٠٢٦"}, "year"), ({"year": "9999"}, "year"), ({"year": "2026", "quarter": "²"}, "quarter"),
               ({"year": "2026", "quarter": "5"}, "quarter"), ({"from": "0000-01"}, "from"),
               ({"to": "0000-12"}, "to"), ({"from": "²²²²-01"}, "from"), ({"from": "٢٠٢٦-01"}, "from"),
               ({"to": "9999-12"}, "to"), ({"from": "0001-01", "to": "0001-12"}, "from")]


def test_report_periods_no_calendar_has_are_400(client, world):
    login(client, "admin")
    for args, _ in REPORT_ARGS:
        assert client.get("/reports", query_string=args).status_code == 400, args
        assert client.get("/reports/collection.csv", query_string=args).status_code == 400, args
    assert client.get("/reports", query_string={"year": "2026", "quarter": "2"}).status_code == 200


def test_report_api_months_no_calendar_has_are_the_error_shape(client, world):
    for args, parameter in REPORT_ARGS:
        if "year" in args:
            continue  # the API takes months only
        r = client.get("/api/v1/reports/collection", query_string=args, headers=bearer(world, "admin"))
        assert r.status_code == 400, args
        assert r.get_json()["error"]["parameter"] == parameter


@pytest.mark.parametrize("name", ["type", "subject", "audience", "grade", "lang", "has"])
def test_search_refuses_an_empty_code(client, world, name):
    r = client.get("/api/v1/search", query_string={"q": "water", name: ""})
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_parameter" and r.get_json()["error"]["parameter"] == name
    r = client.get("/api/v1/search", query_string=[("q", "water"), ("lang", "zh"), (name, "")])
    assert r.status_code == 400 and r.get_json()["error"]["parameter"] == name
    assert client.get("/search", query_string={"q": "water", name: ""}).status_code == 400
    assert client.get("/opds/search", query_string={"q": "water", name: ""}).status_code == 400


def test_search_still_takes_its_parameters_left_out_or_empty_where_the_spec_allows(client, world):
    for args in ({}, {"q": ""}, {"q": "water", "page": ""}, {"q": "water", "per_page": ""}, {"lang": "zh"}):
        assert client.get("/api/v1/search", query_string=args).status_code == 200, args
    assert client.get("/api/v1/search", query_string={"q": "water", "type": ""}).status_code == 400


def test_versions_api_refuses_a_string_for_keywords(client, world):
    r = client.post("/api/v1/works/t-book/versions/bo", json={"title": "ཆུ།", "keywords": "ཆུ, འཕྲོད་བསྟེན"},
                    headers=bearer(world, "editor"))
    assert r.status_code == 400, r.get_json()
    error = r.get_json()["error"]
    assert "keywords" in error["message"]
    r = client.post("/api/v1/works/t-book/versions/bo", json={"title": "ཆུ།", "keywords": ["ཆུ", "འཕྲོད་བསྟེན"]},
                    headers=bearer(world, "editor"))
    assert r.status_code == 200 and r.get_json()["working"]["keywords"] == ["ཆུ", "འཕྲོད་བསྟེན"]
    # the editor form's one line is still split, by its view
    login(client, "editor")
    page = client.get("/editor/works/t-book/bo").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/editor/works/t-book/bo", data={"title": "ཆུ།", "description": "",
                                                     "keywords": "ཆུ, 水、 water，  ,", "csrf_token": token})
    assert r.status_code == 302
    st = client.get("/api/v1/works/t-book/versions/bo", headers=bearer(world, "editor")).get_json()
    assert st["working"]["keywords"] == ["ཆུ", "水", "water"]


def test_a_search_of_a_library_with_no_works_yet_is_an_empty_answer(app, client):
    from contentlib import indexing

    lib = app.extensions["contentlib"]
    indexing.drain(lib.store, lib.index)  # an index built from nothing, as on a first run
    for q in ("water", "ཚན་རིག" * 80, ("原子核物理" * 100)[:499], "bod skad"):
        r = client.get("/api/v1/search", query_string={"q": q})
        assert r.status_code == 200, q
        assert r.get_json()["total"] == 0 and r.get_json()["results"] == []
