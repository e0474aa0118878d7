"""The workbench's core without a database: segments, alignment, checks and XLIFF."""

from __future__ import annotations

import io

import pytest

from contentlib.errors import InvalidRecord
from contentlib.media.subtitles import Cue
from contentlib.model import MediaEntry, Version, Work
from contentlib.translation import align, checks, xliff
from contentlib.translation.segments import SID_RE, append_term, segments, source_language, split_sentences

# -- segments ------------------------------------------------------------------

def test_sentences_end_at_chinese_stops_and_tibetan_shad():
    assert split_sentences("他说：“你好。”然后走了！真的？是的。") == ["他说：“你好。”", "然后走了！", "真的？", "是的。"]
    assert split_sentences("ཀ་ཁ། ག་ང༎ཅ་ཆ། །ཇ་ཉ།") == ["ཀ་ཁ།", "ག་ང༎", "ཅ་ཆ། །", "ཇ་ཉ།"]
    # a Tibetan sentence ending in ga has no shad, by rule: the space ends it
    assert split_sentences("བསྟན་མི་འདུག འདས་པའི་ལོ།") == ["བསྟན་མི་འདུག", "འདས་པའི་ལོ།"]
    assert split_sentences("It is 3.5 m long. Then it stops!") == ["It is 3.5 m long.", "Then it stops!"]
    assert split_sentences("  ") == [] and split_sentences(None) == []


@pytest.mark.parametrize(("text", "term", "lang", "joined"), [
    ("ཉི་མས་", "འོད", "bo", "ཉི་མས་འོད"),            # after a tsheg: runs on, no space inside Tibetan
    ("ཉི་མ", "འོད", "bo", "ཉི་མ་འོད"),               # after a syllable's last letter: a tsheg between
    ("ཉི་མཱི", "འོད", "bo", "ཉི་མཱི་འོད"),           # after a vowel sign too
    ("འོད་དང་དྲོད་འགྱེད། ", "ཉི་མ", "bo", "འོད་དང་དྲོད་འགྱེད། ཉི་མ"),  # a new sentence after shad and space
    ("", "ཉི་མ", "bo", "ཉི་མ"),
    ("太阳 ", "光", "zh", "太阳 光"), ("太阳", "光", "zh", "太阳光"),
    ("the sun  ", "light", "en", "the sun light"), ("  ", "light", "en", "light"),
    ("ཉི་མ", "", "bo", "ཉི་མ"),
])
def test_a_term_goes_at_the_end_as_its_language_is_typed(text, term, lang, joined):
    assert append_term(text, term, lang) == joined


def _work(**versions):
    return Work("w", "video", versions={k: Version(k, *v) for k, v in versions.items()})


def test_the_source_language_is_chinese_else_the_originals_else_the_first_titled():
    assert source_language(_work(bo=("ཀ",), zh=("中",))) == "zh"
    work = _work(bo=("ཀ",), en=("A",))
    work.media = [MediaEntry("v.mp4", "original", "0" * 64, lang="en")]
    assert source_language(work) == "en"
    assert source_language(_work(en=("A",), bo=("ཀ",))) == "bo"


def test_sids_are_nmtokens_and_name_tracks_by_language():
    from contentlib.translation.segments import Track

    work = _work(zh=("标题", "一句。两句。"))
    tracks = [Track("zh", "zh", None, [Cue(0, 1000, ("甲",)), Cue(1000, 2000, ("乙", "丙"))]),
              Track("zh-2", "zh", None, [Cue(0, 500, ("丁",))])]
    found = segments(work, "zh", tracks)
    assert [s.sid for s in found] == ["title", "description.1", "description.2", "cue.zh.1", "cue.zh.2",
                                      "cue.zh-2.1"]
    assert found[4].source == "乙\n丙" and (found[4].start_ms, found[4].end_ms) == (1000, 2000)
    assert all(SID_RE.match(s.sid) for s in found) and not SID_RE.match("cue/zh/1")


# -- alignment -----------------------------------------------------------------

def test_equal_counts_align_one_to_one():
    assert align.align_sentences(["a。", "b。"], ["x།", "y།"]) == [(["a。"], ["x།"]), (["b。"], ["y།"])]


def test_unequal_counts_align_by_length():
    zh = ["一个很长很长很长很长很长很长的句子。", "短句。"]
    bo = ["ཀ་ཁ་ག་ང་ཅ་ཆ་ཇ་ཉ་ཏ་ཐ་ད་ན་པ་ཕ་བ་མ།", "ཙ་ཚ་ཛ་ཝ་ཞ་ཟ་འ་ཡ་ར་ལ་ཤ་ས་ཧ་ཨ།", "ཀ་ཁ།"]
    assert align.align_sentences(zh, bo) == [([zh[0]], bo[:2]), ([zh[1]], [bo[2]])]


def test_cues_pair_when_they_overlap_each_other_most():
    src = [Cue(0, 3000, ("a",)), Cue(3000, 6000, ("b",)), Cue(6000, 9000, ("c",))]
    tgt = [Cue(100, 2900, ("x",)), Cue(3200, 8000, ("y",)), Cue(20000, 21000, ("z",))]
    assert align.pair_cues(src, tgt) == [(0, 0), (1, 1)]  # y overlaps c less than b; z overlaps nothing


# -- checks --------------------------------------------------------------------

def _codes(kind, source, target, lang="bo", **kw):
    return [c.code for c in checks.check(kind, source, target, lang, **kw)]


def test_each_check_code():
    assert _codes("title", "太阳", "", done=True) == ["empty"]
    assert _codes("title", "太阳", "", submitting=True) == ["empty"]
    assert _codes("title", "太阳", "") == []
    assert _codes("title", "太阳", "太阳") == ["untranslated"]
    assert _codes("title", "太阳", "ཉི་མ 太阳") == ["untranslated"]
    assert _codes("title", "sun", "sun", lang="zh") == ["untranslated"]
    assert _codes("title", "有 3 个", "ཡོད་ 4") == ["numbers"]
    assert _codes("title", "有 3 个", "ཡོད་ ༣") == []             # Tibetan digits count as their values
    assert _codes("title", "1,000 米", "ཀ 1000") == []
    assert _codes("cue", "甲", "ཀ།", start_ms=2000, end_ms=2000) == ["timing"]
    assert _codes("cue", "甲", "ཀ།", start_ms=0, end_ms=2000, neighbours=[(1500, 3000)]) == ["timing"]
    terms = [{"source": "太阳", "target": "ཉི་མ", "used": False}]
    assert _codes("description", "太阳。", "ཀ།", terms=terms) == ["term"]
    assert _codes("cue", "甲", "ཀ་ཁ་ག་ང་ཅ་ཆ་ཇ་ཉ།", start_ms=0, end_ms=500) == ["reading_speed"]
    assert _codes("cue", "甲", "ཀ་ཁ་ག་ང་ཅ་ཆ་ཇ་ཉ།", start_ms=0, end_ms=500, reading_speed={"bo": 100}) == []
    assert _codes("description", "甲。", "ཀ་ཁ") == ["punctuation"]      # no closing shad
    assert _codes("description", "甲。", "བསྟན་མི་འདུག") == []          # ga needs none
    assert _codes("title", "甲", "ཀ་ཁ") == []                          # titles have none
    assert _codes("description", "甲，乙。", "ཀ，ཁ།") == ["punctuation"]  # Chinese punctuation left in
    assert {c.severity for c in checks.check("title", "太阳", "太阳", "bo")} == {"error"}
    assert checks.CODES["term"] == checks.CODES["reading_speed"] == checks.CODES["punctuation"] == "warning"


def test_reading_speed_is_a_setting_with_defaults():
    assert checks.speeds_from("bo=15, zh=bad, en=-1") == {**checks.READING_SPEED, "bo": 15.0}
    assert checks.speeds_from(None) == checks.READING_SPEED


# -- XLIFF -----------------------------------------------------------------------

class _Seg:
    def __init__(self, sid, kind, source, target, done, start=None, end=None):
        self.sid, self.kind, self.source, self.target, self.done, self.start, self.end = \
            sid, kind, source, target, done, start, end


def test_xliff_written_is_read_back():
    data = xliff.write("w-1", "zh", "bo", [_Seg("title", "title", "太阳 <&>", "ཉི་མ", True),
                                           _Seg("cue.zh.1", "cue", "甲\n乙", "", False, "00:00:00.000", "00:00:01.000")])
    doc = xliff.read(io.BytesIO(data))
    assert (doc.src_lang, doc.trg_lang, doc.file_id) == ("zh", "bo", "w-1")
    assert [(u.id, u.source, u.target, u.state) for u in doc.units] == [
        ("title", "太阳 <&>", "ཉི་མ", "final"), ("cue.zh.1", "甲\n乙", "", "initial")]


@pytest.mark.parametrize("data, says", [
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "http://example.org/x">]><xliff/>', "refused for safety"),
    (b"<xliff", "not well-formed"),
    (b'<root xmlns="urn:oasis:names:tc:xliff:document:2.0"/>', "root element"),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"><file id="f"><unit id="a">'
     b'<segment><source>x</source></segment><segment><source>y</source></segment></unit></file></xliff>',
     "exactly one"),
])
def test_bad_xliff_is_refused_with_its_reason(data, says):
    with pytest.raises(InvalidRecord) as exc:
        xliff.read(io.BytesIO(data))
    assert says in str(exc.value)


def test_xliff_limits_count_units_and_bytes_while_reading():
    unit = b'<unit id="u"><segment><source>x</source></segment></unit>'
    data = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"><file id="f">' + unit * 11
            + b"</file></xliff>")
    with pytest.raises(InvalidRecord, match="more than 10 units"):
        xliff.read(io.BytesIO(data), max_units=10)
    with pytest.raises(InvalidRecord, match="larger than"):
        xliff.read(io.BytesIO(data), max_bytes=100)
    assert len(xliff.read(io.BytesIO(data), max_units=11).units) == 11


def test_glossary_terms_match_either_chinese_script_and_tibetan_with_its_case_particle():
    from contentlib.glossary import Entry
    from contentlib.translation.workbench import _terms

    entries = [Entry(1, "太陽", "ཉི་མ"), Entry(2, "月亮", "ཟླ་བ")]
    assert _terms(entries, "太阳发出光。", "ཉི་མས་འོད་འགྱེད།", "zh", "bo") == [
        {"source": "太陽", "target": "ཉི་མ", "used": True}]
    assert _terms(entries, "太阳。", "ཉི་མོ་འོད།", "zh", "bo")[0]["used"] is False  # another word, not the term
    assert _terms(entries, "ཟླ་བའི་འོད།", "月光", "bo", "zh") == [{"source": "ཟླ་བ", "target": "月亮", "used": False}]
    assert _terms(entries, "太阳。", "Sun.", "zh", "en") == []


def test_the_bigram_index_holds_each_sources_grams_once():
    from contentlib.translation import memory

    rows = [(1, "zh", "水在零度结冰"), (2, "bo", "ཀ་ཁ"), (3, "zh", "冰"), (5, "en", "ice is ice"), (7, "zh", "冰冰冰冰")]
    snap = memory._build(rows)
    wanted: dict[int, list[int]] = {}
    for position, (_, lang, norm) in enumerate(rows):
        for gram in memory.grams(norm, lang):
            wanted.setdefault(gram, []).append(position)
    built = {int(k): snap.positions[snap.starts[i]:snap.starts[i + 1]].tolist() for i, k in enumerate(snap.keys)}
    assert built == wanted
    assert memory.grams("冰", "zh") != memory.grams("冰", "bo")  # the language is part of a gram
