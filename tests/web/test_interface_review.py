"""The interface-string review page: each string with the key terms it names and their sources (issue 26)."""

from __future__ import annotations

import re

import pytest

EN = {"Accept-Language": "en"}


@pytest.fixture
def editor(client, users, auth):
    auth.login("editor")
    return client


def row(html: str, english: str) -> str:
    """The table row of the string whose English is ``english``."""
    for found in re.findall(r'<tr id="s[^"]+"[^>]*>.*?</tr>', html, re.S):
        if f'<span lang="en">{english}</span>' in found.split("</td>", 1)[0]:
            return found
    raise AssertionError(f"no row for {english!r}")


def found(client, q: str, locale: str = "bo") -> str:
    """The review page searched for ``q`` (the list is paged: a search brings a string onto the page)."""
    return client.get("/editor/interface/", query_string={"locale": locale, "q": q}, headers=EN).get_data(as_text=True)


def test_each_string_shows_the_terms_it_names_with_their_public_source(editor):
    search = row(found(editor, "Search"), "Search")
    terms = re.search(r'<ul class="term-sources".*?</ul>', search, re.S).group(0)
    assert '<li class="term-used"><span lang="en">search</span> → <span lang="bo">འཚོལ་ཞིབ།</span>' in terms
    assert "MediaWiki searchbutton" in terms and "deepin-reader" in terms  # where the choice comes from
    both = row(found(editor, "science library in Tibetan"), "Search the science library in Tibetan, Chinese, Wylie or pinyin.")
    assert all(f'<span lang="en">{c}</span>' in both for c in ("search", "library", "Wylie", "pinyin"))
    assert "term-sources" not in row(found(editor, "yes"), "yes")  # a string naming no key term lists none


def test_a_translation_without_the_chosen_term_is_pointed_out(editor, auth):
    assert auth.post("/editor/interface/bo", {"msgid": "Subject", "form": "སློབ་ཚན།"}).status_code == 302
    subject = row(found(editor, "Subject"), "Subject")
    assert ('<li class="term-missing"><span lang="en">subject</span> → <span lang="bo">བརྗོད་གཞི།</span>\n'
            '            <strong>not in this translation</strong>') in subject
    assert '<li class="term-used"><span lang="en">subject</span>' in row(found(editor, "Works added by subject"),
                                                                      "Works added by subject")


def test_only_the_tibetan_strings_have_terms(editor):
    html = found(editor, "Search", "zh_Hans")
    assert "term-sources" not in html and '<span lang="en">Search</span>' in html
