"""Coverage counts, the glossary (hints, expansions, CSV) and teachers' lists on the real store."""

import pytest

from contentlib import accounts, coverage, glossary, lists, workflow
from contentlib.errors import InvalidRecord, NotAllowed, NotFound
from contentlib.model import Version, Work
from contentlib.store import Store

EDITOR, REVIEWER = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")


@pytest.fixture
def store(tmp_path):
    s = Store.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.put_works([
        Work("w1", "book", {"zh": Version("zh", "原子")}, subjects=["health"], audiences=["youth"]),
        Work("w2", "video", {"zh": Version("zh", "水"), "bo": Version("bo", "ཆུ།")}, subjects=["health"]),
        Work("w3", "video", {"zh": Version("zh", "星")}, subjects=["astronomy"]),
    ])
    yield s
    s.close()


def test_coverage_counts_each_state(store):
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཀ"})
    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཆུ་གཙང་།"})  # published + new draft
    c = coverage.coverage(store)
    assert c["total_works"] == 3
    assert c["languages"]["bo"] == {"published": 1, "in_review": 0, "draft": 1, "missing": 1}
    assert c["languages"]["zh"]["published"] == 3 and c["languages"]["en"]["missing"] == 3
    assert c["by_subject"]["health"]["total"] == 2 and c["by_subject"]["health"]["bo"]["draft"] == 1
    assert c["by_type"]["video"]["bo"] == {"published": 1, "in_review": 0, "draft": 0, "missing": 1}
    assert c["by_audience"]["youth"]["total"] == 1
    assert [r["id"] for r in coverage.to_translate(store)] == ["w3"]
    assert coverage.to_translate(store, subject="health") == []
    assert "w3,星,video,astronomy,," in coverage.to_translate_csv(coverage.to_translate(store))


def test_glossary_hints_and_search_expansions_fold_traditional(store):
    glossary.add(store, "原子核", "ལྟེ་ཉིང་", "nucleus")
    glossary.add(store, "电子", "གློག་རྡུལ")
    assert [e.zh for e in glossary.found_in(store, "原子核由中子组成")] == ["原子核"]
    assert glossary.expansions(store, "原子核") == {"原子核": ["ལྟེ་ཉིང"]}
    assert glossary.expansions(store, "電子") == {"電子": ["གློག་རྡུལ", "电子"]}
    assert glossary.expansions(store, "གློག་རྡུལ་") == {"གློག་རྡུལ": ["电子"]}
    assert glossary.expansions(store, "ཀགློག་རྡུལ") == {}  # not on a syllable boundary


def test_glossary_csv_round_trip_is_all_or_nothing(store):
    assert glossary.import_csv(store, "zh,bo,note\n原子,རྡུལ་ཕྲན,atom\n水,ཆུ,\n") == 2
    text = glossary.export_csv(store)
    assert text.splitlines()[0] == "zh,bo,note" and "原子,རྡུལ་ཕྲན,atom" in text
    with pytest.raises(InvalidRecord) as exc:
        glossary.import_csv(store, "zh,bo\n星,སྐར་མ\n,ཆུ\n")
    assert exc.value.problems[0][0] == "3: zh"
    assert len(glossary.entries(store)) == 2
    e = glossary.entries(store, "atom")[0]
    glossary.update(store, e.id, "原子", "རྡུལ་ཕྲན", "an atom")
    glossary.delete(store, e.id)
    with pytest.raises(NotFound):
        glossary.delete(store, e.id)


def test_lists_belong_to_teachers_and_share_by_token(store):
    teacher, other = accounts.User("t", "teacher"), accounts.User("t2", "teacher")
    wl = lists.create(store, teacher, "Grade 7 physics")
    lists.add(store, teacher, wl.id, "w1")
    lists.add(store, teacher, wl.id, "w3")
    lists.add(store, teacher, wl.id, "w1")
    assert lists.by_token(store, wl.token).work_ids == ["w1", "w3"]
    with pytest.raises(NotAllowed):
        lists.add(store, other, wl.id, "w2")
    with pytest.raises(NotAllowed):
        lists.create(store, EDITOR, "x")
    lists.remove(store, teacher, wl.id, "w1")
    assert lists.get(store, teacher, wl.id).work_ids == ["w3"]
    lists.delete(store, teacher, wl.id)
    with pytest.raises(NotFound):
        lists.by_token(store, wl.token)


def test_coverage_csv_defuses_formulas():
    text = coverage.to_translate_csv([{"id": "w", "title": "=HYPERLINK(1)", "type": "book", "subjects": [],
                                       "audiences": []}])
    assert "'=HYPERLINK(1)" in text
