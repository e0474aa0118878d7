"""OPDS 1.2 through feedparser over real HTTP: navigation, paging, entries, acquisition, search."""

from __future__ import annotations

import re
import urllib.request

import feedparser
import pytest
import sqlalchemy as sa
from defusedxml.ElementTree import fromstring

from contentlib import accounts
from contentlib import lists as teacher_lists
from contentlib.store import works
from tests.conftest import DATA, write_jsonl
from tests.unit import media_samples as ms

from .live import serving

ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"


@pytest.fixture
def shelf(app, runner, tmp_path):
    """The 40-work search sample plus a work with a video, a dub, subtitles, a book and a cover."""
    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    ms.make_m4a(folder / "media" / "dub-bo.m4a")
    ms.make_pdf(folder / "media" / "原子核.pdf", pages=2)
    ms.make_epub(folder / "media" / "book.epub")
    ms.make_image(folder / "media" / "cover.jpg", "JPEG")
    rec = {"id": "m-atom", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
           "descriptions": {"zh": "原子核的组成。", "bo": "ཕོ་རྡུལ།"}, "subjects": ["physical-science"],
           "media": [{"path": "media/atom.mp4", "role": "original"},
                     {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"},
                     {"path": "media/dub-bo.m4a", "role": "dub", "lang": "bo"},
                     {"path": "media/原子核.pdf", "role": "document", "lang": "zh"},
                     {"path": "media/book.epub", "role": "document", "lang": "bo"},
                     {"path": "media/cover.jpg", "role": "cover"}]}
    for path in (DATA / "search_sample.jsonl", write_jsonl(folder / "works.jsonl", [rec])):
        result = runner.invoke(["import", str(path)])
        assert result.exit_code == 0, result.output
    app.config["CONTENTLIB_FEED_PAGE_SIZE"] = 7
    return app


def newest_first(app):
    with app.extensions["contentlib"].store.engine.connect() as conn:
        return conn.execute(sa.select(works.c.id).order_by(works.c.added.desc(), works.c.id)).scalars().all()


def follow(url):
    """Every entry of a paged feed, following rel="next"; and how many pages that took."""
    entries, pages = [], 0
    while url:
        feed = feedparser.parse(url)
        assert not feed.bozo, feed.bozo_exception
        entries += feed.entries
        pages += 1
        url = next((link.href for link in feed.feed.links if link.rel == "next"), None)
    return entries, pages


def test_all_lists_every_work_once_newest_first_through_rel_next(shelf):
    with serving(shelf) as url:
        entries, pages = follow(url + "/opds/all")
    order = [e.link.rsplit("/", 1)[1] for e in entries]
    assert order == newest_first(shelf)  # every work, exactly once, newest first
    assert len(order) == 41 and pages == 6


def test_every_feed_from_the_root_parses_and_leads_to_works(shelf):
    with serving(shelf) as url:
        root = feedparser.parse(url + "/opds/")
        assert not root.bozo and root.feed.links[0].type == NAVIGATION
        found = {e.title: e.links[0] for e in root.entries}
        assert len(found) == 6
        assert {link.type for link in found.values()} == {ACQUISITION, NAVIGATION}
        search = next(link for link in root.feed.links if link.rel == "search")
        assert search.type == "application/opensearchdescription+xml"
        for title, link in found.items():
            feed = feedparser.parse(link.href)
            assert not feed.bozo, title
            if link.type == NAVIGATION:  # by subject, type, language: each leads to acquisition feeds
                for entry in feed.entries:
                    sub, pages = follow(entry.links[0].href)
                    assert sub, (title, entry.title)
        languages = feedparser.parse(url + "/opds/languages")
        counts = {e.links[0].href.rsplit("/", 1)[1]: int(re.search(r"\d+", e.content[0].value).group())
                  for e in languages.entries}
        sub, _ = follow(url + "/opds/languages/bo")
        assert len(sub) == counts["bo"]


def test_entries_carry_both_titles_summary_language_pictures_and_files_with_types(shelf, client):
    with serving(shelf) as url:
        feed = feedparser.parse(url + "/opds/all")
        entry = next(e for e in feed.entries if e.link.endswith("/works/m-atom"))
        assert ms.TIBETAN in entry.title and ms.CHINESE in entry.title
        assert "原子核的组成。" in entry.summary and "ཕོ་རྡུལ།" in entry.summary
        xml = fromstring(urllib.request.urlopen(url + "/opds/all").read())
    assert entry.tags[0].term == "physical-science"
    atom = "{http://www.w3.org/2005/Atom}"
    raw = next(e for e in xml.iter(atom + "entry") if e.findtext(atom + "id").endswith("/works/m-atom"))
    langs = [x.text for x in raw.iter("{http://purl.org/dc/terms/}language")]
    assert langs == ["bo", "zh"]
    dc_titles = {x.get("{http://www.w3.org/XML/1998/namespace}lang"): x.text
                 for x in raw.iter("{http://purl.org/dc/terms/}title")}
    assert dc_titles == {"bo": ms.TIBETAN, "zh": ms.CHINESE}
    rels = {}
    for link in entry.links:
        rels.setdefault(link.rel, []).append(link)
    assert rels["http://opds-spec.org/image"] and rels["http://opds-spec.org/image/thumbnail"]
    acquired = {link.type for link in rels["http://opds-spec.org/acquisition/open-access"]}
    assert acquired == {"video/mp4", "audio/mp4", "application/pdf", "application/epub+zip"}
    for link in rels["http://opds-spec.org/acquisition/open-access"] + rels["http://opds-spec.org/image"] + \
            rels["http://opds-spec.org/image/thumbnail"]:
        response = client.get(link.href.replace("http://localhost", ""))
        assert response.status_code == 200, link.href
        assert response.mimetype == link.type, link.href


def test_search_uses_the_site_search_and_opensearch_points_at_it(shelf, client):
    api = client.get("/api/v1/search", query_string={"q": "原子核", "per_page": 7}).get_json()
    feed = feedparser.parse(client.get("/opds/search", query_string={"q": "原子核", "per_page": 7}).data)
    assert not feed.bozo
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [r["id"] for r in api["results"]]
    assert "m-atom" in [r["id"] for r in api["results"]]
    assert int(feed.feed.opensearch_totalresults) == api["total"]
    if api["total"] > 7:
        assert any(link.rel == "next" for link in feed.feed.links)
    assert client.get("/opds/search", query_string={"q": "x" * 600}).status_code == 400
    desc = fromstring(client.get("/opds/opensearch.xml").data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = [u.get("template") for u in desc.iter(ns + "Url")]
    assert templates and all("/opds/search?q={searchTerms}" in t for t in templates)
    assert {u.get("type") for u in desc.iter(ns + "Url")} >= {ACQUISITION}


def test_every_navigation_entry_has_content_as_rfc_4287_asks(shelf, client):
    atom = "{http://www.w3.org/2005/Atom}"
    for path in ("/opds/", "/opds/subjects", "/opds/types", "/opds/languages"):
        entries = list(fromstring(client.get(path).data).iter(atom + "entry"))
        assert entries, path
        for entry in entries:  # atom:content, or else a link rel="alternate" (section 4.1.2)
            content = entry.find(atom + "content")
            alternate = [x for x in entry.iter(atom + "link") if x.get("rel") in (None, "alternate")]
            assert (content is not None and content.text.strip()) or alternate, (path, entry.findtext(atom + "title"))
    root = fromstring(client.get("/opds/").data)
    assert all(e.find(atom + "content") is not None for e in root.iter(atom + "entry"))


@pytest.mark.parametrize("unfilled", ["{startPage?}", "{startPage}", "{opensearch:startPage?}"])
def test_an_unreplaced_optional_template_parameter_is_read_as_absent(shelf, client, unfilled):
    plain = client.get("/opds/search", query_string={"q": "原子核"})
    left = client.get("/opds/search", query_string={"q": "原子核", "page": unfilled})
    assert left.status_code == 200 and left.mimetype == "application/atom+xml"
    ids = [e.link for e in feedparser.parse(left.data).entries]
    assert ids and ids == [e.link for e in feedparser.parse(plain.data).entries]
    assert unfilled not in left.get_data(as_text=True)  # the paging links do not carry it on
    assert client.get("/opds/search", query_string={"q": "原子核", "page": "two"}).status_code == 400  # still checked


def test_public_url_is_used_for_every_link(shelf, client):
    shelf.config["CONTENTLIB_PUBLIC_URL"] = "https://library.example.org"
    body = client.get("/opds/all").get_data(as_text=True)
    assert "http://localhost" not in body and "https://library.example.org/works/" in body


def test_shared_list_has_its_own_feed_and_paging_rejects_nonsense(shelf, client):
    store = shelf.extensions["contentlib"].store
    teacher = accounts.create_user(store, "teacher", "teacher", "correct horse battery")
    wl = teacher_lists.create(store, teacher, "ཕོ་རྡུལ། 原子")
    teacher_lists.add(store, teacher, wl.id, "m-atom")
    feed = feedparser.parse(client.get(f"/opds/shared/{wl.token}").data)
    assert feed.feed.title == "ཕོ་རྡུལ། 原子" and [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["m-atom"]
    assert client.get("/opds/shared/not-a-token").status_code == 404
    shared = feedparser.parse(client.get("/opds/shared").data)
    assert not shared.entries  # lists are found by their link only
    assert client.get("/opds/all?page=0").status_code == 400
    assert client.get("/opds/all?page=x").status_code == 400
    assert client.get("/opds/all?page=99").status_code == 404
    assert client.get("/opds/subjects/astrology").status_code == 404
