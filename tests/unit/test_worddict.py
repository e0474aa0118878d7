"""The compact jieba dictionary answers exactly as jieba's own prefix dict and cut do."""
import json
import random

import jieba
import pytest

from contentlib.search import chinese
from contentlib.search.worddict import WordDict

from ..conftest import EVAL_SAMPLE


@pytest.fixture(scope="module")
def jieba_tok():
    tok = jieba.Tokenizer()
    jieba.setLogLevel(60)
    tok.initialize()
    return tok


@pytest.fixture(scope="module")
def wd():
    return WordDict.default()


def test_every_key_of_jiebas_prefix_dict_has_its_frequency(jieba_tok, wd):
    freq = jieba_tok.FREQ
    assert len(freq) > 400_000 and wd.total == jieba_tok.total
    for key, f in freq.items():
        assert wd.has_prefix(key), key
        assert wd.freq(key) == f, key
    assert sorted(wd) == sorted(k for k in freq if freq[k] > 0)


def test_strings_that_are_not_keys_are_neither_words_nor_prefixes(jieba_tok, wd):
    freq = jieba_tok.FREQ
    rng = random.Random(7)
    keys = list(freq)
    tails = "的了中国a1 ，。X"
    probes = [k + rng.choice(tails) for k in rng.sample(keys, 50_000)]
    probes += [rng.choice(keys)[-1] + rng.choice(keys)[0] for _ in range(20_000)]
    probes += ["", " ", "zz", "\U00020000", "中\u3000"]
    for p in probes:
        assert wd.has_prefix(p) == (p in freq), p
        assert wd.freq(p) == freq.get(p, 0), p


def _texts():
    """Catalog titles and descriptions (tests/data's sample of eval-dev), and hard cases."""
    out = []
    with open(EVAL_SAMPLE, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                for kind in ("titles", "descriptions"):
                    out.extend(v for v in (rec.get(kind) or {}).values() if isinstance(v, str))
    out += ["", " ", "中华人民共和国万岁", "新款iPhone 15发布了！C++与Python3.11", "a b\r\nc\t中 文",
            "ＡＢＣ全角１２３", "长江大桥 zhang jiang", "𠀀𠀁生僻字", "中-文_測試%100#&.", "水水水水 水循环"]
    return out


def test_cut_equals_jieba_on_catalog_text(jieba_tok, wd):
    texts = _texts()
    assert len(texts) > 300
    for text in texts:
        assert list(wd.cut(text)) == list(jieba_tok.cut(text, HMM=False)), text


def test_cut_equals_jieba_on_words_and_on_runs_of_words(jieba_tok, wd):
    words = sorted(wd)
    for w in random.Random(5).sample(words, 60_000):
        assert list(wd.cut(w)) == list(jieba_tok.cut(w, HMM=False)), w
    rng = random.Random(11)
    for _ in range(20_000):  # runs of words meet at ambiguous boundaries
        text = "".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        assert list(wd.cut(text)) == list(jieba_tok.cut(text, HMM=False)), text


def test_search_words_use_the_compact_dictionary():
    assert chinese.words("中华人民共和国") == ["中华人民共和国"]
    assert chinese.search_words("中华人民共和国") == ["中华", "华人", "人民", "共和", "共和国", "中华人民共和国"]
