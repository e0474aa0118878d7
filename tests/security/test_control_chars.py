"""Control characters (issue 21, item 6): refused at every door, and never a 500 in any XML we write.

An ``en`` title with U+0001 U+000B U+001B and a description with U+0000 used to
turn every feed, OPDS page and OAI response carrying that work into a 500, and
``/opds/search?q=%01`` too. Now the import, the editor, the API, the glossary,
list names and vocabulary labels refuse them naming the field, and a row that
already holds them (written here straight through the store) still gives
well-formed XML everywhere.
"""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from contentlib import glossary, lists
from contentlib.errors import InvalidRecord
from contentlib.indexing import drain
from contentlib.model import Creator, Version, Work
from tests.conftest import write_jsonl

from .conftest import bearer

BAD_TITLE = "Bad \u0001 \u000b \u001b title"
BAD_DESCRIPTION = "A description \u0000 with a NUL"
OAI_NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


def _parse(data: bytes):
    """Parse strictly (lxml refuses what is not well-formed XML 1.0)."""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


# -- the check itself ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f",
                                  "\u0080", "\u0085", "\u009f", "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_every_kind_of_control_character_is_refused_and_filtered(char):
    from contentlib import xmltext

    problem = xmltext.problem("title", f"ab{char}cd")
    assert problem is not None and problem[0] == "title" and f"U+{ord(char):04X}" in problem[1]
    assert xmltext.xml_safe(f"ab{char}cd") == "abcd"


def test_tab_newline_and_carriage_return_are_text():
    from contentlib import xmltext

    text = "line one\r\nline\ttwo\n\u0f40\u4e2d\U0001f600"
    assert xmltext.problem("description", text) is None and xmltext.xml_safe(text) == text


# -- every door refuses them -----------------------------------------------------------------------------------


def test_import_refuses_a_file_with_control_characters_whole_naming_each_field(app, runner, tmp_path):
    good = {"id": "fine-1", "type": "book", "titles": {"zh": "好书"}, "descriptions": {"zh": "一\r\n二\t三"}}
    bad = {"id": "bad-1", "type": "book", "titles": {"en": BAD_TITLE, "zh": "坏"},
           "descriptions": {"en": BAD_DESCRIPTION}, "keywords": {"en": ["ok", "x\u0085y"]},
           "creators": [{"name": {"en": "Ann\u009b"}, "role": "author"}], "license": "CC\ufffe BY"}
    surrogate = '{"id": "bad-2", "type": "book", "titles": {"en": "half \\ud800 a pair"}}'
    path = write_jsonl(tmp_path / "works.jsonl", [json.dumps(good), json.dumps(bad), surrogate])
    result = runner.invoke(["import", str(path)])
    assert result.exit_code == 1
    for where in ("titles.en", "descriptions.en", "keywords.en[1]", "creators[0].name.en", "license"):
        assert where in result.output, (where, result.output)
    assert "U+0001" in result.output and "U+0000" in result.output
    assert "3: " in result.output and "lone surrogate" in result.output  # refused as JSON already
    assert app.extensions["contentlib"].store.count_works() == 0  # all or nothing: the good line is not in either
    assert runner.invoke(["import", str(write_jsonl(tmp_path / "good.jsonl", [good]))]).exit_code == 0
    assert app.extensions["contentlib"].store.get_work("fine-1").versions["zh"].description == "一\r\n二\t三"


def test_the_editor_form_refuses_them_and_keeps_nothing(world, client, auth):
    auth.login("editor")
    before = client.get("/editor/works/t-book/en").get_data(as_text=True)
    resp = auth.post("/editor/works/t-book/en", {"title": BAD_TITLE, "description": "fine", "keywords": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "title" in page and "U+0001" in page
    resp = auth.post("/editor/works/t-book/en", {"title": "fine", "description": BAD_DESCRIPTION, "keywords": ""})
    assert resp.status_code == 400 and "description" in resp.get_data(as_text=True)
    assert client.get("/editor/works/t-book/en").get_data(as_text=True) == before  # no draft was made
    ok = auth.post("/editor/works/t-book/en", {"title": "Fine", "description": "one\r\ntwo", "keywords": "a, b"})
    assert ok.status_code == 302


def test_the_api_refuses_them_naming_the_field(world, client):
    url = "/api/v1/works/t-book/versions/en"
    for body, field in (({"title": BAD_TITLE}, "title"), ({"description": BAD_DESCRIPTION}, "description"),
                        ({"keywords": ["ok", "b\u009cd"]}, "keywords")):
        resp = client.post(url, json=body, headers=bearer(world, "editor"))
        assert resp.status_code == 400, (body, resp.status_code)
        message = resp.get_json()["error"]["message"]
        assert message.startswith(field) and "U+" in message
    raw = '{"title": "half \\udc00 a pair"}'  # a lone surrogate, as JSON allows it to be written
    resp = client.post(url, data=raw, content_type="application/json", headers=bearer(world, "editor"))
    assert resp.status_code == 400 and "lone surrogate" in resp.get_json()["error"]["message"]
    assert client.get(url, headers=bearer(world, "editor")).get_json()["state"] != "draft"


def test_glossary_list_names_and_vocabulary_labels_refuse_them(world):
    store, teacher = world["store"], world["app"].extensions["contentlib"].accounts.get("teacher")
    with pytest.raises(InvalidRecord, match="zh"):
        glossary.add(store, "原\u0001子", "རྡུལ་ཕྲན།")
    with pytest.raises(InvalidRecord, match="note"):
        glossary.add(store, "原子", "རྡུལ་ཕྲན།", note="\u001b[31m")
    with pytest.raises(InvalidRecord, match="name"):
        lists.create(store, teacher, "Class \u0000 list")
    with pytest.raises(InvalidRecord, match="labels.en"):
        world["res"].set_labels("subjects", "health", {"en": "Health\u0007"})
    assert glossary.entries(store) == [] and lists.owned_by(store, teacher) == []
    assert world["res"].vocabulary().get("subjects", "health").labels["en"] != "Health\u0007"


# -- a row that already holds them breaks nothing ---------------------------------------------------------------


@pytest.fixture
def tainted(world):
    """The sample catalog plus a work written through the store, past every check (as an old database might be)."""
    res = world["res"]
    work = Work(id="t-tainted", type="book", subjects=["health"], license="CC\u0002 BY", attribution="x\u0085y",
                versions={"en": Version("en", BAD_TITLE, BAD_DESCRIPTION, ["key\u0003word"]),
                          "zh": Version("zh", "控制\u0010字符", None, [])},
                creators=[Creator({"en": "Ann\u0019"}, "author")])
    res.store.put_works([work])
    res.store.set_label("subjects", "health", "en", "Health\u0006")
    drain(res.store, res.index)
    return world


XML_PAGES = ["/feeds/new.atom", "/opds/", "/opds/all", "/opds/new", "/opds/languages/en", "/opds/languages/zh",
             "/opds/subjects", "/opds/subjects/health", "/opds/search?q=Bad", "/sitemap.xml",
             "/oai?verb=ListSets", "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
             "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:t-tainted"]


def test_a_stored_control_character_breaks_no_feed(tainted, client):
    for path in XML_PAGES:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        text = etree.tostring(_parse(resp.data), encoding="unicode")
        assert not re.search("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]", text), path
        if "t-tainted" in path or path in ("/feeds/new.atom", "/opds/new", "/opds/languages/en", "/opds/search?q=Bad"):
            assert "Bad    title" in text and "A description  with a NUL" in text, path


def test_oai_list_records_harvests_every_page_past_the_stored_row(tainted, client):
    tainted["app"].config["CONTENTLIB_OAI_PAGE_SIZE"] = 2
    seen, params = [], {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    while True:
        resp = client.get("/oai", query_string=params)
        assert resp.status_code == 200
        root = _parse(resp.data)
        seen += [h.findtext("o:identifier", namespaces=OAI_NS) for h in root.iterfind(".//o:header", OAI_NS)]
        token = root.findtext(".//o:resumptionToken", namespaces=OAI_NS)
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    assert any(i.endswith(":t-tainted") for i in seen) and len(seen) == tainted["store"].count_works()
    titles = [t.text for t in _parse(client.get("/oai", query_string={
        "verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": seen[0].rsplit(":", 1)[0] + ":t-tainted"}).data)
        .iterfind(".//dc:title", OAI_NS)]
    assert "Bad    title" in titles


def test_zim_pages_drop_them(tainted):
    from contentlib import zim

    res = tainted["res"]
    work = res.store.get_work("t-tainted")
    page = zim.main_page([work], res.vocabulary(), {"health": 1})
    assert "Bad    title" in page and not re.search("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]", page)


@pytest.mark.parametrize("path", ["/opds/search?q=%01", "/opds/search?q=a%00b", "/opds/search?q=%C2%85",
                                  "/search?q=%01", "/api/v1/search?q=%1b", "/oai?verb=Identify&x=%01"])
def test_a_control_character_in_a_query_is_never_a_500(world, client, path):
    resp = client.get(path)
    assert resp.status_code in (200, 400), (path, resp.status_code)
    if path.startswith("/opds/") and resp.status_code == 200:
        _parse(resp.data)


def test_an_uploaded_file_name_loses_its_control_characters(world, client, tmp_path):
    from .conftest import png_bytes, upload

    resp = upload(client, world, "cover\u0001\u001b.png", png_bytes(tmp_path), role="cover")
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    work = world["store"].get_work("t-book", public=False)
    names = [(m.path, m.original_name) for m in work.media]
    assert ("media/t-book/bo/cover.png", "cover.png") in names


def test_a_selection_searches_without_them():
    from contentlib.selection import Selection

    assert Selection(q="原子\u0001核\u0000").q == "原子核" and Selection(q="\u001b").q is None
