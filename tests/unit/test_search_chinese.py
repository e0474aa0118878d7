"""Chinese folding, grams, words and pinyin."""
from contentlib.search import chinese as zh


def test_traditional_folds_to_simplified():
    assert zh.to_simplified("弗裏西亞群島") == "弗里西亚群岛"
    assert zh.to_simplified("市政廳") == "市政厅"


def test_simplified_text_is_returned_unchanged():
    text = "原子核由中子和质子组成。"
    assert zh.to_simplified(text) is text


def test_grams_are_bigrams_plus_run_final_character():
    assert zh.grams("外层空间") == ["外层", "层空", "空间", "间"]
    assert zh.grams("鱼，鸟") == ["鱼", "鸟"]


def test_every_character_is_findable_through_grams():
    text = "蓝线裸顶鲷，分布于印度洋"
    grams = set(zh.grams(text))
    for ch in "蓝线裸顶鲷分布于印度洋":
        assert ch in grams or any(g.startswith(ch) and len(g) == 2 for g in grams), ch


def test_latin_words_in_chinese_text_are_lowercased():
    assert "iphone" in zh.grams("新款iPhone发布")


def test_search_words_include_sub_words():
    words = zh.search_words("斯坦福大学医学院")
    assert "斯坦福大学" in words or "斯坦福" in words
    assert "医学院" in words
    assert "大学" in words


def test_pinyin_is_toneless_one_position_per_character():
    assert zh.pinyin("外层") == [("wai", 0), ("ceng", 1)]


def test_pinyin_keeps_both_readings_of_polyphones():
    readings = {syl for syl, pos in zh.pinyin("长") if pos == 0}
    assert readings == {"chang", "zhang"}


def test_pinyin_leaves_a_gap_at_punctuation():
    assert [p for _, p in zh.pinyin("中，国")] == [0, 2]


def test_pinyin_writes_u_umlaut_as_v():
    assert ("lv", 0) in zh.pinyin("旅")
    assert zh.fold_pinyin("Lǚxíng") == "lvxing"
    assert zh.fold_pinyin("zhong1guo2") == "zhong guo"


def test_short_query_keeps_every_bigram():
    simp, words, grams, question = zh.query_parts("弗裏西亞")
    assert simp == "弗里西亚"
    assert grams == ["弗里", "里西", "西亚"]
    assert not question


def test_single_character_query():
    assert zh.query_parts("鲷")[2] == ["鲷"]


def test_question_drops_stop_words():
    simp, words, grams, question = zh.query_parts("六耳铃的花期是什么时候？")
    assert question
    assert "花期" in grams and "六耳" in grams
    assert not any("什么" in g or g == "的" for g in grams)
    assert "铃的" not in grams


def test_latin_in_a_question_is_a_gram():
    assert "64dd" in zh.query_parts("64DD有哪些优点？")[2]


def test_pinyin_pairs_cover_every_reading_of_neighbouring_characters():
    from contentlib.search import chinese

    found = chinese.pinyin_pairs(chinese.pinyin("长城"))
    assert {"chang_cheng", "zhang_cheng"} <= set(found)  # 长 reads chang or zhang
    assert chinese.syllable_pairs(["wu", "li", "xue"]) == ["wu_li", "li_xue"]
    # Punctuation breaks a pair, as it breaks a phrase.
    assert chinese.pinyin_pairs(chinese.pinyin("之，旅")) == []
    assert "zhi_lv" in chinese.pinyin_pairs(chinese.pinyin("之旅"))
