"""`contentlib site export`: a zip of static pages, with the selection flags of `export`, that refuses cleanly."""

from __future__ import annotations

import base64
import re
import zipfile

import pytest

from tests.conftest import DATA, write_jsonl
from tests.unit import media_samples as ms

FONT = DATA.parents[1] / "catalog" / "static" / "fonts" / "NotoSerifTibetan.woff2"


@pytest.fixture
def filled(app, runner, tmp_path):
    """The test works plus a video with Tibetan (SRT) and Chinese (WebVTT) subtitles, a PDF and a cover."""
    folder = tmp_path / "src"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    (folder / "media" / "bo.srt").write_text(ms.SRT, encoding="utf-8")
    ms.make_pdf(folder / "media" / "book.pdf", pages=2)
    ms.make_image(folder / "media" / "cover.jpg", "JPEG")
    rec = {"id": "z-video", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": "<原子核>"},
           "descriptions": {"zh": "原子核的组成。"}, "subjects": ["physical-science"], "license": "CC BY-SA 4.0",
           "media": [{"path": "media/atom.mp4", "role": "original"},
                     {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"},
                     {"path": "media/bo.srt", "role": "subtitle", "lang": "bo"},
                     {"path": "media/book.pdf", "role": "document", "lang": "zh"},
                     {"path": "media/cover.jpg", "role": "cover"}]}
    for path in (DATA / "works.jsonl", write_jsonl(folder / "works.jsonl", [rec])):
        result = runner.invoke(["import", str(path)])
        assert result.exit_code == 0, result.output
    return app


def test_site_export_writes_pages_search_font_and_subtitles(filled, runner, tmp_path):
    out = tmp_path / "site.zip"
    result = runner.invoke(["site", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 works" in result.output and "written" in result.output
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"index.html", "index.js", "assets/site.js", "assets/site.css", "works/z-video.html",
                "works/t-atom.html", "works/t-book.html", "subjects/physical-science.html"} <= names
        assert zf.read("assets/NotoSerifTibetan.woff2") == FONT.read_bytes()
        home = zf.read("index.html").decode()
        assert '<input type="search"' in home and '<script src="index.js" id="site-index" async>' in home
        assert 'href="works/z-video.html"' in home and 'href="subjects/physical-science.html"' in home
        page = zf.read("works/z-video.html").decode()
        assert "&lt;原子核&gt;" in page and "<原子核>" not in page
        tracks = {lang: src for src, lang in re.findall(
            r'<track kind="subtitles" src="data:text/vtt;charset=utf-8;base64,([^"]+)" srclang="(bo|zh)"', page)}
        assert set(tracks) == {"bo", "zh"}
        assert base64.b64decode(tracks["bo"]).decode().startswith("WEBVTT") and \
            ms.TIBETAN in base64.b64decode(tracks["bo"]).decode()  # the SRT, as the WebVTT made on import
        media = re.findall(r'(?:src|href)="\.\./(media/[^"]+)"', page)
        assert any(m.endswith(".mp4") for m in media) and any(m.endswith(".pdf") for m in media)
        assert all(m in names for m in media)  # the video, the book, the cover: all inside
        assert "index.js" in names and "z-video" in zf.read("index.js").decode()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.zip")] == []


def test_site_export_takes_the_selection_flags(filled, runner, tmp_path):
    out = tmp_path / "videos.zip"
    result = runner.invoke(["site", "export", str(out), "--has", "subtitles", "--light"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        assert sorted(n for n in zf.namelist() if n.startswith("works/")) == ["works/z-video.html"]


def test_a_refused_site_export_leaves_nothing(filled, runner, tmp_path):
    before = set(tmp_path.iterdir())
    bad = runner.invoke(["site", "export", str(tmp_path / "x.zip"), "--subject", "no-such-subject"])
    assert bad.exit_code == 1 and "--subject" in bad.output
    missing = runner.invoke(["site", "export", str(tmp_path / "nowhere" / "x.zip")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert set(tmp_path.iterdir()) == before


DEMO = DATA.parents[1] / "contentlib" / "data" / "demo"
READER_JS = DATA.parents[1] / "catalog" / "static" / "js" / "reader.js"


@pytest.fixture
def books(app, runner, tmp_path):
    """A demo leaflet (a text PDF with shaped Tibetan), a two-page PDF drawn by Pillow and a hostile EPUB,
    with the worker's reader copies made."""
    import json
    import shutil

    leaflet = next(r for r in map(json.loads, (DEMO / "catalog.jsonl").read_text("utf-8").splitlines())
                   if r["id"] == "demo-sib-0000")
    folder = tmp_path / "books"
    (folder / "media").mkdir(parents=True)
    shutil.copy(DEMO / leaflet["media"][0]["path"], folder / "media" / "leaflet.pdf")
    ms.make_pdf(folder / "media" / "drawn.pdf", pages=2)
    ms.make_reader_epub(folder / "media" / "book.epub",
                        ['<h1 id="one">ཀ་ཁ།</h1><p onclick="steal()">ཆུ་བོ་ཆེན་པོ།<script>alert(1)</script>'
                         '<img src="pic.png" alt="pic"/><a href="http://evil.example/">web</a>'
                         '<a href="javascript:alert(2)">js</a><a href="ch2.xhtml#two">2</a></p>',
                         '<h2 id="two">第二章</h2><iframe src="http://evil.example/"></iframe>'],
                        nav=[("དང་པོ།", "ch1.xhtml"), ("第二", "ch2.xhtml#two")], pictures={"pic.png": ms.png_bytes()})
    records = [{"id": "s-leaflet", "type": "book", "titles": leaflet["titles"],
                "media": [{"path": "media/leaflet.pdf", "role": "original"}]},
               {"id": "s-drawn", "type": "book", "titles": {"zh": "两页"}, "media": [{"path": "media/drawn.pdf", "role": "original"}]},
               {"id": "s-epub", "type": "book", "titles": {"bo": ms.TIBETAN},
                "media": [{"path": "media/book.epub", "role": "original"}]},
               {"id": "s-again", "type": "book", "titles": {"zh": "同一本书"},  # the same file: its pages once
                "media": [{"path": "media/leaflet.pdf", "role": "original"}]}]
    result = runner.invoke(["import", str(write_jsonl(folder / "works.jsonl", records))])
    assert result.exit_code == 0, result.output
    lib = app.extensions["contentlib"]
    for r in records:
        lib.make_derived(r["id"])  # the worker's reader copies
    return {r["id"]: lib.store.get_work(r["id"]).media[0].sha256 for r in records} | {"leaflet": leaflet}


def _inside(names: set, page: str, page_text: str) -> list[str]:
    """Every relative src, srcset and href of a page, resolved in the zip: the ones that are not there."""
    import posixpath

    found = re.findall(r'(?:src|href)="([^"#?]+)', page_text)
    found += [u for s in re.findall(r'srcset="([^"]+)"', page_text) for u in re.findall(r"(\S+) \d+w", s)]
    return [u for u in found if posixpath.normpath(posixpath.join(posixpath.dirname(page), u)) not in names]


def test_the_site_reads_each_book_in_the_page_from_the_worker_copies(books, runner, tmp_path):
    out = tmp_path / "books.zip"
    result = runner.invoke(["site", "export", str(out)])
    assert result.exit_code == 0, result.output
    pdf, drawn, epub = books["s-leaflet"], books["s-drawn"], books["s-epub"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert len(names) == len(zf.namelist())  # each member once
        text = {n: zf.read(n).decode() for n in names if n.endswith(".html")}
        assert zf.read("assets/reader.js") == READER_JS.read_bytes()  # the web reader's own moves
    assert f'href="../read/{pdf}.html"' in text["works/s-leaflet.html"] and f'href="../read/{pdf}.html"' in text["works/s-again.html"]
    assert f'href="../media/{pdf}.pdf" download="leaflet.pdf"' in text["works/s-leaflet.html"]
    assert f'href="../read/{epub}/1.html"' in text["works/s-epub.html"]
    reader = [n for n in text if n.startswith("read/")]
    assert set(reader) == {f"read/{pdf}.html", f"read/{pdf}-small.html", f"read/{drawn}.html", f"read/{drawn}-small.html",
                           f"read/{epub}/1.html", f"read/{epub}/2.html"}
    for name in reader:
        assert _inside(names, name, text[name]) == [], name
        assert re.findall(r"<script[^>]*>", text[name]) == [
            f'<script src="{"../" * name.count("/")}assets/{js}">' for js in ("site.js", "reader.js")]
    page = text[f"read/{pdf}.html"]
    assert re.search(rf'<img src="\.\./media/{pdf}-p0001-480\.webp" srcset="\.\./media/{pdf}-p0001-480\.webp 480w, '
                     rf'\.\./media/{pdf}-p0001-1000\.webp 1000w" sizes="100vw" width="480" height="\d+" alt="" '
                     r'loading="lazy">', page)
    tibetan = re.findall(r'<p lang="bo">([^<]+)</p>', page[page.index('id="p-1"'):])
    leaflet = books["leaflet"]
    assert tibetan[0] == leaflet["titles"]["bo"] and " ".join(tibetan[1:]) == leaflet["descriptions"]["bo"]
    assert 'data-book="' + pdf + '"' in page and 'class="reader-nav"' in page and 'rel="next"' in page
    assert f'href="{pdf}-small.html"' in page
    small = text[f"read/{pdf}-small.html"]
    assert "srcset" not in small and "-1000.webp" not in small and f'href="{pdf}.html"' in small
    assert text[f"read/{drawn}.html"].count('<section class="page"') == 2
    first, second = text[f"read/{epub}/1.html"], text[f"read/{epub}/2.html"]
    for chapter in (first, second):
        assert "onclick" not in chapter and "evil.example" not in chapter and "javascript:" not in chapter
        assert "alert(" not in chapter and "<iframe" not in chapter
    assert "ཆུ་བོ་ཆེན་པོ།" in first and 'href="2.html?chapter=2#c-two"' in first and 'rel="next"' in first
    assert re.search(rf'<img src="\.\./\.\./media/{epub}-i-[0-9a-f]{{16}}\.webp" alt="pic"', first)
    assert 'data-chapter-url="{n}.html?chapter={n}"' in first and "第二章" in second
    assert re.search(r'<details class="toc">.*href="1\.html\?chapter=1".*href="2\.html\?chapter=2#c-two"', first)


def test_a_light_site_keeps_the_smaller_pages_only(books, runner, tmp_path):
    out = tmp_path / "light.zip"
    assert runner.invoke(["site", "export", str(out), "--light"]).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        page = zf.read(f"read/{books['s-leaflet']}.html").decode()
    assert f"media/{books['s-leaflet']}-p0001-480.webp" in names and not any(n.endswith("-1000.webp") for n in names)
    assert "srcset" not in page and f"read/{books['s-leaflet']}-small.html" not in names
