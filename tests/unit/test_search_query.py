"""Query interpretation: script detection, EWTS, pinyin, hostile input."""
import pytest

from contentlib.search import plan, query


def scripts(q):
    return {r.script: r for r in query.interpret(q)}


def test_tibetan_script_reading():
    r = scripts("ང༌ཚོར༌མཚུངས་།")["bo"]
    assert r.terms == ["ང", "ཚོ", "མཚུངས"]


def test_ewts_reading():
    r = scripts("nga tshor mtshungs")["ewts"]
    assert r.text == "ང་ཚོར་མཚུངས"
    assert r.terms == ["ང", "ཚོ", "མཚུངས"]


def test_ewts_lenient_retry_lowercases_and_splits_hyphens():
    r = scripts("Bod-Skad")["ewts"]
    assert r.text == "བོད་སྐད"


def test_not_ewts_when_pyewts_complains():
    assert "ewts" not in scripts("zhilv")


def test_pinyin_reading_with_spaces():
    r = scripts("fu li xi ya")["pinyin"]
    assert r.terms[0] == ["fu", "li", "xi", "ya"]


def test_pinyin_run_together_is_split():
    assert scripts("fulixiya")["pinyin"].terms[0] == ["fu", "li", "xi", "ya"]
    assert scripts("wuli")["pinyin"].terms[0] == ["wu", "li"]


def test_pinyin_alternative_splits_are_kept():
    seqs = scripts("xianrenzhang")["pinyin"].terms
    assert ["xian", "ren", "zhang"] in seqs
    assert ["xi", "an", "ren", "zhang"] in seqs


def test_pinyin_tone_marks_and_numbers_are_folded():
    assert scripts("Nǚ Hái")["pinyin"].terms[0] == ["nv", "hai"]
    assert scripts("zhong1 guo2")["pinyin"].terms[0] == ["zhong", "guo"]
    assert scripts("xi'an")["pinyin"].terms[0] == ["xi", "an"]


def test_latin_that_is_both_ewts_and_pinyin_gets_both_readings():
    got = scripts("gong yi")
    assert {"ewts", "pinyin", "latin"} <= set(got)


def test_english_is_not_pinyin():
    got = scripts("physics")
    assert "pinyin" not in got
    assert got["latin"].terms == ["physics"]


def test_chinese_reading_is_simplified():
    r = scripts("市政廳")["zh"]
    assert r.text == "市政厅"
    assert r.grams == ["市政", "政厅"]


def test_question_is_flagged():
    assert scripts("占旭刚宣布退役后，什么时候再次复出？")["zh"].question


def test_mixed_query_reads_each_script():
    assert {"bo", "zh"} <= set(scripts("བོད་སྐད 物理"))


def test_browse_has_no_reading():
    assert query.interpret("") == []
    assert query.interpret("   \t ") == []


HOSTILE = ['"unbalanced', "(a OR b", "a AND NOT b", "title:x*", "*", "?", "[]{}",
           "\x00\x01\x1f", "ཀ" * 600, "a" * 500 + "物理", "\\", "'", "--", "~2^3",
           "\ud800", "中\u0f0bཀ\u200b", "NOT", "OR OR AND"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_text(q):
    readings = query.interpret(q)
    query.to_plans(readings)


def test_query_is_bounded():
    assert len(query.clean("x" * 5000)) == query.MAX_QUERY
    assert query.clean("a\x00b\tc") == "a b c"


def _leaves_bounded(q):
    if isinstance(q, (plan.And, plan.Or)):
        if all(isinstance(s, plan.Term) for s in q.clauses):
            assert len(q.clauses) <= query.MAX_TERMS
        for sub in q.clauses:
            _leaves_bounded(sub)


@pytest.mark.parametrize("q", ["ཀ་ཁ་ག་ང་ཅ་ཆ་ཇ་ཉ་ཏ་ཐ་ད་ན་པ་ཕ་བ་མ་ཙ་ཚ་ཛ་ཝ་ཞ་ཟ་འ་ཡ་ར་ལ་ཤ་ས་" * 5,
                               "中国的科学家发现了什么重要的东西？" * 20, "ལ་" * 200,
                               "shi de le zai he you " * 20, "fu li xi ya " * 3])
def test_long_queries_are_bounded(q):
    for p in query.to_plans(query.interpret(q)):
        _leaves_bounded(p)


def test_long_latin_is_not_pinyin():
    assert "pinyin" not in scripts("shi de le zai he you " * 20)
    assert "pinyin" in scripts("fu li xi ya " * 3)


def test_stop_words_alone_are_still_searched():
    assert scripts("的是了在和有")["zh"].grams


def test_latin_words_lose_accents():
    assert scripts("Café Ñandú")["latin"].terms == ["cafe", "nandu"]

