"""Work pages carry Dublin Core and JSON-LD; the Atom feed, sitemap and handouts use the public URL."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import feedparser
import pytest
from defusedxml.ElementTree import fromstring

from contentlib import accounts, records
from contentlib import lists as teacher_lists
from contentlib.schemaorg import license_url, script_json
from contentlib.settings import defaults
from tests.conftest import DATA, write_jsonl

PUBLIC = "https://library.example.org"
EVIL = '</script><script>alert(1)</script><!-- & "quotes"'


class Head(HTMLParser):
    """Collects <meta> tags and the contents of every <script> element, as a browser tokenizes them."""

    def __init__(self):
        super().__init__()
        self.meta, self.scripts, self.sources, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("DC."):
            self.meta.append((attrs["name"], attrs.get("lang"), attrs["content"]))
        if tag == "script" and attrs.get("src"):  # the site's own files (keep.js), nothing inline
            self.sources.append(attrs["src"])
        elif tag == "script":
            self._in = [attrs.get("type"), ""]
            self.scripts.append(self._in)

    def handle_data(self, data):
        if self._in is not None:
            self._in[1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def head_of(client, path):
    parser = Head()
    parser.feed(client.get(path).get_data(as_text=True))
    return parser


@pytest.fixture
def loaded(app):
    app.config["CONTENTLIB_PUBLIC_URL"] = PUBLIC
    records.import_file(app.extensions["contentlib"].store, DATA / "works.jsonl")
    return app


def test_work_page_has_dublin_core_and_json_ld(client, loaded):
    head = head_of(client, "/works/t-atom")
    assert ("DC.title", "bo", "ལྟེ་ཉིང་ནང་རྫས་གཉིས་ཡོད་དེ་ཕོ་རྡུལ་དང་བར་རྡུལ་ལོ།") in head.meta
    assert ("DC.title", "zh", "原子核由中子和质子这两种粒子组成。") in head.meta
    assert ("DC.identifier", None, PUBLIC + "/works/t-atom") in head.meta
    assert ("DC.subject", "bo", "དངོས་ཁམས་དང་རྫས་འགྱུར།") in head.meta
    assert ("DC.rights", None, "CC BY-SA 4.0") in head.meta
    [(kind, text)] = head.scripts
    assert kind == "application/ld+json"
    data = json.loads(text)
    # A video work with no file yet promises no video: a CreativeWork, without contentUrl or uploadDate.
    assert data["@type"] == "CreativeWork" and data["@context"] == "https://schema.org"
    assert not {"contentUrl", "uploadDate", "duration"} & set(data)
    assert {"@value": "原子核由中子和质子这两种粒子组成。", "@language": "zh"} in data["name"]
    assert data["inLanguage"] == ["bo", "zh"]
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["url"] == PUBLIC + "/works/t-atom"
    book = json.loads(head_of(client, "/works/t-book").scripts[0][1])
    assert book["@type"] == "Book" and book["numberOfPages"] == 12 and book["inLanguage"] == ["zh", "en"]
    assert book["license"] == "https://creativecommons.org/licenses/by/4.0/"
    poster = json.loads(head_of(client, "/works/t-poster").scripts[0][1])
    assert poster["@type"] == "CreativeWork" and "license" not in poster


def test_a_video_work_with_its_file_is_a_video_object_with_content_url_and_upload_date(client, loaded, runner,
                                                                                      tmp_path):
    from tests.unit import media_samples as ms

    (tmp_path / "media").mkdir()
    ms.make_video(tmp_path / "media" / "clip.mp4")
    ms.make_m4a(tmp_path / "media" / "talk.m4a")
    recs = [{"id": "v-clip", "type": "video", "titles": {"zh": "原子"}, "media": [{"path": "media/clip.mp4",
                                                                                  "role": "original"}]},
            {"id": "a-talk", "type": "audio", "titles": {"zh": "讲座"}, "media": [{"path": "media/talk.m4a",
                                                                                 "role": "original"}]},
            {"id": "a-none", "type": "audio", "titles": {"zh": "无"}}]
    assert runner.invoke(["import", str(write_jsonl(tmp_path / "v.jsonl", recs))]).exit_code == 0
    for work_id, kind, media_type in (("v-clip", "VideoObject", "video/mp4"), ("a-talk", "AudioObject", "audio/mp4")):
        data = json.loads(head_of(client, f"/works/{work_id}").scripts[0][1])
        assert data["@type"] == kind and data["encodingFormat"] == media_type
        assert data["contentUrl"] == PUBLIC + client.get(f"/api/v1/works/{work_id}").get_json()["media"][0]["url"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", data["uploadDate"])
    assert json.loads(head_of(client, "/works/a-none").scripts[0][1])["@type"] == "CreativeWork"


def test_json_ld_cannot_break_out_of_its_script_element(client, app, tmp_path):
    rec = {"id": "evil", "type": "book", "titles": {"zh": EVIL, "bo": "ཀ་</SCRIPT >"},
           "descriptions": {"zh": "a < b && c > d \u2028 line"}, "license": "CC BY-SA 4.0"}
    records.import_file(app.extensions["contentlib"].store, write_jsonl(tmp_path / "evil.jsonl", [rec]))
    page = client.get("/works/evil").get_data(as_text=True)
    head = Head()
    head.feed(page)
    assert len(head.scripts) == 1  # no script element was injected
    assert all(src.startswith("/static/js/") for src in head.sources)
    data = json.loads(head.scripts[0][1])
    names = {n["@language"]: n["@value"] for n in data["name"]}
    assert names == {"bo": "ཀ་</SCRIPT >", "zh": EVIL}  # and the data reads back exactly
    assert data["description"][0]["@value"] == "a < b && c > d \u2028 line"
    assert "<script>alert" not in page and "</SCRIPT >" not in page.split("</h1>")[0].split("ld+json")[1]
    assert ("DC.title", "zh", EVIL) in head.meta  # attribute values are escaped, not lost
    assert "<" not in script_json({"x": "</script>"}) and json.loads(script_json({"x": "</script>"})) == {"x": "</script>"}


def test_licence_urls():
    assert license_url("CC BY-SA 4.0") == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert license_url("cc-by-nc-nd 3.0") == "https://creativecommons.org/licenses/by-nc-nd/3.0/"
    assert license_url("CC0") == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert license_url("All rights reserved") is None and license_url(None) is None


def test_atom_feed_of_new_arrivals(client, loaded):
    feed = feedparser.parse(client.get("/feeds/new.atom").data)
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [PUBLIC + "/works/" + i for i in ("t-poster", "t-book", "t-atom")]
    atom = next(e for e in feed.entries if e.link.endswith("t-atom"))
    assert "ལྟེ་ཉིང་" in atom.title and "原子核" in atom.title
    assert feed.feed.links[0].href == PUBLIC + "/feeds/new.atom"
    page = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml" href="/feeds/new.atom"' in page


def test_sitemap_lists_every_work_and_splits_into_an_index(client, loaded):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = fromstring(client.get("/sitemap.xml").data)
    locs = [u.findtext(ns + "loc") for u in root.iter(ns + "url")]
    assert PUBLIC + "/" in locs and PUBLIC + "/subjects/health" in locs
    assert {PUBLIC + "/works/" + i for i in ("t-atom", "t-book", "t-poster")} <= set(locs)
    assert all(re.match(r"\d{4}-\d\d-\d\dT", u.findtext(ns + "lastmod")) for u in root.iter(ns + "url")
               if "/works/" in u.findtext(ns + "loc"))
    loaded.config["CONTENTLIB_SITEMAP_SIZE"] = 2
    index = fromstring(client.get("/sitemap.xml").data)
    assert index.tag == ns + "sitemapindex"
    parts = [s.findtext(ns + "loc") for s in index.iter(ns + "sitemap")]
    assert parts == [PUBLIC + "/sitemaps/1.xml", PUBLIC + "/sitemaps/2.xml"]
    works = []
    for part in parts:
        got = fromstring(client.get(part.replace(PUBLIC, "")).data)
        works += [u.findtext(ns + "loc") for u in got.iter(ns + "url") if "/works/" in u.findtext(ns + "loc")]
    assert sorted(works) == sorted(PUBLIC + "/works/" + i for i in ("t-atom", "t-book", "t-poster"))
    assert client.get("/sitemaps/3.xml").status_code == 404


def test_public_url_setting_reaches_the_handout(client, loaded):
    assert defaults({"CONTENTLIB_PUBLIC_URL": "https://x.example.org/"})["CONTENTLIB_PUBLIC_URL"] == "https://x.example.org"
    assert defaults({})["CONTENTLIB_PUBLIC_URL"] is None
    store = loaded.extensions["contentlib"].store
    teacher = accounts.create_user(store, "teacher", "teacher", "correct horse battery")
    wl = teacher_lists.create(store, teacher, "list")
    teacher_lists.add(store, teacher, wl.id, "t-atom")
    handout = client.get(f"/shared/{wl.token}/print").get_data(as_text=True)
    assert PUBLIC + "/works/t-atom" in handout and "http://localhost" not in handout
    from catalog.lists import qr_svg
    assert str(qr_svg(PUBLIC + "/works/t-atom")) in handout  # the QR code itself encodes the public URL
    loaded.config["CONTENTLIB_PUBLIC_URL"] = None  # unset: the request's own host, as before
    assert "http://localhost/works/t-atom" in client.get(f"/shared/{wl.token}/print").get_data(as_text=True)
