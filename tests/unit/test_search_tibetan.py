"""Tibetan normalization and syllable tokenization, one rule at a time."""
from contentlib.search import tibetan as bo


def test_tokenizes_on_tsheg_and_shad():
    assert bo.syllables("བོད་སྐད། ཡིག་ཆ།") == ["བོད", "སྐད", "ཡིག", "ཆ"]


def test_every_separator_breaks_syllables():
    # U+0F0C non-breaking tsheg, U+0F0E double shad, U+0FD2 nyis tsheg, spaces
    for sep in ("\u0f0b", "\u0f0c", "\u0f0d", "\u0f0e", "\u0fd2", " ", "\u3000", ","):
        assert bo.syllables(f"བོད{sep}སྐད") == ["བོད", "སྐད"], repr(sep)


def test_visarga_ends_a_syllable():
    assert bo.syllables("ཧཿཀ") == ["ཧཿ", "ཀ"]


def test_precomposed_vowels_are_decomposed():
    # U+0F73 = U+0F71 U+0F72, U+0F75 = U+0F71 U+0F74, U+0F81 = U+0F71 U+0F80
    assert bo.normalize_syllable("ཀ\u0f73") == bo.normalize_syllable("ཀ\u0f71\u0f72")
    assert bo.normalize_syllable("ཀ\u0f75") == bo.normalize_syllable("ཀ\u0f71\u0f74")
    assert bo.normalize_syllable("ཀ\u0f81") == bo.normalize_syllable("ཀ\u0f71\u0f80")
    assert bo.fold("\u0f43") == "\u0f42\u0fb7"


def test_marks_are_reordered():
    # vowel typed before the subjoined letter renders the same
    assert bo.reorder("ས\u0f7c\u0fb1") == "ས\u0fb1\u0f7c"
    assert bo.reorder("ཀ\u0f7e\u0f7c\u0f74") == "ཀ\u0f74\u0f7c\u0f7e"
    assert bo.normalize_syllable("སོྱ") == bo.normalize_syllable("སྱོ")


def test_graphical_variants_fold():
    assert bo.fold("\u0f6a") == "\u0f62"          # fixed-form ra
    assert bo.fold("ཀ\u0fbb") == "ཀ\u0fb1"        # fixed-form subjoined ya
    assert bo.fold("\u0f4a") == "\u0f4f"          # retroflex ta
    assert bo.fold("ཀ\u0f80") == "ཀ\u0f72"        # reversed i
    assert bo.fold("ཀ\u0f71") == "ཀ"              # a-chung dropped (lenient)
    assert bo.fold("ཀེེ") == "ཀཻ"                 # doubled vowel
    assert bo.fold("༢༠") == "20"                  # Tibetan digits


def test_affix_particles_are_stripped():
    assert bo.strip_affix("ཁོང") == "ཁོང"
    assert bo.normalize_syllable("ཁོའི") == "ཁོ"
    assert bo.normalize_syllable("ཁོའོ") == "ཁོ"
    assert bo.normalize_syllable("ཁོའམ") == "ཁོ"
    assert bo.normalize_syllable("ཁོའང") == "ཁོ"
    assert bo.normalize_syllable("ཁོའིས") == "ཁོ"


def test_sa_and_ra_stripped_only_after_a_vowel():
    assert bo.normalize_syllable("ཚོར") == "ཚོ"
    assert bo.normalize_syllable("མོས") == "མོ"
    # after a consonant they are suffix letters
    assert bo.normalize_syllable("ལས") == "ལས"
    assert bo.normalize_syllable("བར") == "བར"


def test_pa_ba_folding():
    assert bo.normalize_syllable("བ") == "པ"
    assert bo.normalize_syllable("བོ") == "པོ"
    assert bo.normalize_syllable("བའི") == "པ"
    assert bo.normalize_syllable("བོར") == "པོ"
    assert bo.normalize_syllable("བོད") == "བོད"


def test_variant_spellings_give_the_same_syllables():
    typed = "ཁཱི་རིས་ཊི"
    variant = "ཁ\u0f73\u0f0cརིས\u0f0cཊི\u0f0b\u0f0d"
    assert bo.syllables(typed) == bo.syllables(variant)


def test_offsets_point_into_the_original_text():
    text = "ང་ཚོར་མཚུངས།"
    assert [text[s:e] for _, s, e in bo.tokenize(text)] == ["ང", "ཚོར", "མཚུངས"]


def test_latin_and_digits_in_tibetan_text():
    assert bo.syllables("ལོ་28་ལ་UTC") == ["ལོ", "28", "ལ", "utc"]


def test_no_tibetan_gives_nothing():
    assert bo.syllables("。，！") == []
    assert not bo.has_tibetan("abc")


def test_exact_forms_are_indexed_beside_search_forms():
    assert bo.index_terms("ནུས་པའི་ཁ") == [
        ("ནུ", 0), ("ནུས", 0), ("པ", 1), ("པའི", 1), ("ཁ", 2)]
    assert bo.exact_syllables("ང༌ཚོར") == ["ང", "ཚོར"]


def test_pair_terms_join_neighbouring_syllables_search_and_exact_forms():
    from contentlib.search import tibetan

    found = tibetan.pair_terms("ནུས་པའི་ཤུགས།")
    norm = tibetan.syllables("ནུས་པའི་ཤུགས།")
    assert found[:2] == tibetan.pairs(norm) and len(norm) == 3
    assert "ནུས\u0f0bཔའི" in found  # the exact forms, affix kept, pair up too
    assert tibetan.pair_terms("ཀ") == []
    # An exact pair the search forms lack counts as often as it occurs (its frequency scores).
    twice = tibetan.pair_terms("ནུས་པའི་ཤུགས། ནུས་པའི་ཤུགས།")
    assert twice.count("ནུས\u0f0bཔའི") == 2


def test_a_tibetan_phrase_needs_its_syllables_next_to_each_other(tmp_path):
    from contentlib.search import SearchIndex

    idx = SearchIndex(tmp_path / "ix")
    idx.rebuild([{"id": "near", "type": "book", "titles": {"bo": "ནུས་པ་ཆེན་པོ།"}},
                 {"id": "apart", "type": "book", "titles": {"bo": "ནུས་ཆེན་པོ་དང་པ་སངས།"}}])
    hits = [r["id"] for r in idx.search("ནུས་པ", per_page=10)["results"]]
    assert hits[0] == "near"
    idx.close()


def _fold_one_by_one(text):
    """The character-by-character folding ``fold`` replaced (its reference)."""
    s = "".join(bo._DECOMPOSE.get(ch, ch) for ch in text)
    out, run = [], []
    for ch in s:
        if ch in bo._ORDER:
            run.append(ch)
            continue
        out.extend(sorted(run, key=bo._ORDER.__getitem__))
        run = []
        out.append(ch)
    s = "".join(out + sorted(run, key=bo._ORDER.__getitem__))
    for double, single in bo._DOUBLE_VOWELS:
        s = s.replace(double, single)
    return s.translate(bo._FOLD).translate(bo._DIGITS)


def test_fold_equals_character_by_character_folding_on_random_text():
    import random
    rnd = random.Random(7)
    alphabet = [chr(c) for c in range(0x0F00, 0x1000)] + list("ab1 \n")
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    texts += ["བཀྲ་ཤིས་བདེ་ལེགས།", "\u0f40\u0f7c\u0f7c\u0f74\u0fb2\u0f71", "\u0f73\u0f77\u0f69\u0f22"]
    for text in texts:
        assert bo.fold(text) == _fold_one_by_one(text), text


def test_repeated_exact_pairs_are_each_counted():
    # The exact pair མེ་རིའི occurs twice: its frequency, like a search-form pair's, is 2.
    found = bo.pair_terms("མེ་རིའི་མེ་རིའི")
    assert found.count("མེ་རིའི") == 2
    assert found.count("མེ་རི") == 2
