"""Counts travel back: two county libraries export, a third imports them and reports per county."""

import json

import pytest
import sqlalchemy as sa

from contentlib import reports, usage
from contentlib.tables import usage_imported, usage_libraries
from tests.conftest import write_jsonl


class Library:
    """One installation in its own home, with its app, test client and CLI."""

    def __init__(self, home, name):
        from catalog import create_app

        home.mkdir(parents=True)
        self.app = create_app({
            "TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB", "CONTENTLIB_HOME": str(home),
            "CONTENTLIB_INSTANCE_DIR": str(home), "CONTENTLIB_DATABASE_URL": f"sqlite:///{home / 'db.sqlite'}",
            "CONTENTLIB_INDEX_DIR": str(home / "index"), "CONTENTLIB_MEDIA_DIR": str(home / "media"),
            "CONTENTLIB_LIBRARY_NAME": name})
        self.store = self.app.extensions["contentlib"].store
        self.client = self.app.test_client()

    def run(self, *args):
        from catalog.cli import cli

        return self.app.test_cli_runner().invoke(cli, args=list(args))


@pytest.fixture
def libraries(tmp_path, monkeypatch):
    for name in ("CONTENTLIB_HOME", "CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    works = write_jsonl(tmp_path / "works.jsonl", [
        {"id": "w-heart", "type": "video", "titles": {"zh": "心脏", "bo": "སྙིང་།"}, "subjects": ["health"]},
        {"id": "w-star", "type": "book", "titles": {"zh": "星星"}, "subjects": ["earth-space"]}])
    made = {}
    for key, name in (("a", "རྫོང་ A County"), ("b", "B县图书馆"), ("province", "Province")):
        lib = Library(tmp_path / key, name)
        assert lib.run("import", str(works)).exit_code == 0
        made[key] = lib
    yield made
    for lib in made.values():
        lib.store.close()


def view(lib, work_id, accept, times):
    for _ in range(times):
        assert lib.client.get(f"/works/{work_id}", headers={"Accept-Language": accept}).status_code == 200


def test_two_counties_imported_into_a_third_give_per_county_figures(libraries, tmp_path):
    a, b, province = libraries["a"], libraries["b"], libraries["province"]
    view(a, "w-heart", "bo", 3)
    view(a, "w-star", "zh", 1)
    view(b, "w-heart", "zh", 5)
    view(province, "w-star", "en", 2)
    for key in ("a", "b"):
        result = libraries[key].run("report", "export", str(tmp_path / f"{key}.json"))
        assert result.exit_code == 0, result.output
    first = [province.run("report", "import", str(tmp_path / f"{k}.json")) for k in ("a", "b")]
    assert all(r.exit_code == 0 for r in first), [r.output for r in first]
    assert "རྫོང་ A County" in first[0].output
    province.app.extensions["contentlib_usage"].flush()
    month = usage.month_of(usage.today())
    period = reports.Period(month, month)
    body = reports.usage(province.store, period)
    libs = {lib["name"]: lib for lib in body["totals"]["libraries"]}
    assert set(libs) == {"Province", "རྫོང་ A County", "B县图书馆"}
    assert libs["Province"]["local"] and libs["Province"]["views"] == 2
    assert libs["རྫོང་ A County"]["views"] == 4 and libs["B县图书馆"]["views"] == 5
    assert body["totals"]["views"] == 11
    assert body["totals"]["by_language"] == {"bo": 3, "en": 2, "zh": 6}
    a_id = json.loads((tmp_path / "a.json").read_text())["library"]["id"]
    only_a = reports.usage(province.store, period, library=a_id)
    assert [t["work_id"] for t in only_a["totals"]["top"]["bo"]] == ["w-heart"]

    def state():
        with province.store.engine.connect() as conn:
            return (sorted(map(tuple, conn.execute(sa.select(usage_imported)))),
                    sorted((r.id, r.name, r.period_from, r.period_to) for r in conn.execute(sa.select(usage_libraries))))

    before = state()
    for key in ("a", "b", "a"):  # the same files again: nothing changes
        assert province.run("report", "import", str(tmp_path / f"{key}.json")).exit_code == 0
    assert state() == before
    assert reports.usage(province.store, period) == body
    # The county counts more and exports again: its months are replaced, not added to.
    view(a, "w-heart", "bo", 1)
    assert a.run("report", "export", str(tmp_path / "a2.json")).exit_code == 0
    assert province.run("report", "import", str(tmp_path / "a2.json")).exit_code == 0
    libs = {lib["name"]: lib for lib in reports.usage(province.store, period)["totals"]["libraries"]}
    assert libs["རྫོང་ A County"]["views"] == 5


def test_export_since_a_date_and_the_file_format(libraries, tmp_path):
    a = libraries["a"]
    view(a, "w-heart", "bo", 2)
    out = tmp_path / "a.json"
    result = a.run("report", "export", str(out), "--since", "2020-02-17")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "contentlib-usage/1"
    assert data["library"]["name"] == "རྫོང་ A County" and len(data["library"]["id"]) == 32
    assert data["period"] == {"from": "2020-02", "to": usage.month_of(usage.today())}
    assert data["counts"] == [{"month": usage.month_of(usage.today()), "work_id": "w-heart", "lang": "bo",
                               "kind": "view", "count": 2}]
    # The id is the library's signing identity's (the one its bundles carry), kept from one export to the next.
    from contentlib import keys

    assert data["library"]["id"] == keys.identity(a.app.config["CONTENTLIB_INSTANCE_DIR"]).id
    assert a.run("report", "export", str(out)).exit_code == 0
    assert json.loads(out.read_text())["library"]["id"] == data["library"]["id"]
    # Its own file is refused on import.
    result = a.run("report", "import", str(out))
    assert result.exit_code == 1 and "own counts" in result.output


def test_a_bad_file_imports_nothing(libraries, tmp_path):
    province = libraries["province"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = province.run("report", "import", str(bad))
    assert result.exit_code == 1 and "not JSON" in result.output and "nothing was imported" in result.output
    bad.write_text(json.dumps({"format": "contentlib-usage/1", "library": {"id": "x", "name": "X"},
                               "period": {"from": "2026-01", "to": "2026-01"},
                               "counts": [{"month": "2026-01", "work_id": "w-heart", "lang": "bo", "kind": "view",
                                           "count": 2},
                                          {"month": "2026-02", "work_id": "w-heart", "lang": "bo", "kind": "view",
                                           "count": 1}]}), encoding="utf-8")
    result = province.run("report", "import", str(bad))
    assert result.exit_code == 1 and "counts[1].month" in result.output
    with province.store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(usage_imported)).scalar() == 0
