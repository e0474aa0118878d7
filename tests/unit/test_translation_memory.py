"""The translation memory on a real database (SQLite, and PostgreSQL when CI gives one)."""

from __future__ import annotations

import pytest

from contentlib import accounts, attachments, records, workflow
from contentlib.media import MediaStore
from contentlib.translation import memory
from tests.conftest import write_jsonl
from tests.translation_data import vtt

ZH_CUES = [("00:00:00.000", "00:00:02.000", "水在零度结冰。"), ("00:00:02.000", "00:00:05.000", "冰比水轻。")]
# The Tibetan track cuts its cues a little differently: they still overlap their Chinese cue most.
BO_CUES = [("00:00:00.200", "00:00:02.400", "ཆུ་ནི་ཚད་གཞི་ཀླད་ཀོར་ལ་འཁྱགས།"),
           ("00:00:02.400", "00:00:04.800", "འཁྱག་རོམ་ཆུ་ལས་ཡང་།")]
WORKS = [
    {"id": "m-ice", "type": "video", "titles": {"zh": "水和冰", "bo": "ཆུ་དང་འཁྱག་རོམ"},
     # two Chinese sentences, three Tibetan pieces: aligned by length
     "descriptions": {"zh": "水在零度结冰，冰会浮在水面上，因为它比水轻。冰是固体。",
                      "bo": "ཆུ་ནི་ཚད་གཞི་ཀླད་ཀོར་ལ་འཁྱགས་ཤིང་། འཁྱག་རོམ་ཆུ་ལས་ཡང་བས་ཆུ་ཁར་ལྡིང་། འཁྱག་རོམ་ནི་སྲ་རྫས་ཡིན།"},
     "media": [{"path": "ice-zh.vtt", "role": "subtitle", "lang": "zh"},
               {"path": "ice-bo.vtt", "role": "subtitle", "lang": "bo"}]},
    {"id": "m-air", "type": "book", "titles": {"zh": "空气", "bo": "རླུང་"},
     "descriptions": {"zh": "冰是固体。空气是气体。", "bo": "འཁྱག་རོམ་ནི་སྲ་རྫས་རེད། རླུང་ནི་རླངས་རྫས་ཡིན།"}},
    {"id": "m-zh", "type": "book", "titles": {"zh": "只有中文"}, "descriptions": {"zh": "冰是固体。"}},
]


@pytest.fixture
def media(tmp_path):
    return MediaStore(tmp_path / "media")


@pytest.fixture
def loaded(store, media, tmp_path):
    (tmp_path / "ice-zh.vtt").write_text(vtt(ZH_CUES), encoding="utf-8")
    (tmp_path / "ice-bo.vtt").write_text(vtt(BO_CUES), encoding="utf-8")
    records.import_file(store, write_jsonl(tmp_path / "m.jsonl", WORKS), ingest=attachments.ingester(media))
    memory.follow(store, media)
    return store


def _find(store, text, exclude=None, index=None):
    return [(s.kind, s.work, s.target, s.similarity)
            for s in memory.lookup(store, text, "zh", "bo", exclude_work=exclude, index=index)]


def test_titles_sentences_and_cues_are_learned_from_published_pairs(loaded):
    assert _find(loaded, "水和冰") == [("title", "m-ice", "ཆུ་དང་འཁྱག་རོམ", 1.0)]
    # 2 Chinese sentences against 3 Tibetan pieces: the first takes two pieces
    assert _find(loaded, "水在零度结冰，冰会浮在水面上，因为它比水轻。") == [
        ("sentence", "m-ice", "ཆུ་ནི་ཚད་གཞི་ཀླད་ཀོར་ལ་འཁྱགས་ཤིང་། འཁྱག་རོམ་ཆུ་ལས་ཡང་བས་ཆུ་ཁར་ལྡིང་།", 1.0)]
    # cues whose times overlap most pair up, even cut differently
    assert _find(loaded, "冰比水轻。") == [("cue", "m-ice", "འཁྱག་རོམ་ཆུ་ལས་ཡང་།", 1.0)]
    assert _find(loaded, "只有中文") == []  # a work without a Tibetan version teaches nothing


def test_the_same_pairs_help_the_other_way_round(loaded):
    """A Tibetan work translated into Chinese finds what Chinese works translated into Tibetan taught."""
    def back(text, exclude=None, index=None):
        return [(s.kind, s.work, s.target, s.similarity)
                for s in memory.lookup(loaded, text, "bo", "zh", exclude_work=exclude, index=index)]

    assert back("ཆུ་དང་འཁྱག་རོམ") == [("title", "m-ice", "水和冰", 1.0)]
    assert back("འཁྱག་རོམ་ཆུ་ལས་ཡང་།") == [("cue", "m-ice", "冰比水轻。", 1.0)]
    assert back("འཁྱག་རོམ་ནི་སྲ་རྫས་རེད།") == [("sentence", "m-air", "冰是固体。", 1.0)]
    near = back("འཁྱག་རོམ་ཆུ་ལས་ཡང་བ།", index=memory.GramIndex())[0]  # fuzzy, from the bigram index
    assert near[:3] == ("cue", "m-ice", "冰比水轻。") and 0.6 <= near[3] < 1
    assert back("ཆུ་དང་འཁྱག་རོམ", exclude="m-ice") == []
    assert _find(loaded, "ཆུ་དང་འཁྱག་རོམ") == []  # a Tibetan text is not looked up among Chinese sources


def test_a_memory_learned_one_way_only_is_learned_again(store, media, tmp_path):
    from contentlib.tables import outbox_consumers

    (tmp_path / "ice-zh.vtt").write_text(vtt(ZH_CUES), encoding="utf-8")
    (tmp_path / "ice-bo.vtt").write_text(vtt(BO_CUES), encoding="utf-8")
    records.import_file(store, write_jsonl(tmp_path / "m.jsonl", WORKS), ingest=attachments.ingester(media))
    with store.transaction() as conn:  # the cursor an older memory left, at the newest change
        conn.execute(outbox_consumers.insert().values(name="translation-memory", last_seq=store.last_seq(),
                                                      heartbeat=0))
    memory.follow(store, media)
    assert memory.lookup(store, "ཆུ་དང་འཁྱག་རོམ", "bo", "zh")[0].target == "水和冰"
    assert "translation-memory" not in [name for name, *_ in store.consumers()]  # the outbox may be pruned


def test_ties_list_cues_then_sentences_then_titles_and_one_target_once(loaded):
    found = _find(loaded, "冰是固体。")
    assert [k for k, *_ in found] == ["sentence", "sentence"]
    assert {t for _, _, t, _ in found} == {"འཁྱག་རོམ་ནི་སྲ་རྫས་ཡིན།", "འཁྱག་རོམ་ནི་སྲ་རྫས་རེད།"}
    assert [k for k, *_ in _find(loaded, "水在零度结冰。")] == ["cue"]


def test_the_work_being_translated_is_excluded(loaded):
    assert _find(loaded, "水和冰", exclude="m-ice") == []
    assert [w for _, w, _, _ in _find(loaded, "冰是固体。", exclude="m-ice")] == ["m-air"]


def test_fuzzy_matches_come_from_the_index_and_traditional_finds_simplified(loaded):
    index = memory.GramIndex()
    assert _find(loaded, "冰比水轻多了。") == []  # no index: exact only
    (found,) = _find(loaded, "冰比水轻多了。", index=index)
    assert found[:3] == ("cue", "m-ice", "འཁྱག་རོམ་ཆུ་ལས་ཡང་།") and 0.6 <= found[3] < 1
    assert _find(loaded, "冰比水輕。")[0][3] == 1.0


def test_the_memory_follows_approvals_and_deletions_through_the_outbox(loaded, media):
    index = memory.GramIndex()
    assert _find(loaded, "空气是气体和液体。", index=index)[0][1] == "m-air"
    editor, reviewer = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
    workflow.save_draft(loaded, editor, "m-zh", "bo", {"title": "ཟླ་བོད་ཡིག", "description": "འཁྱག་རོམ་ནི་སྲ་རྫས།"})
    memory.follow(loaded, media)
    assert _find(loaded, "只有中文") == []  # a draft is not published
    workflow.submit(loaded, editor, "m-zh", "bo")
    workflow.approve(loaded, reviewer, "m-zh", "bo")
    assert memory.follow(loaded, media) >= 1
    assert _find(loaded, "只有中文") == [("title", "m-zh", "ཟླ་བོད་ཡིག", 1.0)]
    assert _find(loaded, "只有中文呀", index=index)[0][1] == "m-zh"  # the index took the new source in
    loaded.delete_work("m-air")
    memory.follow(loaded, media)
    assert _find(loaded, "空气是气体和液体。", index=index) == []
    assert loaded.memory_counts()["pairs"] == len(memory.pairs_of(loaded.get_work("m-ice"), media)) + 4


def test_a_rebuilt_memory_renews_every_source_and_the_index_follows(loaded, media):
    index = memory.GramIndex()
    before = _find(loaded, "冰比水轻多了。", index=index)
    old_span = loaded.memory_span()
    memory.rebuild(loaded, media)
    assert loaded.memory_span()[0] > old_span[1]  # ids are never reused
    assert _find(loaded, "冰比水轻多了。", index=index) == before


def test_one_process_learns_the_whole_memory_while_the_others_let_it(store, media, tmp_path):
    (tmp_path / "ice-zh.vtt").write_text(vtt(ZH_CUES), encoding="utf-8")
    (tmp_path / "ice-bo.vtt").write_text(vtt(BO_CUES), encoding="utf-8")
    records.import_file(store, write_jsonl(tmp_path / "m.jsonl", WORKS), ingest=attachments.ingester(media))
    with store.memory_rebuild_lock() as got:  # another process is learning it
        assert got
        assert memory.follow(store, media, blocking=False) == 0
        assert store.memory_cursor() is None and store.memory_counts()["pairs"] == 0
    assert memory.follow(store, media, blocking=False) == 3
    assert _find(store, "水和冰") == [("title", "m-ice", "ཆུ་དང་འཁྱག་རོམ", 1.0)]


def _rows(store):
    """Every row of the memory's tables, live or not."""
    import sqlalchemy as sa

    from contentlib.tables import memory_pairs, memory_sources
    with store.engine.connect() as conn:
        return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (memory_pairs, memory_sources)]


def test_a_rebuild_writes_in_short_steps_that_look_ups_do_not_see(loaded, media, monkeypatch):
    before, counts, rows = _find(loaded, "冰比水轻多了。", index=memory.GramIndex()), loaded.memory_counts(), []
    write = memory._write

    def step(store, pairs, top):
        done = write(store, pairs, top)
        with loaded.transaction() as conn:  # the step committed: another writer gets in at once
            loaded.memory_set_cursor(conn, loaded.memory_cursor(), 0.0)
        rows.append(_rows(loaded))
        assert loaded.memory_building() and loaded.memory_counts() == counts
        assert _find(loaded, "冰比水轻多了。", index=memory.GramIndex()) == before  # the old memory, once
        return done

    monkeypatch.setattr(memory, "WRITE_STEP", 3)
    monkeypatch.setattr(memory, "_write", step)
    memory.rebuild(loaded, media)
    assert len(rows) >= 3 and rows[0][0] < rows[-1][0]  # several steps, each adding rows beside the old ones
    assert not loaded.memory_building() and loaded.memory_counts() == counts
    assert _rows(loaded) == [counts["pairs"], counts["sources"]]  # the old rows are gone
    assert _find(loaded, "冰比水轻多了。", index=memory.GramIndex()) == before


def test_a_rebuild_stopped_half_way_leaves_the_old_memory_and_the_next_one_starts_over(loaded, media, monkeypatch):
    before, counts = _find(loaded, "冰比水轻多了。"), loaded.memory_counts()
    write, steps = memory._write, []

    def dies(store, pairs, top):
        if steps:
            raise KeyboardInterrupt
        steps.append(write(store, pairs, top))
        return steps[-1]

    monkeypatch.setattr(memory, "WRITE_STEP", 3)
    monkeypatch.setattr(memory, "_write", dies)
    with pytest.raises(KeyboardInterrupt):
        memory.rebuild(loaded, media)
    assert steps and loaded.memory_building()
    assert _rows(loaded)[0] > counts["pairs"]  # the step it wrote is there, out of sight
    assert loaded.memory_counts() == counts and _find(loaded, "冰比水轻多了。") == before
    monkeypatch.setattr(memory, "_write", write)
    editor, reviewer = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
    workflow.save_draft(loaded, editor, "m-zh", "bo", {"title": "ཟླ་བོད་ཡིག"})
    workflow.submit(loaded, editor, "m-zh", "bo")
    workflow.approve(loaded, reviewer, "m-zh", "bo")
    assert memory.follow(loaded, media, blocking=False) > 0  # a server's applier: the dead build is done again
    assert not loaded.memory_building()
    assert _find(loaded, "只有中文") == [("title", "m-zh", "ཟླ་བོད་ཡིག", 1.0)]
    assert _find(loaded, "冰比水轻多了。") == before
    assert _rows(loaded) == [loaded.memory_counts()["pairs"], loaded.memory_counts()["sources"]]
