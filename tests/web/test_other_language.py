"""The search's ``other_language`` block, asking for a translation, unmet searches and the demand they make."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from contentlib import indexing, records
from tests.conftest import PASSWORD, ROLES, TEST_SECRET, Runner, write_jsonl
from tests.unit.test_crosslang import demo_records

UA = "Mozilla/5.0 (test-agent-7f3e)"
ADDR = "203.0.113.77"


def _records():
    """140 bilingual demo works: 20 made Chinese-only and 20 Tibetan-only."""
    recs = demo_records(140)
    for rec in recs[100:120]:
        for key in ("titles", "descriptions", "keywords"):
            (rec.get(key) or {}).pop("bo", None)
            (rec.get(key) or {}).pop("en", None)
    for rec in recs[120:]:
        for key in ("titles", "descriptions", "keywords"):
            (rec.get(key) or {}).pop("zh", None)
            (rec.get(key) or {}).pop("en", None)
    return recs


@pytest.fixture(scope="module")
def reach_home(tmp_path_factory):
    """A home with the works imported, indexed and the lexicon learned, made once for the module."""
    from catalog import create_app
    home = tmp_path_factory.mktemp("reach-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTENTLIB_HOME", str(home))
        for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
            mp.delenv(name, raising=False)
        app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET})
        lib = app.extensions["contentlib"]
        records.import_file(lib.store, write_jsonl(tmp_path_factory.mktemp("src") / "reach.jsonl", _records()))
        indexing.drain(lib.store, lib.index)
        lib.build_lexicon()
        lib.store.close()
    return home


@pytest.fixture
def reach_app(home, reach_home):
    """The app over a copy of ``reach_home`` (each test may change its copy)."""
    from catalog import create_app
    shutil.copytree(reach_home, home, dirs_exist_ok=True, symlinks=True)
    app = create_app({"TESTING": True, "CONTENTLIB_SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": True})
    app.recs = _records()
    yield app
    app.extensions["contentlib"].store.close()


@pytest.fixture
def client(reach_app):
    return reach_app.test_client()


@pytest.fixture
def runner(reach_app):
    return Runner(reach_app)


@pytest.fixture
def users(reach_app):
    from contentlib import accounts
    store = reach_app.extensions["contentlib"].store
    for role in ROLES:
        accounts.create_user(store, role, role, PASSWORD)
    return store


def search(client, **params):
    r = client.get("/api/v1/search", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_a_tibetan_query_reaches_chinese_only_works(reach_app, client):
    only_zh = {r["id"] for r in reach_app.recs[100:120]}
    found = 0
    for rec in reach_app.recs[100:120]:
        zh = rec["titles"]["zh"]
        # the Tibetan side of this work is gone: ask with the Tibetan of a sibling work's words instead
        body = search(client, q=demo_tibetan_for(reach_app, zh))
        block = body.get("other_language")
        assert block is not None and block["lang"] == "zh"
        assert set(block) == {"lang", "total", "results"} and len(block["results"]) <= 10
        for hit in block["results"]:
            assert "bo" not in hit["languages"] and hit["id"] in only_zh
            assert set(hit) >= {"id", "type", "titles", "languages", "score", "via", "url"}
            assert hit["url"] == f"/works/{hit['id']}"
        found += any(h["id"] == rec["id"] for h in block["results"])
    assert found > 0, "no Chinese-only work was reached from Tibetan"


def demo_tibetan_for(app, zh_title):
    """Tibetan syllables the lexicon reads as the title's rarest learned Chinese words."""
    lib = app.extensions["contentlib"]
    from contentlib.crosslang import lexicon, units
    targets = set(units.zh_target_units(zh_title))
    best = []
    import sqlalchemy as sa

    from contentlib.tables import lexicon_entries
    with lib.store.engine.connect() as conn:
        rows = conn.execute(sa.select(lexicon_entries.c.source, lexicon_entries.c.target, lexicon_entries.c.weight)
                            .where(lexicon_entries.c.direction == lexicon.BO_ZH,
                                   lexicon_entries.c.target.in_(sorted(targets)))).all()
    rows = sorted((r for r in rows if "\u0f0b" not in r.source), key=lambda r: -r.weight)
    best = list(dict.fromkeys(r.source for r in rows))[:3] or ["བོད"]
    return "\u0f0b".join(best)


def test_the_block_leaves_results_and_total_alone_and_applies_the_filters(reach_app, client):
    lib = reach_app.extensions["contentlib"]
    q = "རྒྱལ་ཁབ"
    plain = lib.search(q)
    body = search(client, q=q)
    assert body["total"] == plain.total and [r["id"] for r in body["results"]] == [h.id for h in plain.results]
    assert "other_language" in body
    books = search(client, q=q, type="book")
    ids = [h["id"] for h in books["other_language"]["results"]]
    types = {r["id"]: r["type"] for r in reach_app.recs}
    assert all(types[i] == "book" for i in ids)


def test_no_block_for_a_query_in_neither_script(reach_app, client):
    assert "other_language" not in search(client, q="2019")
    assert "other_language" not in search(client)


def test_a_chinese_query_reaches_tibetan_only_works(reach_app, client):
    body = search(client, q="科学家")
    assert body["other_language"]["lang"] == "bo"
    assert all("zh" not in h["languages"] for h in body["other_language"]["results"])


def test_ask_answers_202_counts_aggregates_only_and_keeps_no_visitor(reach_app, client, home):
    rec = reach_app.recs[100]  # Chinese only
    r = client.post(f"/api/v1/works/{rec['id']}/ask", json={"lang": "bo"},
                    headers={"User-Agent": UA}, environ_base={"REMOTE_ADDR": ADDR})
    assert r.status_code == 202 and r.get_json() == {"work": rec["id"], "lang": "bo", "asked": True}
    assert client.post(f"/api/v1/works/{rec['id']}/ask", json={"lang": "zh"}).status_code == 400  # it has zh
    assert client.post(f"/api/v1/works/{rec['id']}/ask", json={"lang": "en"}).status_code == 400
    assert client.post(f"/api/v1/works/{rec['id']}/ask", data="lang=bo").status_code == 400
    assert client.post("/api/v1/works/no-such-work/ask", json={"lang": "bo"}).status_code == 404
    lib = reach_app.extensions["contentlib"]
    counter = reach_app.extensions.get("contentlib_usage")
    if counter is not None:
        counter.flush()
    from contentlib.reports import parse_period
    wanted, _ = lib.wanted(parse_period(None, None))
    assert {"work": rec["id"], "lang": "bo", "asks": 1, "searches": 0} in wanted
    lib.store.close()
    raw = b"".join(p.read_bytes() for p in home.rglob("*.db*") if p.is_file())
    assert UA.encode() not in raw and ADDR.encode() not in raw


def test_the_form_counts_once_per_browser_session(reach_app, client, auth):
    rec = reach_app.recs[101]
    page = client.get(f"/works/{rec['id']}").get_data(as_text=True)
    assert 'class="ask"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(3):
        r = client.post(f"/works/{rec['id']}/ask", data={"lang": "bo", "csrf_token": token})
        assert r.status_code == 302 and "asked=1" in r.headers["Location"]
    lib = reach_app.extensions["contentlib"]
    counter = reach_app.extensions.get("contentlib_usage")
    if counter is not None:
        counter.flush()
    from contentlib.reports import parse_period
    wanted, _ = lib.wanted(parse_period(None, None))
    assert [w["asks"] for w in wanted if w["work"] == rec["id"]] == [1]
    assert client.post(f"/works/{rec['id']}/ask", data={"lang": "bo"}).status_code == 400  # no CSRF token


def test_a_flood_of_asks_is_refused_not_stored(reach_app, client):
    from contentlib.crosslang.demand import Bucket
    lib = reach_app.extensions["contentlib"]
    lib._asks = Bucket(rate=0.0, burst=5)
    rec = reach_app.recs[102]
    codes = [client.post(f"/api/v1/works/{rec['id']}/ask", json={"lang": "bo"}).status_code for _ in range(12)]
    assert codes.count(202) == 5 and codes.count(429) == 7


def test_unmet_searches_are_shown_from_three_asks(reach_app, client, auth, users):
    lib = reach_app.extensions["contentlib"]
    rare, common = "ཀྲོང་ཀྲོང་ཀྲོང", "ཞིང་ཞིང་ཞིང"
    for _ in range(2):
        search(client, q=rare)
    for _ in range(3):
        search(client, q=common)
    lib.unmet_counter().flush()
    auth.login("reviewer")
    report = client.get("/api/v1/reports/demand").get_json()
    shown = {u["q"] for u in report["unmet_queries"]}
    assert common in shown and rare not in shown
    assert set(report) == {"months", "wanted", "unmet_queries"}
    assert report["unmet_queries"][0] == {"q": common, "lang": "bo", "count": 3}


def test_the_demand_report_is_for_reviewers_and_admins(reach_app, client, auth, users):
    assert client.get("/api/v1/reports/demand").status_code == 401
    auth.login("teacher")
    assert client.get("/api/v1/reports/demand").status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.get("/api/v1/reports/demand?from=2026-13").status_code == 400
    assert client.get("/api/v1/reports/demand").status_code == 200


def test_most_wanted_ranks_by_asks_and_searches_on_the_queue_and_coverage(reach_app, client, auth, users):
    from contentlib import usage
    lib = reach_app.extensions["contentlib"]
    a, b = reach_app.recs[103]["id"], reach_app.recs[104]["id"]
    today = usage.today()
    usage.add_counts(lib.store, {(today, a, "bo", "ask"): 2, (today, b, "bo", "ask"): 5})
    top = lib.most_wanted()
    assert [r["work"] for r in top[:2]] == [b, a] and top[0]["asks"] == 5
    auth.login("editor")
    for path in ("/editor/", "/coverage"):
        page = client.get(path).get_data(as_text=True)
        assert 'id="most-wanted"' in page
        assert page.index(f"/editor/works/{b}/bo") < page.index(f"/editor/works/{a}/bo")


def test_asks_travel_with_the_use_counts(reach_app, client, tmp_path, runner):
    from contentlib import usage
    lib = reach_app.extensions["contentlib"]
    rec = reach_app.recs[105]
    usage.add_counts(lib.store, {(usage.today(), rec["id"], "bo", "ask"): 4})
    out = tmp_path / "counts.json"
    assert runner.invoke(["report", "export", str(out)]).exit_code == 0
    data = json.loads(out.read_text("utf-8"))
    assert any(c["kind"] == "ask" and c["work_id"] == rec["id"] and c["count"] == 4 for c in data["counts"])
    data["library"] = {"id": "county-7", "name": "County 7"}
    from contentlib.store import Store
    other = Store.from_url(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        usage.import_counts(other, data)
        assert other.ask_counts(usage.today().replace(day=1), usage.today().replace(year=usage.today().year + 1),
                                [usage.month_of(usage.today())]) == {(rec["id"], "bo"): 4}
    finally:
        other.close()


def test_the_lexicon_page_shows_what_was_learned_and_offers_the_glossary(reach_app, client, auth, users):
    assert client.get("/editor/lexicon?q=科学").status_code in (302, 401, 403)
    auth.login("editor")
    page = client.get("/editor/lexicon?q=科学").get_data(as_text=True)
    assert "lexicon-unit" in page and 'action="/glossary"' in page
    assert client.get("/editor/lexicon?q=%3Cscript%3E").status_code == 200


def test_lexicon_build_command_works_from_the_database(reach_app, runner):
    result = runner.invoke(["lexicon", "build"])
    assert result.exit_code == 0 and "entries from" in result.output


def test_unmet_searches_travel_only_once_asked_three_times(reach_app, client, tmp_path, runner):
    lib = reach_app.extensions["contentlib"]
    often, once = "ཞིང་ཞིང་ཞིང", "ཀྲོང་ཀྲོང་ཀྲོང"
    for q in (often, often, often, once):
        search(client, q=q)
    lib.unmet_counter().flush()
    out = tmp_path / "counts.json"
    assert runner.invoke(["report", "export", str(out)]).exit_code == 0
    data = json.loads(out.read_text("utf-8"))
    assert [(u["q"], u["count"]) for u in data["unmet"]] == [(often, 3)]
    data["library"] = {"id": "county-8", "name": "County 8"}
    from contentlib import usage
    from contentlib.store import Store
    other = Store.from_url(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        usage.import_counts(other, data)
        usage.import_counts(other, data)  # again: replaced, not added
        assert other.unmet_rows() == [(often, "bo", 3)]
        bad = {**data, "unmet": [{"month": data["period"]["to"], "lang": "xx", "q": "", "count": -1}]}
        with pytest.raises(Exception) as refused:
            usage.import_counts(other, bad)
        assert {"unmet[0].lang", "unmet[0].q", "unmet[0].count"} <= {w for w, _ in refused.value.problems}
        assert other.unmet_rows() == [(often, "bo", 3)]
    finally:
        other.close()


def test_the_demand_report_refuses_an_empty_month(reach_app, client, auth, users):
    auth.login("reviewer")
    for query in ("to=", "from=", "from=2026-01&to="):
        r = client.get(f"/api/v1/reports/demand?{query}")
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_parameter"
    assert client.get("/api/v1/reports/views?to=").status_code in (400, 404)


def test_the_server_loads_the_lexicon_before_it_serves_and_answers_alike(reach_app, client):
    from catalog import serving
    lib = reach_app.extensions["contentlib"]
    queries = [demo_tibetan_for(reach_app, rec["titles"]["zh"]) for rec in reach_app.recs[100:110]]
    queries += [rec["titles"]["zh"][:4] for rec in demo_records(140)[120:130]]  # to the Tibetan-only works
    from_database = [search(client, q=q).get("other_language") for q in queries]
    assert lib.reach._table is None and any(b and b["results"] for b in from_database)
    assert serving._warm_up(reach_app) is lib
    assert lib.reach._table is not None and lib.reach._table.generation == lib.store.lexicon_state().generation
    lib.reach._cache.clear()  # nothing from the database now: the loaded table answers
    assert [search(client, q=q).get("other_language") for q in queries] == from_database
    assert not lib.reach._cache


def test_a_server_whose_lexicon_cannot_load_serves_anyway(reach_app, client, monkeypatch, caplog):
    from catalog import serving
    lib = reach_app.extensions["contentlib"]

    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr(lib.reach, "load", broken)
    assert serving._warm_up(reach_app) is lib
    assert "the lexicon was not loaded at start" in caplog.text
    q = demo_tibetan_for(reach_app, reach_app.recs[100]["titles"]["zh"])
    assert search(client, q=q)["other_language"]["lang"] == "zh"
