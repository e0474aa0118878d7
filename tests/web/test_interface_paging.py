"""The review page a page at a time (issue 26): filters and page survive a confirmation, which returns to the
same string at an anchor of its own, never a row number that another string holds next."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

EN = {"Accept-Language": "en"}
ROW = re.compile(r'<tr id="(s-[0-9a-f]{10})"[^>]*>(.*?)</tr>', re.S)


@pytest.fixture
def editor(client, users, auth):
    auth.login("editor")
    return client


def _get(client, url, headers=EN):
    r = client.get(url, headers=headers)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def _form(row_html: str) -> dict[str, str]:
    """The hidden fields of a row's confirm form, as the browser posts them."""
    return {k: htmllib.unescape(v) for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', row_html)
            if k != "csrf_token"}


def test_a_confirmation_keeps_filter_search_and_page_and_returns_to_the_same_string(editor, auth):
    first = _get(editor, "/editor/interface/?locale=bo&state=draft")
    assert len(ROW.findall(first)) == 25  # a page, not every string
    nxt = htmllib.unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    assert parse_qs(urlsplit(nxt).query)["state"] == ["draft"]
    second = _get(editor, nxt)
    rows = ROW.findall(second)
    shown = [a for a, _ in rows]
    anchor, row = rows[2]
    fields = _form(row)
    assert fields["state"] == "draft" and fields["start"] == shown[0] and fields["keep"] == anchor
    tibetan = htmllib.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", row, re.S).group(1))
    r = auth.post("/editor/interface/bo", {**fields, "form": tibetan})
    assert r.status_code == 302
    where = urlsplit(r.headers["Location"])
    assert where.fragment == anchor  # the string's own anchor
    assert parse_qs(where.query) == {"locale": ["bo"], "state": ["draft"], "start": [shown[0]], "keep": [anchor],
                                     "done": ["string-saved"]}
    back = _get(editor, f"{where.path}?{where.query}")
    again = ROW.findall(back)
    assert [a for a, _ in again] == shown  # the same page: the saved string stays where it was, though no draft now
    saved = dict(again)[anchor]
    assert "Confirmed by editor" in saved and "Shown because you just saved it" in saved
    english = re.search(r'<span lang="en">(.*?)</span>', row).group(1)
    assert f'id="done">Saved: {english}. The interface uses it from now on.</p>' in back  # says which string
    # reloaded without "keep": the confirmed string has left the drafts; nothing else moved
    reloaded = [a for a, _ in ROW.findall(_get(editor, f"/editor/interface/?locale=bo&state=draft&start={shown[0]}"))]
    assert anchor not in reloaded and reloaded[:24] == [a for a in shown if a != anchor]


def test_the_anchor_of_a_string_is_the_same_on_every_page_and_filter(editor):
    searched = dict(ROW.findall(_get(editor, "/editor/interface/?locale=bo&q=Source")))
    everywhere = [a for a, body in searched.items() if '<span lang="en">Source</span>' in body]
    assert len(everywhere) == 1
    page = _get(editor, "/editor/interface/?locale=bo&state=all&q=source")  # another search, any case
    assert f'<tr id="{everywhere[0]}"' in page
    assert not re.search(r'id="s\d+"', page)  # no row numbers left


def test_a_refused_text_keeps_the_filter_and_shows_the_string(editor, auth):
    page = _get(editor, "/editor/interface/?locale=bo&q=Page+%25")
    anchor, row = next((a, b) for a, b in ROW.findall(page) if "Page %(page)s of %(last)s" in htmllib.unescape(b))
    r = auth.post("/editor/interface/bo", {**_form(row), "form": "ཤོག་ལྷེ།"})
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert f'<tr id="{anchor}" class="failed">' in body and "ཤོག་ལྷེ།</textarea>" in body
    assert '<input type="search" name="q" value="Page %"' in body  # the search is still there
    bare = auth.post("/editor/interface/bo", {"msgid": "Page %(page)s of %(last)s", "form": "ཤོག་ལྷེ།"})  # no page
    assert bare.status_code == 400 and f'<tr id="{anchor}" class="failed' in bare.get_data(as_text=True)


def test_the_search_and_the_state_are_text(editor):
    page = _get(editor, "/editor/interface/?locale=bo&q=%3Cscript%3Ealert(1)%3C/script%3E&state=%3Cb%3E")
    assert "<script>alert" not in page and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "No string matches." in page
    assert '<option value="all" selected>' in page  # an unknown state is "all"


@pytest.mark.parametrize("language, english, chinese", [("bo", "དབྱིན་ཡིག", "རྒྱ་ཡིག"), ("zh-Hans", "英文", "中文")])
def test_the_column_headers_are_in_the_interface_language(editor, language, english, chinese):
    page = _get(editor, "/editor/interface/?locale=bo", headers={"Accept-Language": language})
    head = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    assert english in head and chinese in head and "English" not in head


def test_each_string_says_where_it_appears(editor):
    page = _get(editor, "/editor/interface/?locale=bo&q=Interface+strings")
    row = next(b for _, b in ROW.findall(page) if '<span lang="en">Interface strings</span>' in b)
    assert re.search(r'Appears in: .*<span lang="en">editor/interface\.html</span>', row)
