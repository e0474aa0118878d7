"""The lexicon the library learns from its own pairs: alignment, build, glossary, deletion (both databases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentlib import glossary, records
from contentlib.crosslang import align, lexicon, reach, units
from tests.conftest import write_jsonl

DEMO = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo" / "catalog.jsonl"


def demo_records(n=120):
    """Bilingual demo works without their media (text is all the lexicon reads)."""
    out = []
    for line in DEMO.open(encoding="utf-8"):
        rec = json.loads(line)
        if {"bo", "zh"} <= set(rec.get("titles", {})) and not rec.get("media"):
            rec.pop("media", None)
            out.append(rec)
        if len(out) == n:
            break
    return out


def test_model_one_finds_the_pair_that_always_co_occurs():
    pairs = [(["a", "b"], ["x", "y"]), (["a", "c"], ["x", "z"]), (["b"], ["y"]), (["c", "d"], ["z", "w"])]
    table = align.train(pairs, iterations=10).as_dict()
    assert max((p, e) for (f, e), p in table.items() if f == "a")[1] == "x"
    assert max((p, e) for (f, e), p in table.items() if f == "b")[1] == "y"
    assert table[("a", "x")] > 0.6


def test_units_are_the_index_forms():
    assert units.bo_units("བོད་ཀྱི་") == ["བོད", "ཀྱི", "བོད\u0f0bཀྱི"]
    assert "#星" in units.zh_query_units("恒星") and "恒星" in units.zh_query_units("恒星")
    assert units.zh_target_units("恒星很亮") == ["恒星", "很亮", "星很"] or "恒星" in units.zh_target_units("恒星很亮")
    assert units.sentence_pairs("ཀ་ཁ། ག་ང།", "甲乙。丙丁。") == [("ཀ་ཁ", "甲乙。"), ("ག་ང", "丙丁。")]


def _import(store, tmp_path, recs, name="c.jsonl"):
    report = records.import_file(store, write_jsonl(tmp_path / name, recs))
    assert not report.problems
    return report


RARE = {"id": "pair-rare", "type": "book", "titles": {"bo": "ཀྲོང་ཀྲོང", "zh": "鼍鼍"}}


def test_a_published_pair_adds_its_terms_and_a_deleted_one_leaves(store, tmp_path):
    _import(store, tmp_path, demo_records(60) + [RARE])
    info = reach.build(store)
    assert info["works"] == 61 and info["pairs"] >= 61 and info["entries"] > 0
    found = store.lexicon_targets(lexicon.BO_ZH, ["ཀྲོང\u0f0bཀྲོང"])
    assert [t for t, _ in found["ཀྲོང\u0f0bཀྲོང"]][0] == "鼍鼍"
    back = lexicon.read("zh", "鼍鼍", reach.Reach(store).lookup)
    assert back.lang == "bo" and {"ཀྲོང", "ཀྲོང\u0f0bཀྲོང"} & {t for t, _ in back.terms[:2]}

    store.delete_work("pair-rare")
    second = reach.build(store)
    assert second["generation"] == info["generation"] + 1 and second["works"] == 60
    assert store.lexicon_targets(lexicon.BO_ZH, ["ཀྲོང\u0f0bཀྲོང"]) == {}


def test_a_glossary_entry_overrides_what_was_learned(store, tmp_path):
    _import(store, tmp_path, demo_records(40))
    glossary.add(store, "冰川", "འཁྱགས་རོམ")
    reach.build(store)
    rd = lexicon.read("zh", "冰川", reach.Reach(store).lookup, glossary.expansions(store, "冰川"))
    assert rd.lang == "bo"
    assert rd.terms[0][0] == "འཁྱགས་རོམ" and rd.terms[0][1] >= max(w for _, w in rd.terms)
    assert rd.via[0] == "འཁྱགས་རོམ"


def test_the_lexicon_is_stale_after_enough_new_pairs(store, tmp_path):
    recs = demo_records(90)
    _import(store, tmp_path, recs[:60])
    assert reach.stale(store)  # never built
    reach.build(store)
    assert not reach.stale(store)
    _import(store, tmp_path, recs[60:70], "more.jsonl")
    assert not reach.stale(store)  # 10 new: fewer than NEW_PAIRS
    _import(store, tmp_path, recs[70:], "more2.jsonl")
    assert reach.stale(store)


def test_query_language_reads_script_ewts_and_pinyin():
    assert reach.query_language("བོད་སྐད") == ("bo", "བོད་སྐད")
    assert reach.query_language("恒星")[0] == "zh"
    assert reach.query_language("bod skad")[0] == "bo"
    assert reach.query_language("2019") is None


def test_build_refuses_nothing_on_an_empty_library(store):
    info = reach.build(store)
    assert info == {**info, "pairs": 0, "works": 0, "entries": 0}
    assert lexicon.read("bo", "བོད", reach.Reach(store).lookup).terms == []


@pytest.mark.parametrize("text", ["", " ", "\u0f0b\u0f0d", "!!"])
def test_reading_odd_text_gives_nothing_and_never_raises(text):
    assert lexicon.read("bo", text, lambda d, s: {}).terms == []


def test_both_directions_from_one_table_equal_two_trainings():
    pairs = [(["a", "b", "c"], ["x", "y"]), (["a", "c"], ["x"]), ([], ["y", "z"]), (["b", "d"], []),
             (["d", "a"], ["z", "x", "w"]), (["c"], ["y"])]
    forward, backward = align.train_both(pairs, iterations=5)
    for one, apart in ((forward, align.train(pairs, iterations=5)),
                       (backward, align.train([(e, f) for f, e in pairs], iterations=5))):
        assert one.sources == apart.sources and one.targets == apart.targets
        assert one.source.tolist() == apart.source.tolist() and one.target.tolist() == apart.target.tolist()
        assert one.prob.tolist() == pytest.approx(apart.prob.tolist(), abs=1e-6)


def test_a_pair_counted_n_times_trains_as_n_copies_of_it():
    once = [(["a", "b", "c"], ["x", "y"]), (["a", "c"], ["x"]), ([], ["y", "z"]), (["b", "d"], []),
            (["d", "a"], ["z", "x", "w"]), (["c"], ["y"])]
    counts = [3, 1, 2, 1, 4, 1]
    copies = [pair for pair, n in zip(once, counts) for _ in range(n)]
    for counted, copied in zip(align.train_both(once, iterations=5, counts=counts),
                               align.train_both(copies, iterations=5)):
        assert counted.sources == copied.sources and counted.targets == copied.targets
        assert counted.source.tolist() == copied.source.tolist()
        assert counted.prob.tolist() == pytest.approx(copied.prob.tolist(), abs=1e-6)
    # and the counts matter: the same pairs counted once each learn something else
    assert align.train_both(once, iterations=5)[0].prob.tolist() != pytest.approx(
        align.train_both(once, iterations=5, counts=counts)[0].prob.tolist(), abs=1e-6)


def test_past_its_row_budget_the_lexicon_learns_from_the_shortest_pairs():
    short = [("ཆུ", "水")] * 3 + [("མེ", "火")] * 3
    long = ("ཆུ་དང་མེ་དང་རླུང་དང་ས་གཞི་ནི་འབྱུང་བ་བཞི་ཡིན", "水、火、风和土是四大元素")
    everything = {(e.direction, e.source, e.target) for e in lexicon.build(short + [long])}
    budget = {(e.direction, e.source, e.target) for e in lexicon.build(short + [long], max_rows=20)}
    assert budget and budget < everything
    assert not any(e[1] == "རླུང" or e[2] == "རླུང" for e in budget)  # only the long pair holds wind
    assert any(e[1] == "རླུང" or e[2] == "རླུང" for e in everything)
    assert lexicon.build(short + [long], max_rows=0) == []


def _lexicon_keys(store):
    return list(dict.fromkeys((d, s) for d, s, _, _ in store.lexicon_rows()))


def test_the_lexicon_loaded_whole_reads_as_the_database(store, tmp_path):
    _import(store, tmp_path, demo_records(60) + [RARE])
    glossary.add(store, "冰川", "འཁྱགས་རོམ")
    reach.build(store)
    loaded, plain = reach.Reach(store), reach.Reach(store)
    table = loaded.load()
    keys = _lexicon_keys(store)
    assert table is not None and table.sources == len(keys) > 100
    for direction, source in keys:  # every entry, its weights exact and best first
        assert table.get(direction, source) == store.lexicon_targets(direction, [source])[source]
    assert table.get(lexicon.BO_ZH, "not a unit") == []
    for lang, text in [("zh", "鼍鼍"), ("zh", "冰川融化"), ("bo", "ཀྲོང་ཀྲོང"), ("bo", "བོད་ཀྱི་ལོ་རྒྱུས"), ("zh", "")]:
        expansions = glossary.expansions(store, text)
        assert lexicon.read(lang, text, loaded.lookup, expansions) == lexicon.read(lang, text, plain.lookup, expansions)
    assert reach.Reach(store).load() is not None and loaded._table is table


def test_a_loaded_lexicon_follows_a_rebuild_in_another_process(store, db_url, tmp_path):
    import subprocess
    import sys

    _import(store, tmp_path, demo_records(40) + [RARE])
    first = reach.build(store)["generation"]
    pair = "ཀྲོང\u0f0bཀྲོང"
    waiting = reach.Reach(store, recheck=0, background=False)
    behind = reach.Reach(store, recheck=0)  # loads the new one in a thread, reads the database meanwhile
    assert waiting.load().generation == behind.load().generation == first
    assert [t for t, _ in waiting.lookup(lexicon.BO_ZH, [pair])[pair]][0] == "鼍鼍"
    rebuild = ("import sys; from contentlib.store import Store; from contentlib.crosslang import reach;"
               "s = Store.from_url(sys.argv[1]); s.delete_work('pair-rare'); print(reach.build(s)['generation'])")
    out = subprocess.run([sys.executable, "-c", rebuild, db_url], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert int(out.stdout) == first + 1
    assert waiting.lookup(lexicon.BO_ZH, [pair]) == {pair: []}
    assert waiting._table.generation == first + 1
    assert behind.lookup(lexicon.BO_ZH, [pair]) == {pair: []}  # the database's answer, or the new table's
    behind._loading.join(30)
    assert behind._table.generation == first + 1
    assert behind.lookup(lexicon.BO_ZH, [pair]) == {pair: []}


def test_a_lexicon_that_fails_to_load_again_leaves_look_ups_to_the_database(store, tmp_path, monkeypatch, caplog):
    _import(store, tmp_path, demo_records(40) + [RARE])
    first = reach.build(store)["generation"]
    pair = "ཀྲོང\u0f0bཀྲོང"
    r = reach.Reach(store, recheck=0, background=False)
    r.load()
    store.delete_work("pair-rare")
    reach.build(store)
    rows = store.lexicon_rows

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(store, "lexicon_rows", broken)
    assert r.lookup(lexicon.BO_ZH, [pair]) == {pair: []}  # the new generation's answer, from the database
    assert r._table.generation == first and "the new lexicon could not be loaded" in caplog.text
    monkeypatch.setattr(store, "lexicon_rows", rows)
    assert r.lookup(lexicon.BO_ZH, [pair]) == {pair: []}
    assert r._table.generation == first + 1
