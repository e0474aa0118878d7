"""Selections: each filter means what the search API's does, against the real store."""

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from catalog.cli_selection import selection_options
from contentlib import accounts, lists, records
from contentlib.errors import BadParameter
from contentlib.selection import Selection, select_works
from contentlib.store import versions, works
from tests.conftest import DATA

ALL = ["t-atom", "t-book", "t-poster"]


@pytest.fixture
def loaded(store):
    records.import_file(store, DATA / "works.jsonl")
    return store


def test_an_empty_selection_is_every_work(loaded):
    assert Selection().empty
    assert select_works(loaded, Selection()) == ALL


@pytest.mark.parametrize("selection, expected", [
    (Selection(type="book"), ["t-book"]),
    (Selection(type=("book", "poster")), ["t-book", "t-poster"]),  # OR within one filter
    (Selection(subject="health"), ["t-book"]),
    (Selection(audience="general-public"), ["t-poster"]),
    (Selection(lang="en"), ["t-book"]),
    (Selection(lang="bo"), ["t-atom", "t-poster"]),
    (Selection(lang="bo", type="poster"), ["t-poster"]),  # AND across filters
    (Selection(lang="en", type="poster"), []),
    (Selection(grade="junior-secondary"), ["t-atom"]),
    (Selection(grade="junior-secondary", type="book"), []),
    (Selection(has="video"), []),  # no files: nothing has a video
])
def test_filters_mean_what_the_search_api_says(loaded, selection, expected):
    assert select_works(loaded, selection) == expected


def test_an_unknown_grade_is_refused(loaded):
    with pytest.raises(BadParameter) as exc:
        select_works(loaded, Selection(grade="no-such-grade"))
    assert exc.value.parameter == "grade"


def test_query_uses_the_search_callable_only_when_set(loaded):
    asked = []

    def search(q):
        asked.append(q)
        return ["t-poster", "t-atom", "not-a-work"]

    assert select_works(loaded, Selection(q="  水 "), search) == ["t-atom", "t-poster"]
    assert asked == ["水"]
    select_works(loaded, Selection(type="book"), search)
    assert asked == ["水"]
    with pytest.raises(BadParameter):
        select_works(loaded, Selection(q="x"))


def test_since_keeps_works_changed_on_or_after_that_day(loaded):
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()
    with loaded.transaction() as conn:
        conn.execute(works.update().values(updated_at=old))
        conn.execute(versions.update().values(updated_at=old))
        conn.execute(versions.update().where(versions.c.work_id == "t-book").values(
            updated_at=dt.datetime(2024, 5, 2, 0, 0, tzinfo=dt.UTC).timestamp()))
    assert select_works(loaded, Selection(since=dt.date(2024, 5, 2))) == ["t-book"]
    assert select_works(loaded, Selection(since=dt.date(2024, 5, 3))) == []
    assert select_works(loaded, Selection(since="2019-12-31")) == ALL


def test_list_selects_a_teachers_list_in_its_order(loaded):
    teacher = accounts.create_user(loaded, "t", "teacher", "long enough password")
    wl = lists.create(loaded, teacher, "class 5")
    lists.add(loaded, teacher, wl.id, "t-poster")
    lists.add(loaded, teacher, wl.id, "t-atom")
    assert select_works(loaded, Selection(list_id=wl.id)) == ["t-poster", "t-atom"]
    assert select_works(loaded, Selection(list_id=str(wl.id), type="video")) == ["t-atom"]
    with pytest.raises(BadParameter) as info:
        select_works(loaded, Selection(list_id=wl.id + 1))
    assert info.value.parameter == "list"


@pytest.mark.parametrize("kwargs, parameter", [
    ({"type": "film"}, "type"), ({"lang": "fr"}, "lang"), ({"since": "2024-13-01"}, "since"),
    ({"since": "yesterday"}, "since"), ({"list_id": "abc"}, "list"), ({"q": "x" * 501}, "q"),
])
def test_bad_values_are_refused_when_built(kwargs, parameter):
    with pytest.raises(BadParameter) as info:
        Selection(**kwargs)
    assert info.value.parameter == parameter


def test_unknown_vocabulary_codes_are_refused(loaded):
    for kwargs, parameter in (({"subject": "astrology"}, "subject"), ({"audience": "aliens"}, "audience")):
        with pytest.raises(BadParameter) as info:
            select_works(loaded, Selection(**kwargs))
        assert info.value.parameter == parameter


def test_as_dict_names_only_what_is_set():
    sel = Selection(type="video", lang=("bo", "zh"), since=dt.date(2024, 1, 2), list_id=3)
    assert sel.as_dict() == {"type": ["video"], "lang": ["bo", "zh"], "list_id": 3, "since": "2024-01-02"}
    assert Selection().as_dict() == {}


def test_the_click_flags_build_a_selection_and_bad_values_are_one_line_errors():
    seen = {}

    @click.command()
    @selection_options
    def cmd(selection):
        seen["sel"] = selection

    runner = CliRunner()
    result = runner.invoke(cmd, ["--q", "水", "--type", "video", "--type", "book", "--subject", "health",
                                 "--audience", "youth", "--lang", "bo", "--list", "4", "--since", "2024-02-03"])
    assert result.exit_code == 0, result.output
    assert seen["sel"] == Selection(q="水", type=("video", "book"), subject="health", audience="youth", lang="bo",
                                    list_id=4, since=dt.date(2024, 2, 3))
    bad = runner.invoke(cmd, ["--since", "2024-02-30"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == ["Error: --since: '2024-02-30' is not a date (YYYY-MM-DD)"]
    assert "Traceback" not in bad.output
