"""Cached vocabulary and glossary: an edit through one store (one process) is seen through another."""

from __future__ import annotations

import time

from contentlib import glossary
from contentlib.storage.generations import CHECK_EVERY
from contentlib.store import Store


def _two_stores(db_url):
    first = Store.from_url(db_url)
    return first, Store.from_url(db_url, migrate=False)


def test_a_label_edited_through_one_store_is_read_by_the_other_within_a_second(db_url):
    a, b = _two_stores(db_url)
    try:
        assert b.vocabulary().get("subjects", "health").labels.get("en") != "Health, edited"  # b has it cached
        a.set_label("subjects", "health", "en", "Health, edited")
        assert a.vocabulary().get("subjects", "health").labels["en"] == "Health, edited"  # the editor at once
        time.sleep(CHECK_EVERY + 0.1)
        assert b.vocabulary().get("subjects", "health").labels["en"] == "Health, edited"
    finally:
        a.close()
        b.close()


def test_a_glossary_edit_through_one_store_is_read_by_the_other_within_a_second(db_url):
    a, b = _two_stores(db_url)
    try:
        assert glossary.entries(b) == []
        entry = glossary.add(a, "电子", "གློག་རྡུལ།")
        assert [e.zh for e in glossary.entries(a)] == ["电子"]
        time.sleep(CHECK_EVERY + 0.1)
        assert [e.bo for e in glossary.entries(b)] == ["གློག་རྡུལ"]  # kept without the shad
        glossary.delete(a, entry.id)
        time.sleep(CHECK_EVERY + 0.1)
        assert glossary.entries(b) == []
    finally:
        a.close()
        b.close()


def test_each_edit_gives_a_new_generation(store):
    before = store.table_generation("vocabulary"), store.table_generation("glossary")
    store.set_label("subjects", "health", "zh", "健康（改）")
    glossary.add(store, "质子", "ཕོ་རྡུལ།")
    after = store.table_generation("vocabulary"), store.table_generation("glossary")
    assert before[0] != after[0] and before[1] != after[1] and all(after)
