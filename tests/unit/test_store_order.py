"""Listings in title order: the store sorts by each work's preferred title with the collation."""

from contentlib.model import Version, Work


def _put(store, *works):
    store.put_works([Work(id_, "book", {lang: Version(lang, title) for lang, title in titles.items()},
                          subjects=["health"]) for id_, titles in works])


def test_title_order_uses_the_preferred_language_and_dictionary_order(store):
    _put(store,
         ("a", {"bo": "སྐད་", "zh": "语言"}),       # root ka (superscribed)   yu yan
         ("b", {"bo": "དགའ་", "zh": "欢喜"}),       # root ga (prefixed)       huan xi
         ("c", {"zh": "柱子", "en": "Pillar"}),      # no Tibetan title          zhu zi
         ("d", {"bo": "ཀ་བ", "en": "Apple"}))       # root ka (bare)
    bo, total = store.list_works(order="title", prefer=("bo", "zh", "en"))
    assert total == 4 and [w.id for w in bo] == ["d", "a", "b", "c"]  # then 柱子 after every Tibetan title
    zh, _ = store.list_works(order="title", prefer=("zh", "bo", "en"))
    assert [w.id for w in zh] == ["b", "a", "c", "d"]  # huan xi, yu yan, zhu zi, then ཀ་བ
    en, _ = store.list_works(order="title", prefer=("en", "bo", "zh"))
    # English titles where there are; collation.sort_key puts scripts in the order bo, zh, Latin
    # for any locale but bo and zh, so the Tibetan titles of a and b come first.
    assert [w.id for w in en] == ["a", "b", "d", "c"]


def test_title_order_pages_through_every_work_once(store):
    _put(store, *[(f"w{i}", {"zh": t}) for i, t in enumerate("丁丙乙甲戊己庚")])
    seen = []
    for page in (1, 2, 3):
        works, total = store.list_works(order="title", prefer=("zh",), page=page, per_page=3)
        seen += [w.versions["zh"].title for w in works]
    assert total == 7 and seen == ["丙", "丁", "庚", "己", "甲", "戊", "乙"]  # bing ding geng ji jia wu yi
    within, n = store.list_works(scheme="subjects", code="health", order="title", prefer=("zh",), per_page=2)
    assert n == 7 and [w.versions["zh"].title for w in within] == ["丙", "丁"]
