"""Case 5: every CSV export goes through one writer that neutralises formulas."""

from __future__ import annotations

import csv
import io

import pytest

from contentlib import csvsafe, glossary

HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.invalid","y")', "@SUM(1)", "+1-1", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_to_csv_neutralises_a_leading_formula(value):
    rows = list(csv.reader(io.StringIO(csvsafe.to_csv(["a"], [[value]]))))
    assert rows[1][0] == "'" + value
    assert csvsafe.uncell(rows[1][0]) == value


def test_plain_cells_are_kept_as_written():
    text = csvsafe.to_csv(["zh", "bo"], [["原子核", "ལྟེ་ཉིང་"], ["a=b", None]])
    assert list(csv.reader(io.StringIO(text))) == [["zh", "bo"], ["原子核", "ལྟེ་ཉིང་"], ["a=b", ""]]


def test_glossary_csv_has_no_live_formula_and_round_trips(client, world, tmp_path):
    store = world["store"]
    for i, value in enumerate(HOSTILE[:4]):
        glossary.add(store, value, f"ཚིག{i}", note=HOSTILE[-3 + i % 3] if i < 3 else "@SUM(2)")
    r = client.get("/glossary.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(csvsafe.FORMULA_STARTS), row
    before = [(e.zh, e.bo, e.note) for e in glossary.entries(store)]
    glossary.import_csv(store, r.get_data(as_text=True))  # importing the export changes nothing
    assert [(e.zh, e.bo, e.note) for e in glossary.entries(store)] == before


def test_coverage_csv_uses_the_same_writer(client, world):
    from contentlib import coverage

    text = coverage.to_translate_csv([{"id": "x", "title": "=1+1", "type": "book", "subjects": [],
                                       "audiences": ["@a"]}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'=1+1" and rows[1][4] == "'@a"
