"""The reader's copy of a book: PDF pages as pictures and text, EPUB chapters sanitised, hostile books within limits."""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from contentlib import books
from contentlib.books import paragraphs
from contentlib.errors import MediaRejected
from contentlib.media import Limits, MediaStore, inspect, make_renditions, sanitize
from contentlib.media.epub import render_book

from . import media_samples as ms

DEMO = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo"
RECORDS = {r["id"]: r for r in map(json.loads, (DEMO / "catalog.jsonl").read_text("utf-8").splitlines())}
EVERY_SCRIPT = re.compile(r"<script|onerror|onclick|onload|javascript:|file:|https?:|//evil|<form|<input|<iframe"
                          r"|<style|style=|<svg|<object|<embed", re.I)


@pytest.fixture
def media(tmp_path):
    return MediaStore(tmp_path / "media")


def _store(media, path) -> str:
    return media.put(path).sha256


def _book(media, path, fmt, limits=None) -> tuple[str, dict]:
    sha = _store(media, path)
    return sha, books.make_book(media, sha, fmt, limits)


# --- PDF ---

def test_a_demo_leaflet_becomes_pages_at_two_widths_whose_tibetan_reads_exactly_as_written(media):
    rec = RECORDS["demo-sib-0000"]
    (leaflet,) = [m for m in rec["media"] if m["role"] == "original"]
    sha, made = _book(media, DEMO / leaflet["path"], "pdf")
    assert made["pages"] == made["rendered"] == rec["pages"] and made["stopped"] is None
    page = made["items"][0]
    for width in (480, 1000):
        with Image.open(books.folder(media, sha) / f"p0001-{width}.webp") as im:
            assert im.format == "WEBP" and im.width == width
            assert [im.width, im.height] == page["sizes"][str(width)]
    runs = paragraphs(page["text"])
    tibetan = [p.text for p in runs if p.lang == "bo"]
    assert tibetan[0] == rec["titles"]["bo"]
    assert " ".join(tibetan[1:]) == rec["descriptions"]["bo"]  # every sentence, exactly
    assert any(p.lang == "zh" and p.text.startswith(rec["titles"]["zh"].replace(" ", "")[:6]) for p in runs)


def test_a_second_call_reuses_the_copy_and_renditions_forced_anew_keep_it(media):
    rec = RECORDS["demo-sib-0000"]
    sha, made = _book(media, DEMO / rec["media"][0]["path"], "pdf")
    picture = books.folder(media, sha) / "p0001-480.webp"
    stamp = picture.stat().st_mtime_ns
    assert books.make_book(media, sha, "pdf") == made
    make_renditions(media, sha, inspect(media.path(sha)), force=True)
    assert picture.stat().st_mtime_ns == stamp and books.load(media, sha) == made


def test_a_5000_page_pdf_is_accepted_and_the_reader_draws_only_its_first_pages(media, tmp_path):
    path = ms.make_pages_pdf(tmp_path / "long.pdf", [(300, 400)] * 5000)
    assert inspect(path).pages == 5000
    sha, made = _book(media, path, "pdf", Limits(reader_pages=12))
    assert (made["pages"], made["rendered"], made["stopped"]) == (5000, 12, "cap")
    assert sorted(p.name for p in books.folder(media, sha).glob("p*-480.webp"))[-1] == "p0012-480.webp"
    assert Limits().reader_pages == 500  # the default cap


def test_a_100000_point_page_is_drawn_scaled_within_the_pixel_limits(media, tmp_path):
    path = ms.make_pages_pdf(tmp_path / "wide.pdf", [(100_000, 500), (500, 100_000), (300, 400)])
    _sha, made = _book(media, path, "pdf")
    wide, tall, plain = (item["sizes"] for item in made["items"])
    assert wide["1000"][0] == 1000 and 1 <= wide["1000"][1] <= 10
    assert tall["1000"][1] == 4000 and tall["1000"][0] <= 25  # at most four times as tall as wide
    assert plain["480"] == [480, 640]
    assert all(w * h <= 1000 * 4000 for sizes in (wide, tall, plain) for w, h in sizes.values())


def test_a_pdf_the_parser_cannot_open_is_recorded_as_failed_not_retried(media, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    sha, made = _book(media, bad, "pdf")
    assert made["error"] and "PDF" in made["error"]
    assert books.load(media, sha) == made
    assert not list(books.folder(media, sha).glob("*.webp"))


def test_a_crashed_build_leaves_no_copy_and_its_temporary_folder_is_swept(media, tmp_path, monkeypatch):
    sha = _store(media, ms.make_pages_pdf(tmp_path / "a.pdf", [(300, 400)]))

    def boom(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(books.pages, "render_pages", boom)
    with pytest.raises(KeyboardInterrupt):
        books.make_book(media, sha, "pdf")
    assert books.load(media, sha) is None
    assert not [p for p in media.derived_dir(sha).iterdir() if p.name.startswith(".book-")]


def test_paragraphs_join_broken_tibetan_and_chinese_lines_and_keep_other_lines():
    text = "ཀ་ཁ་\nག་ང།\n中文\n句子\nLine one\nline two\n\nnext"
    assert [(p.lang, p.text) for p in paragraphs(text)] == [
        ("bo", "ཀ་ཁ་ག་ང།"), ("zh", "中文句子"), (None, "Line one\nline two"), (None, "next")]


# --- EPUB ---

HOSTILE = (
    '<h1 id="top" onclick="steal()" style="color:red" class="x">ཀ་ཁ།</h1>'
    '<p onmouseover="steal()">ལྟེ་ཉིང་<a href="javascript:alert(1)">js</a> <a href="http://evil.example/">web</a> '
    '<a href="//evil.example/x">host</a> <a href="file:///etc/passwd">file</a> '
    '<a href="ch2.xhtml#part">next</a> <a href="#top">top</a> <a href="../../../../etc/passwd">out</a></p>'
    '<script>alert(document.cookie)</script><style>body{display:none}</style>'
    '<img src="img/pic.png" alt="a picture" onerror="alert(1)"/>'
    '<img src="http://evil.example/track.png" alt="remote"/><img src="../../../../etc/passwd" alt="climb"/>'
    '<img src="img/vector.svg" alt="svg"/>'
    '<form action="http://evil.example/"><input name="q"/><button>Go</button></form>'
    '<iframe src="file:///etc/passwd"></iframe><object data="x.swf"></object>'
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>'
)


def _hostile_book(tmp_path) -> Path:
    return ms.make_reader_epub(
        tmp_path / "hostile.epub", [HOSTILE, '<h2 id="part">ཆ་ཤས།</h2><p>二</p>'],
        nav=[("ཐོག་མ།", "ch1.xhtml"), ("ཆ་ཤས།", "ch2.xhtml#part"), ("outside", "../../x.xhtml"),
             ("remote", "http://evil.example/")],
        pictures={"img/pic.png": ms.png_bytes(),
                  "img/vector.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'})


def test_a_hostile_epub_is_accepted_and_its_chapters_keep_text_but_no_script_form_or_remote_url(media, tmp_path):
    path = _hostile_book(tmp_path)
    inspect(path)  # script and links are not refused at upload: the reader removes them
    sha, made = _book(media, path, "epub")
    assert (made["chapters"], made["rendered"], made["stopped"]) == (2, 2, None)
    first = (books.folder(media, sha) / made["items"][0]["file"]).read_text("utf-8")
    assert not EVERY_SCRIPT.search(first), first
    assert "ཀ་ཁ།" in first and "ལྟེ་ཉིང་" in first and ">web</a>" in first  # the words of a dropped link stay
    assert 'href="?chapter=2#c-part"' in first and 'href="#c-top"' in first and 'id="c-top"' in first
    assert 'href="../' not in first and "passwd" not in first
    (picture,) = re.findall(r'src="(i-[0-9a-f]{16}\.webp)"', first)
    with Image.open(books.folder(media, sha) / picture) as im:
        assert im.format == "WEBP"
    assert first.count("<img") == 4 and first.count("src=") == 1  # remote, climbing and SVG pictures lose their source
    assert [(e["title"], e["chapter"], e["anchor"]) for e in made["toc"]] == [
        ("ཐོག་མ།", 1, None), ("ཆ་ཤས།", 2, "c-part")]
    assert made["items"][0]["lang"] == "bo" and made["items"][1]["title"] == "ཆ་ཤས།"


def test_a_page_cleans_a_stored_chapter_again_so_a_changed_file_brings_no_script(media, tmp_path):
    sha, made = _book(media, _hostile_book(tmp_path), "epub")
    stored = books.folder(media, sha) / made["items"][0]["file"]
    stored.write_text(stored.read_text("utf-8") + '<script>alert(1)</script><img src="https://evil.example/x.png">'
                      '<a href="https://evil.example/" id="main">x</a>', "utf-8")
    html = books.chapter_html(media, sha, made["items"][0]["file"], lambda name: f"/media/{sha}/book/{name}")
    assert not EVERY_SCRIPT.search(html.replace("/media/" + sha + "/book/", ""))
    assert re.search(r'src="/media/[0-9a-f]{64}/book/i-[0-9a-f]{16}\.webp"', html)
    assert 'id="main"' not in html  # a chapter's ids cannot take the page's
    assert sanitize.for_page('<a href="?chapter=2#c-x">a</a>', str) == '<a href="?chapter=2#c-x">a</a>'


def test_an_epub_2_table_of_contents_comes_from_its_ncx(media, tmp_path):
    path = ms.make_reader_epub(tmp_path / "ncx.epub", ["<p>ཀ</p>", "<p>ཁ</p>"],
                               ncx=[("དང་པོ།", "ch1.xhtml"), ("གཉིས་པ།", "ch2.xhtml")])
    _sha, made = _book(media, path, "epub")
    assert [(e["title"], e["chapter"]) for e in made["toc"]] == [("དང་པོ།", 1), ("གཉིས་པ།", 2)]


XXE = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'


@pytest.mark.parametrize("doctype", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_a_chapter_declaring_entities_is_refused_at_upload_and_never_expanded_by_the_reader(media, tmp_path, doctype):
    path = ms.make_reader_epub(tmp_path / "xxe.epub", ["<p>ཀ</p>", "<p>&xxe;&b;</p>"], doctypes={2: doctype})
    with pytest.raises(MediaRejected, match="chapter 'OEBPS/ch2.xhtml' declares XML entities") as caught:
        inspect(path)
    assert caught.value.reason == "unsafe"
    _sha, made = _book(media, path, "epub")  # a book stored before this check: the chapter is not shown
    assert made["items"][1] == {"error": "unsafe"}
    assert "root:" not in json.dumps(made)


def test_a_50_mb_chapter_is_refused_as_a_zip_bomb_or_left_to_the_download(media, tmp_path):
    huge = "<p>" + "ཀ་ཁ་ག་ང་" * (50 * 1024 * 1024 // 24) + "</p>"
    packed = ms.make_reader_epub(tmp_path / "packed.epub", ["<p>ཀ</p>", huge])
    with pytest.raises(MediaRejected, match="compressed suspiciously well"):
        inspect(packed)
    plain = ms.make_reader_epub(tmp_path / "plain.epub", ["<p>ཀ</p>", huge], stored=(2,))
    inspect(plain)
    sha, made = _book(media, plain, "epub")
    assert made["items"][1]["error"] == "too_large" and made["items"][1]["bytes"] > 50_000_000
    assert made["items"][0]["file"]
    assert sum(p.stat().st_size for p in books.folder(media, sha).iterdir()) < 100_000


def test_10000_chapters_are_refused_at_upload_and_shown_only_up_to_the_cap(media, tmp_path):
    path = ms.make_reader_epub(tmp_path / "many.epub", ["<p>ཀ</p>"] * 10_000)
    with pytest.raises(MediaRejected, match="holds 10,003 files"):
        inspect(path)
    inspect(path, Limits(epub_max_entries=20_000))  # a library that takes such books ...
    sha, made = _book(media, path, "epub")
    assert (made["chapters"], made["rendered"], made["stopped"]) == (10_000, 500, "cap")  # ... shows 500
    assert len(list(books.folder(media, sha).glob("c*.html"))) == 500


def test_a_reading_order_that_climbs_out_of_the_archive_is_refused_at_upload(media, tmp_path):
    path = ms.make_reader_epub(tmp_path / "climb.epub", ["<p>ཀ</p>", "<p>ཁ</p>"],
                               hrefs={2: "../../../../etc/passwd"})
    with pytest.raises(MediaRejected, match="outside the book") as caught:
        inspect(path)
    assert caught.value.reason == "unsafe"
    _sha, made = _book(media, path, "epub")  # the reader skips it as well
    assert made["chapters"] == made["rendered"] == 1


def test_an_epub_with_no_readable_package_is_recorded_as_failed(media, tmp_path):
    path = tmp_path / "broken.epub"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
    _sha, made = _book(media, path, "epub")
    assert "container" in made["error"]


def test_render_book_caps_chapters_by_the_limits(tmp_path):
    path = ms.make_reader_epub(tmp_path / "eight.epub", [f"<p>{n}</p>" for n in range(8)])
    out = tmp_path / "out"
    out.mkdir()
    made = render_book(path, out, dataclasses.replace(Limits(), reader_chapters=5))
    assert (made["chapters"], made["rendered"], made["stopped"]) == (8, 5, "cap")


# --- any chapter at all ---

PIECES = ['<script>alert(1)</script>', "<script>", "</script>", '<a href="javascript:alert(1)">', "</a>",
          '<img src=x onerror=alert(1)>', '<img src="pic.png">', '<svg onload=alert(1)>', "<iframe src=//evil.example>",
          "<style>", "<p title=\"", '"', "'", "<", ">", "&", "<!--", "-->", "<![CDATA[", "]]>", "<math>", "<p>",
          "</p>", " onclick=alert(1) ", '<a href="ch2.xhtml#x">', '<a href="#top">', "<form action=//evil>",
          "<input>", "data:text/html,", "<base href=//evil.example>", '<meta http-equiv=refresh content="0;url=//e">',
          "<object data=x>", "<embed src=x>", "<template>", "<noscript>", "<textarea>", '<div id="main" style="x">',
          "<h1 class=x>", "ཀ་ཁ།", "中文", "<html><head><title>t</title></head><body>", "<link rel=stylesheet href=x>",
          '<a href="//evil.example/">', '<img src="../../etc/passwd">', '<td colspan="9999999">', "<table>"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _safe(html: str, src_pattern) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    wrong = []
    for tag, attrs in parser.found:
        if tag not in sanitize.TAGS:
            wrong.append(tag)
        for name, value in attrs.items():
            allowed = sanitize.ATTRIBUTES["*"] | sanitize.ATTRIBUTES.get(tag, set())
            if name not in allowed or (name == "href" and not sanitize.LINK.match(value or "")) \
                    or (name == "src" and not src_pattern.match(value or "")) \
                    or (name == "id" and not sanitize.ANCHOR.match(value or "")):
                wrong.append(f"{tag} {name}={value!r}")
    return wrong


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30).map("".join))
def test_any_chapter_comes_out_with_allowed_tags_and_attributes_only(chapter):
    def link(href):
        return "?chapter=2#c-x" if href.startswith("ch2.xhtml") else "#c-top" if href == "#top" else None

    stored = sanitize.clean_chapter(chapter, link, lambda src: "i-0123456789abcdef.webp" if src == "pic.png" else None)
    assert _safe(stored, sanitize.IMAGE) == []
    shown = sanitize.for_page(stored, lambda name: "/media/" + "a" * 64 + "/book/" + name)
    assert _safe(shown, re.compile(r"\A/media/a{64}/book/i-[0-9a-f]{16}\.webp\Z")) == []
