"""One Tibetan term per concept across the interface, each with its public source (translations/bo/TERMS.md).

The table is read by ``contentlib.interface_terms``, the module the review page uses, so these
checks and what an editor sees come from the same rows (issue 26, item 12).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from contentlib import interface_terms as it

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
# The concepts the issue names, each of which must have its row.
NAMED = ("search", "log in", "language", "subject", "video", "book", "download", "next", "review", "approve",
         "history", "glossary", "list", "report")
TIBETAN = re.compile("[\u0f40-\u0fbc]")


def bo_messages():
    with open(TRANSLATIONS / "bo" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        for m in read_po(fh, locale="bo"):
            if m.id:
                english = m.id if isinstance(m.id, str) else " ".join(m.id)
                forms = [m.string] if isinstance(m.string, str) else list(m.string)
                yield english, forms, m


@pytest.fixture(scope="module")
def terms():
    return it.load(TRANSLATIONS, "bo")


def test_every_row_has_a_concept_english_words_a_tibetan_term_and_a_source(terms):
    assert len(terms) >= 40
    assert {t.concept for t in terms} >= set(NAMED)
    assert len({t.concept for t in terms}) == len(terms)  # one row, one term, per concept
    for t in terms:
        assert t.english and TIBETAN.search(t.tibetan), t.concept
        assert len(t.source) > 20, t.concept  # where the choice comes from, or that nothing public had it
        chosen = t.forms[0]
        assert not any(r in chosen for r in t.rejected), t.concept  # else every use of the term would be refused


def test_every_tibetan_string_uses_the_term_of_each_concept_it_names(terms):
    missing = []
    for english, forms, _m in bo_messages():
        for form in forms:
            missing += [(t.concept, english[:60], form[:60]) for t in terms if t.named_in(english) and not t.used_in(form)]
    assert missing == []


def test_no_tibetan_string_uses_a_rejected_variant(terms):
    found = [(t.concept, r, english[:60]) for english, forms, _m in bo_messages() for t in terms for r in t.rejected
             if any(r in f for f in forms)]
    assert found == []


def test_the_tibetan_interface_writes_latin_digits():
    """One digit set: numbers, years and months are Latin on every page (reports: ཟླ་3 2026), so in strings too."""
    assert [english for english, forms, _m in bo_messages() if any(re.search("[\u0f20-\u0f33]", f) for f in forms)] == []


def test_the_drafts_stay_drafts_for_a_person_to_confirm():
    drafts = sum(1 for _e, _f, m in bo_messages() if m.fuzzy)
    assert drafts >= 390


def test_placeholders_and_addresses_name_no_concept(terms):
    name = next(t for t in terms if t.concept == "name")
    library = next(t for t in terms if t.concept == "library")
    assert not name.named_in("Log out %(name)s") and name.named_in("Library name")
    assert not library.named_in("e.g. https://library.example.org.") and library.named_in("Per library")


def test_a_term_counts_with_or_without_its_closing_mark(terms):
    lists = next(t for t in terms if t.concept == "list")
    assert lists.used_in("ཐོ་གཞུང་དུ་ཉར།") and lists.used_in("ཐོ་གཞུང་།") and not lists.used_in("ཐོར་ཉར།")
    assert lists.named_in("Save to list") and not lists.named_in("the CSV file lists them all")


def test_parse_refuses_a_table_without_the_columns_or_with_a_bad_pattern():
    with pytest.raises(ValueError, match="columns"):
        it.parse("| Concept | Tibetan |\n|---|---|\n| search | འཚོལ་ཞིབ། |\n")
    with pytest.raises(ValueError, match="pattern"):
        it.parse("| Concept | English | Tibetan | Accepted | Rejected | Source |\n|---|---|---|---|---|---|\n"
                 "| search | sea(rch | འཚོལ་ཞིབ། | – | – | x |\n")
    assert it.parse("no table here") == []
    assert it.load(TRANSLATIONS, "en") == ()  # only the Tibetan interface has its terms
