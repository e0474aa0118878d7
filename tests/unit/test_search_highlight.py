"""Pinyin highlighting marks exactly the characters read as the typed syllables."""
import random

from contentlib.search import chinese, highlight


def _spans_one_by_one(text, seq):
    """Every run of characters read as ``seq`` (any of each one's readings)."""
    readings = [chinese.char_pinyin(ch) if chinese.is_cjk(ch) else () for ch in text]
    n = len(seq)
    return [(i, i + n) for i in range(len(text) - n + 1)
            if all(seq[k] in readings[i + k] for k in range(n))]


def _spans(text, seq):
    pattern = highlight._pinyin_pattern(tuple(seq))
    coded = highlight._reading_codes(text)
    return [(m.start() // 2, m.end() // 2) for m in pattern.finditer(coded)]


def test_pinyin_pattern_finds_what_a_character_by_character_check_finds():
    rnd = random.Random(3)
    chars = "长行重和了乐中国经济荆棘银行长江大学学长朝阳重庆的地得" + "ab1，。 "
    for _ in range(400):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(1, 30)))
        i = rnd.randrange(len(text))
        piece = text[i:i + rnd.randint(1, 3)]
        if not all(map(chinese.is_cjk, piece)):
            continue
        seq = [rnd.choice(chinese.char_pinyin(ch)) for ch in piece]
        expected = _spans_one_by_one(text, seq)
        assert expected  # the piece itself is read so
        # finditer does not overlap: compare the greedy non-overlapping runs
        greedy, end = [], -1
        for s, e in expected:
            if s >= end:
                greedy.append((s, e))
                end = e
        assert _spans(text, seq) == greedy, (text, seq)


def test_pinyin_highlight_in_a_title():
    doc = {"titles": {"zh": "长江大学的银行"}}
    readings = [type("R", (), {"script": "pinyin", "terms": [["yin", "hang"]]})()]
    assert highlight.highlights(doc, readings) == {"zh": "长江大学的<mark>银行</mark>"}


def test_word_occurrences_are_what_a_regex_finds():
    import re
    rnd = random.Random(5)
    for _ in range(500):
        text = "".join(rnd.choice("物理宇宙ab") for _ in range(rnd.randint(0, 20)))
        word = "".join(rnd.choice("物理宇宙ab") for _ in range(rnd.randint(1, 3)))
        assert highlight._occurrences(text, word) == \
            [m.span() for m in re.finditer(re.escape(word), text)]
