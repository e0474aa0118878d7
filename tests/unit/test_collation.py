"""Tibetan dictionary order, and the sort keys for Chinese and Latin titles.

Expected orders are not made up here: the Tibetan lists are taken from the
test data of the CLDR Tibetan collation (BDRC, github eroux/tibetan-collation,
implementations/Unicode/test.py), which follows the Bod rgya tshig mdzod chen
mo. They were also checked against ICU 72's own "bo" collator (CLDR rules):
it agrees on every list but "forms of da", where its rules lack the
contraction for མདྲ and so put མདྲོན under ma, against CLDR's own test data
and the grammar (m- is a prefix of dra). The rule each list shows is named
in its key.
"""

import random

import pytest

from contentlib.collation import parse_syllable, sort_key, tibetan_sort_key

CLDR_ORDERS = {
    "root letters": "ཀ ཁ ག ང ཅ ཆ ཇ ཉ ཏ ཐ ད ན པ ཕ བ མ ཙ ཚ ཛ ཝ ཞ ཟ འ ཡ ར ལ ཤ ས ཧ ཨ",
    # bare root, subscripts (wa-zur first), prefixes, superscripts, both
    "forms of ka": "ཀ ཀྭ ཀྱ ཀྲ ཀླ དཀ དཀྱ དཀྲ བཀ བཀྱ བཀྲ བཀླ རྐ རྐྱ ལྐ སྐ སྐྱ "
                   "སྐྲ བརྐ བརྐྱ བསྐ བསྐྱ བསྐྲ",
    "forms of ga": "ག གྭ གྱ གྲ གྲྭ གླ དགྱ དགྲ བགྱ བགྲ བགླ མགྱ མགྲ འགྱ འགྲ རྒ "
                   "རྒྱ ལྒ སྒ སྒྱ སྒྲ བརྒ བརྒྱ བསྒ བསྒྱ བསྒྲ",
    "forms of ta": "ཏ ཏྭ ཏྲ གཏྭ བཏྭ རྟ ལྟ སྟ བརྟ བལྟ བསྟ",
    "forms of da": "ད དྭ དྲ དྲྭ མདྲོན འདྲ རྡ ལྡ སྡ བརྡ བལྡ བསྡ",
    "forms of ra (rla is ra + la subscript)": "ར རྭ རླ བརླ",
    "forms of ha (lha is superscript la on ha)": "ཧ ཧྭ ཧྲ ལྷ",
    "vowels": "ཀ ཀཱ ཀི ཀཱི ཀྀ ཀཱྀ ཀུ ཀཱུ ཀེ ཀོ ཀཽ",
    "suffixes, post-suffixes, particles": "ཀག ཀགས ཀང ཀངས ཀད ཀན ཀབ ཀབས ཀམ ཀམས ཀའ "
        "ཀའང ཀའམ ཀའི ཀའིའོ ཀའུ ཀའུའང ཀའུའམ ཀའུའི ཀའུའིའོ ཀའུའོ ཀའུར ཀའུས "
        "ཀའོ ཀར ཀལ ཀས",
    # Sanskrit stack after the root (Tshig mdzod chen mo p. 2061, via CLDR)
    "transliterated Sanskrit": "མར་ མརྒཏ་ མལ་",
    "om: anusvara sorts as ma, then by spelling": "ཨོམ ཨོཾ ༀ ཨོར",
    # Tournadre, Manual of Standard Tibetan (2005), as quoted by CLDR
    "words (Tournadre)": "ག་རེ་ གངས་ གི་ གིས་ གུར་ གེ་སར་ གོ་ གྭ་ གྱང་ གྱུར་ གྲང་མོ་ "
        "གྲངས་ གླ་ གླང་ དགའ་ དགུ་ དགེ་བ་ དགོས་ དགྲ་ བགམས་ བགེགས་ མགུར་ མགྱོགས་ "
        "རྒན་ རྒོད་པོ་ རྒྱ་ རྒྱ་མ་ ལྒང་བུ་ སྒ་ སྒུག་ སྒོར་མོ་ སྒྱུར་ སྒྲ་ བརྒལ་ "
        "བརྒྱ་ བསྒོམས་ བསྒྱུར་ བསྒྲགས་ བསྒྲིགས་",
    "two letters are root + suffix": "ཁ གད གན གར གལ གས ང ད དག དང དབ དམ དར དལ "
        "དས ན ཕ བག བད བར བལ བས མ མག མང མད མན མབ མར མལ མས ཙ འག འད འབ",
    "three letters, first is root": "ད དངས ན ཕ བགས མ མགས མངས ཙ",
    "three letters, second is root": "ཁ དགས འགས ང ད གདས བདས འདས ན ཕ དབས "
        "འབས མ དམས ཙ",
    "vowel on second letter marks it root": "ཀ དཀི བཀི ཁ མཁི འཁི ག དགི བགི མགི "
        "འགི ང དངི མངི ཅ གཅི བཅི ཏ གཏི བཏི ད གདི བདི མདི འདི ཡ གཡི ས གསི བསི ཧ",
    "final a-chung marks a prefix": "ཀ དཀའ བཀའ ག དགའ བགའ མགའ འགའ ང དངའ མངའ "
        "ད གདའ བདའ མདའ འདའ བ དབའ འབའ མ དམའ ས གསའ བསའ ཧ",
}


@pytest.mark.parametrize("name", sorted(CLDR_ORDERS))
def test_dictionary_order(name):
    expected = CLDR_ORDERS[name].split()
    shuffled = expected[:]
    random.Random(name).shuffle(shuffled)
    assert sorted(shuffled, key=tibetan_sort_key) == expected
    assert sorted(reversed(expected), key=tibetan_sort_key) == expected


def test_code_point_order_is_not_dictionary_order():
    # Why this module exists: by code point, every ད- and བ- word lands among
    # the da and ba roots, and the superscript forms among ra, la and sa.
    expected = CLDR_ORDERS["forms of ka"].split()
    assert sorted(expected) != expected


def test_brief_example_ka_kar_dkar_bkaa():
    # ཀ < ཀར: suffix after bare root; < དཀར: prefixed ka after all bare ka;
    # < བཀའ: prefix da before prefix ba (CLDR "དཀ ... བཀ").
    words = ["བཀའ", "དཀར", "ཀར", "ཀ"]
    assert sorted(words, key=tibetan_sort_key) == ["ཀ", "ཀར", "དཀར", "བཀའ"]


def test_multi_syllable_titles_compare_syllable_by_syllable():
    titles = ["སྐྱེ་ཁམས་ཁོར་ཡུག", "སྐྱེ་དངོས་ཚན་རིག", "ཀ་ཁ", "ཀ", "གནམ་གཤིས།",
              "དངོས་ཁམས་དང་རྫས་འགྱུར།", "འཕྲོད་བསྟེན།", "ཞིང་འབྲོག་ལས་རིགས།"]
    assert sorted(titles, key=tibetan_sort_key) == [
        "ཀ", "ཀ་ཁ",              # a shorter title first
        "སྐྱེ་ཁམས་ཁོར་ཡུག",       # root ka (superscript sa)
        "སྐྱེ་དངོས་ཚན་རིག",
        "དངོས་ཁམས་དང་རྫས་འགྱུར།",  # root nga (prefix da)
        "གནམ་གཤིས།",             # root na (prefix ga)
        "འཕྲོད་བསྟེན།",            # root pha (prefix 'a)
        "ཞིང་འབྲོག་ལས་རིགས།",     # root zha
    ]


def test_punctuation_and_tsheg_kinds_do_not_weigh():
    assert tibetan_sort_key("བོད།")[0] == tibetan_sort_key("བོད་")[0]
    assert tibetan_sort_key("ཀ་ཁ")[0] == tibetan_sort_key("ཀ༌ཁ")[0]
    assert tibetan_sort_key(" ཀ ")[0] == tibetan_sort_key("ཀ")[0]


def test_tibetan_numbers_sort_by_value():
    assert sorted(["༡༠", "༢", "༡"], key=tibetan_sort_key) == ["༡", "༢", "༡༠"]
    # longer than int() will parse from a string by default
    assert tibetan_sort_key("༩" * 5000) < tibetan_sort_key("༡" + "༠" * 5000)


def _parts(syl):
    p = parse_syllable(syl)
    return (p.prefix, p.superscript, p.root, p.subscripts, p.vowels, p.tail)


@pytest.mark.parametrize("syl, parts", [
    # prefix, superscript, root, subscripts, vowels, rest
    ("དག", ("", "", "ད", "", "", "ག")),         # dag: 2 letters, root first
    ("དགའ", ("ད", "", "ག", "", "", "འ")),       # dga': a-chung shows the prefix
    ("མངའ", ("མ", "", "ང", "", "", "འ")),       # mnga'
    ("དངས", ("", "", "ད", "", "", "ངས")),      # dangs (CLDR exception)
    ("དགས", ("ད", "", "ག", "", "", "ས")),       # dgas
    ("བསམས", ("བ", "", "ས", "", "", "མས")),     # bsams: 4 letters
    ("འགྲོ", ("འ", "", "ག", "ར", "ོ", "")),      # 'gro: stack after prefix
    ("བསྒྲུབས", ("བ", "ས", "ག", "ར", "ུ", "བས")),  # bsgrubs
    ("རྒྱལ", ("", "ར", "ག", "ཡ", "", "ལ")),      # rgyal
    ("ལྷ", ("", "ལ", "ཧ", "", "", "")),         # lha: ha is never a subscript
    ("སྲ", ("", "", "ས", "ར", "", "")),          # sra: ra is a subscript
    ("བརླབས", ("བ", "", "ར", "ལ", "", "བས")),   # brlabs: ra + la subscript
    ("དབུ", ("ད", "", "བ", "", "ུ", "")),        # dbu: vowel marks the root
    ("གཡུ", ("ག", "", "ཡ", "", "ུ", "")),        # g.yu
    ("ཀའི", ("", "", "ཀ", "", "", "འི")),        # ka'i: particle, not a root
    ("བའི", ("", "", "བ", "", "", "འི")),        # ba'i: ba never prefixes 'a
    ("དགའི", ("ད", "", "ག", "", "", "འི")),      # dga'i = dga' + 'i
    ("མརྒཏ", ("", "", "མ", "", "", "རྒཏ")),      # Sanskrit marakata: only ba
                                                 # prefixes a superscript
])
def test_syllable_parts(syl, parts):
    assert _parts(syl) == parts


WEIRD = ["", None, 42, "abc", "ABC", "中文标题", "ཀ abc 中", "་་།", "ི", "ྐ", "ཱ",
         "༡༢༣", "123", "༼ཀ༽", "🙂", "\x00", "ཀ\u200bཁ", "e\u0301", "ༀ", "ཨཱཿ",
         "ཀྵ", "བཻཌཱུརྻ", "ཧ་ཧ་ཧ", "12abc", "a1", "ꙮ", "\ud7ff", "་ཀ་ཀ་"]


def test_tibetan_key_never_raises_and_always_compares():
    keys = [tibetan_sort_key(t) for t in WEIRD]
    sorted(keys)  # any two keys must be comparable


@pytest.mark.parametrize("locale", ["bo", "zh", "zh_Hans_CN", "en", "", None])
def test_sort_key_never_raises_on_mixed_lists(locale):
    assert len(sorted(WEIRD, key=lambda t: sort_key(t, locale))) == len(WEIRD)


def test_chinese_sorts_by_pinyin():
    # code point order would put 长 (U+957F) after 北 and 安 after both
    titles = ["长江", "北京", "安全", "重庆"]
    assert sorted(titles, key=lambda t: sort_key(t, "zh")) == [
        "安全", "北京", "长江", "重庆"]


def test_latin_sorts_case_insensitively():
    assert sorted(["banana", "Apple", "cherry"], key=lambda t: sort_key(t, "en")) == [
        "Apple", "banana", "cherry"]


def test_scripts_group_with_the_locale_script_first():
    titles = ["Water", "水", "ཆུ"]
    assert sorted(titles, key=lambda t: sort_key(t, "bo")) == ["ཆུ", "水", "Water"]
    assert sorted(titles, key=lambda t: sort_key(t, "zh")) == ["水", "ཆུ", "Water"]
    assert sorted(titles, key=lambda t: sort_key(t, "en")) == ["ཆུ", "水", "Water"]


def test_sort_key_uses_dictionary_order_for_tibetan():
    words = ["བཀའ", "ཀར", "སྐད", "ཁ"]
    assert sorted(words, key=lambda t: sort_key(t, "zh")) == ["ཀར", "བཀའ", "སྐད", "ཁ"]
