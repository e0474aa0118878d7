from contentlib.model import Creator, MediaEntry, Version, Work
from contentlib.vocabulary import load_shipped


def make(**kw):
    base = dict(id="w1", type="video", versions={"zh": Version("zh", "标题")})
    base.update(kw)
    return Work(**base)


def test_valid_work_has_no_problems():
    assert make().check(load_shipped()) == []


def test_languages_follow_canonical_order_and_skip_empty_titles():
    w = make(versions={"en": Version("en", "T"), "zh": Version("zh", "  "), "bo": Version("bo", "ཀ")})
    assert w.languages == ["bo", "en"]


def test_title_prefers_given_order_and_falls_back():
    w = make(versions={"zh": Version("zh", "中"), "bo": Version("bo", "བོད")})
    assert w.title(("zh",)) == "中"
    assert w.title(("en",)) == "བོད"


def test_every_broken_invariant_is_reported():
    w = make(id="bad id!", type="film", versions={"fr": Version("fr", "x")}, year=1800,
             pages=3, subjects=["astrology"], creators=[Creator({"en": "A"}, "boss")],
             media=[MediaEntry(path="a", role="trailer", sha256="0" * 64, lang="de")])
    fields = [f for f, _ in w.check(load_shipped())]
    for expected in ("id", "type", "titles", "year", "pages", "subjects", "creators", "media"):
        assert expected in fields, expected


def test_duration_only_for_timed_types():
    assert ("duration_seconds", "only for video, animation, audio") in make(type="book", duration_seconds=3).check()
    assert make(type="audio", duration_seconds=3).check() == []


def test_vocabulary_ships_every_scheme_with_three_labels():
    vocab = load_shipped()
    for scheme in ("subjects", "audiences", "grades", "types"):
        terms = vocab.terms(scheme)
        assert terms
        for t in terms:
            assert set(t.labels) >= {"bo", "zh", "en"}
    assert vocab.get("subjects", "health").label("zh_Hans") == "健康卫生"
