"""pypinyin reads every phrase the same after its phrase dict moves into a trie."""
import json
import subprocess
import sys

from contentlib.search import pinyin_phrases
from contentlib.search.pinyin_phrases import PhraseDict

from ..conftest import EVAL_SAMPLE

# Run in a fresh interpreter: the swap is for the life of a process, and the
# readings before it must come from pypinyin's own dict.
_SCRIPT = r"""
import json, sys
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.constants import PHRASES_DICT

texts = list(PHRASES_DICT) + json.loads(sys.stdin.read())
def readings():
    return [(lazy_pinyin(t, style=Style.TONE), lazy_pinyin(t, style=Style.TONE3, errors="default"),
             pinyin(t, heteronym=True)) for t in texts]
before = readings()
del PHRASES_DICT
from contentlib.search import pinyin_phrases
assert pinyin_phrases.compact() and pinyin_phrases.compact()
import pypinyin.constants, pypinyin.converter, pypinyin.seg.mmseg
assert isinstance(pypinyin.converter.PHRASES_DICT, pinyin_phrases.PhraseDict)
assert not isinstance(pypinyin.seg.mmseg.p_set._set, set)
after = readings()
bad = [t for t, b, a in zip(texts, before, after) if b != a]
print(json.dumps({"texts": len(texts), "differ": bad[:20]}))
"""


def _catalog_texts():
    out = []
    with open(EVAL_SAMPLE, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out.extend(v for v in (rec.get("titles") or {}).values() if isinstance(v, str))
    return out + ["银行行长在长江边", "重庆的重要", "", "abc 中文 123", "𠀀字"]


def test_every_phrase_reads_the_same_after_the_swap():
    p = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(_catalog_texts()), text=True,
                       capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    result = json.loads(p.stdout.strip().splitlines()[-1])
    assert result["texts"] > 40_000
    assert result["differ"] == []


def test_phrase_dict_reads_back_what_it_was_given():
    given = {"中国": [["zhōng"], ["guó"]], "长": [["cháng", "zhǎng"]], "银行行长": [["yín"], ["háng"], ["háng"], ["zhǎng"]]}
    d = PhraseDict(given)
    assert dict(d) == given and len(d) == 3
    assert "中国" in d and "中" not in d and d.get("中") is None
    d["新词"] = [["xīn"], ["cí"]]  # what pypinyin.load_phrases_dict does
    assert d["新词"] == [["xīn"], ["cí"]] and "新词" in d and len(d) == 4


def test_values_with_separators_are_not_compacted():
    assert not pinyin_phrases._fits([["a\x1fb"]])
    assert not pinyin_phrases._fits([[]])
    assert pinyin_phrases._fits([["zhōng"], ["guó"]])
