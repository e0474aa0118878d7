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
