"""`contentlib zim export`: zimcheck -A accepts the file; kiwix-serve finds works by Tibetan and Chinese words.

Needs Debian's zim-tools and kiwix-tools (`.ci/run` installs them); skipped without them
outside CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from contentlib.tables import usage_daily
from contentlib.zim import search_text, without_marks
from tests.conftest import DATA, write_jsonl
from tests.ports import free_port
from tests.unit import media_samples as ms

TOOLS = shutil.which("zimcheck") and shutil.which("kiwix-serve")
pytestmark = pytest.mark.skipif(not TOOLS and not os.environ.get("CI"),
                                reason="needs zim-tools and kiwix-tools (apt-get install zim-tools kiwix-tools)")
SAMPLE = [json.loads(line) for line in (DATA / "search_sample.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def demo(app, runner, tmp_path):
    """The 40-work search sample plus a tiny video work with a real MP4, WebVTT subtitles, a PDF and a cover."""
    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    (folder / "media" / "bo.srt").write_text(ms.SRT, encoding="utf-8")
    ms.make_pdf(folder / "media" / "book.pdf", pages=2)
    ms.make_image(folder / "media" / "cover.jpg", "JPEG")
    rec = {"id": "z-video", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
           "descriptions": {"zh": "原子核的组成。"}, "subjects": ["physical-science"], "license": "CC BY-SA 4.0",
           "media": [{"path": "media/atom.mp4", "role": "original"},
                     {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"},
                     {"path": "media/bo.srt", "role": "subtitle", "lang": "bo"},
                     {"path": "media/book.pdf", "role": "document", "lang": "zh"},
                     {"path": "media/cover.jpg", "role": "cover"}]}
    for path in (DATA / "search_sample.jsonl", write_jsonl(folder / "works.jsonl", [rec])):
        result = runner.invoke(["import", str(path)])
        assert result.exit_code == 0, result.output
    return app



@contextmanager
def kiwix_serve(zim_path):
    port = free_port()
    env = {**os.environ, "XAPIAN_CJK_NGRAM": "1"}
    proc = subprocess.Popen(["kiwix-serve", "--address", "127.0.0.1", "--port", str(port), str(zim_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get_content_type(), response.read()


def found(base, book, query):
    """Work ids kiwix-serve's full-text search and its suggestions give for ``query``."""
    q = urllib.parse.quote(query)
    _, page = get(f"{base}/search?content={book}&pattern={q}&pageLength=100")
    searched = re.findall(r'/works/([A-Za-z0-9._-]+)"', page.decode())
    _, raw = get(f"{base}/suggest?content={book}&term={q}&count=50")
    suggested = [s["path"].rsplit("/", 1)[1] for s in json.loads(raw) if s.get("path", "").startswith("works/")]
    return searched, suggested


def test_zim_passes_zimcheck_and_kiwix_finds_works_in_both_scripts(demo, runner, tmp_path):
    out = tmp_path / "demo.zim"
    result = runner.invoke(["zim", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "41 works" in result.output
    check = subprocess.run(["zimcheck", "-A", str(out)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr

    target = SAMPLE[0]  # 新技术的兴起… / གསར་དུ་ཐོན་བཞིན་པའི་…
    bo = target["titles"]["bo"]
    marked = next(s for s in bo.split("་") if s != without_marks(s) and sum(s in r["titles"].get("bo", "")
                                                                             for r in SAMPLE) == 1)
    with kiwix_serve(out) as base:
        for query in (marked, bo, "新技", "新技术的", "jishu"):
            searched, suggested = found(base, "demo", query)
            assert target["id"] in searched, (query, searched)
            if query != "jishu":  # pinyin: full text only (titles are in script)
                assert target["id"] in suggested, (query, suggested)
        # the video and its subtitles are served with their types; the page names them
        kind, page = get(f"{base}/demo/works/z-video")
        html = page.decode()
        assert kind == "text/html" and 'lang="bo"' in html and 'lang="zh"' in html
        video = re.search(r'<source src="\.\./(media/[0-9a-f]+\.mp4)" type="video/mp4">', html).group(1)
        tracks = dict((lang, src) for src, lang in re.findall(r'<track kind="subtitles" src="\.\./([^"]+)" srclang="(\w+)"',
                                                              html))
        assert set(tracks) == {"bo", "zh"}
        assert get(f"{base}/demo/{video}")[0] == "video/mp4"
        for src in tracks.values():
            kind, body = get(f"{base}/demo/{src}")
            assert kind == "text/vtt" and body.startswith(b"WEBVTT")
        book = re.search(r'href="\.\./(media/[0-9a-f]+\.pdf)" download', html).group(1)
        assert get(f"{base}/demo/{book}") == ("application/pdf", (tmp_path / "bundle/media/book.pdf").read_bytes())
        cover = re.search(r'<img class="cover" src="\.\./([^"]+)"', html).group(1)
        assert get(f"{base}/demo/{cover}")[0] == "image/webp"
        assert get(f"{base}/demo/assets/NotoSerifTibetan.woff2")[0] == "font/woff2"
        _, main = get(f"{base}/demo/index")
        assert "ཚན་རིག་དཔེ་མཛོད།" in main.decode() and "works/z-video" in main.decode()
        _, subject = get(f"{base}/demo/subjects/physical-science")
        assert "works/z-video" in subject.decode()


def test_zim_metadata_selection_and_a_second_export(demo, runner, tmp_path):
    import io

    from libzim.reader import Archive
    from PIL import Image

    lib = demo.extensions["contentlib"]
    work = lib.store.get_work("z-video")
    original = next(i for i, m in enumerate(work.media) if m.role == "original")
    entry = work.media[original]
    light = lib.media.derived_dir(entry.sha256) / "light.mp4"  # as bundles' renditions make it
    ms.make_video(light, size=(32, 24), frames=5)
    rel = str(light.relative_to(lib.media.root))
    lib.store.set_media_renditions("z-video", original, {**entry.info["renditions"], "light": {
        "path": rel, "sha256": "1" * 64, "size": light.stat().st_size}})
    out = tmp_path / "videos.zim"
    for _ in range(2):  # a second export replaces the first cleanly
        result = runner.invoke(["zim", "export", str(out), "--type", "video", "--light"])
        assert result.exit_code == 0, result.output
    with lib.store.engine.connect() as conn:  # each export counted once per work, for the reports
        exported = {r.work_id: r.count for r in conn.execute(sa.select(usage_daily).where(usage_daily.c.kind == "export_zim"))}
    assert exported.get("z-video") == 2
    assert {w.type for w in lib.store.get_works(exported)} == {"video"}  # only what the selection took
    archive = Archive(out)
    meta = {name: bytes(archive.get_metadata(name)).decode() for name in archive.metadata_keys
            if not name.startswith("Illustration")}
    assert meta["Language"] == "bod,zho" and "_ftindex:yes" in meta["Tags"].split(";")
    for name in ("Name", "Title", "Description", "Creator", "Publisher", "Date", "License", "Source"):
        assert meta[name], name
    assert len(meta["Title"]) <= 30 and len(meta["Description"]) <= 80
    icon = Image.open(io.BytesIO(bytes(archive.get_illustration_item(48).content)))
    assert icon.size == (48, 48) and icon.format == "PNG"
    assert archive.main_entry.get_item().path == "index"
    videos = {r["id"] for r in SAMPLE if r["type"] == "video"} | {"z-video"}
    every = {r["id"] for r in SAMPLE} | {"z-video"}
    assert {i for i in every if archive.has_entry_by_path(f"works/{i}")} == videos
    assert archive.has_fulltext_index and archive.has_title_index
    page = bytes(archive.get_entry_by_path("works/z-video").get_item().content).decode()
    src = re.search(r'<source src="\.\./([^"]+)" type="video/mp4">', page).group(1)
    assert bytes(archive.get_entry_by_path(src).get_item().content) == light.read_bytes()  # --light took it
    assert not list(tmp_path.glob("*.part"))
    nowhere = runner.invoke(["zim", "export", str(tmp_path / "no-such-folder" / "x.zim")])
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output and "Traceback" not in nowhere.output
    bad = runner.invoke(["zim", "export", str(tmp_path / "x.zim"), "--subject", "astrology"])
    assert bad.exit_code == 1 and "--subject" in bad.output and not (tmp_path / "x.zim").exists()


def test_index_data_holds_tibetan_with_and_without_marks_chinese_words_and_pinyin(demo):
    store = demo.extensions["contentlib"].store
    work = store.get_work(SAMPLE[0]["id"])
    content, keywords = search_text(work, store.vocabulary())
    words = content.split()
    for syllable in work.versions["bo"].title.rstrip("།").split("་"):
        assert syllable in words and without_marks(syllable) in words  # as written, and as libzim 9 reads a query
    assert "技术" in content.split() and "jishu" in content.split()
    assert without_marks("བརྟག་དཔྱད") == "བརག་དཔད"  # vowel signs and subjoined letters are marks (Mn)


def test_the_demo_catalog_exports_a_zim_zimcheck_accepts(runner, app, tmp_path):
    """The bundled demo (its animations: real videos with subtitles) through import and zim export."""
    from importlib import resources

    demo_catalog = resources.files("contentlib").joinpath("data/demo/catalog.jsonl")
    result = runner.invoke(["import", str(demo_catalog)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "demo.zim"
    result = runner.invoke(["zim", "export", str(out), "--type", "animation"])
    assert result.exit_code == 0 and " 29 works" in result.output, result.output  # 28 and the workbench's exercise
    check = subprocess.run(["zimcheck", "-A", str(out)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and "Overall Test Status: Pass" in check.stdout, check.stdout + check.stderr


def test_books_go_into_the_zim_as_the_reader_shows_them(app, runner, tmp_path):
    """A leaflet's pages (pictures and Tibetan text) and an EPUB's sanitised chapters, readable in Kiwix."""
    from libzim.reader import Archive

    folder = tmp_path / "books"
    (folder / "media").mkdir(parents=True)
    demo = resources_demo()
    leaflet = next(r for r in demo if r["id"] == "demo-sib-0000")
    shutil.copy(DEMO_DIR / leaflet["media"][0]["path"], folder / "media" / "leaflet.pdf")
    ms.make_reader_epub(folder / "media" / "book.epub",
                        ['<p id="a">ཆུ་བོ།<script>alert(1)</script><a href="ch2.xhtml#b">2</a></p><img src="p.png" alt="p"/>',
                         '<h2 id="b">第二章</h2>'], nav=[("དང་པོ།", "ch1.xhtml"), ("第二", "ch2.xhtml#b")],
                        pictures={"p.png": ms.png_bytes()})
    works = write_jsonl(folder / "works.jsonl", [
        {"id": "z-leaflet", "type": "book", "titles": leaflet["titles"],
         "media": [{"path": "media/leaflet.pdf", "role": "original"}]},
        {"id": "z-epub", "type": "book", "titles": {"bo": ms.TIBETAN}, "media": [{"path": "media/book.epub", "role": "original"}]},
        {"id": "z-again", "type": "book", "titles": {"zh": "同一本书"},  # the same file: its pages go in once
         "media": [{"path": "media/leaflet.pdf", "role": "original"}]}])
    assert runner.invoke(["import", str(works)]).exit_code == 0
    lib = app.extensions["contentlib"]
    for work_id in ("z-leaflet", "z-epub", "z-again"):
        lib.make_derived(work_id)  # the worker's reader copies
    out = tmp_path / "books.zim"
    result = runner.invoke(["zim", "export", str(out)])
    assert result.exit_code == 0, result.output
    check = subprocess.run(["zimcheck", "-A", str(out)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    archive = Archive(out)

    def text(path):
        return bytes(archive.get_entry_by_path(path).get_item().content).decode()

    pdf_sha, epub_sha = (lib.store.get_work(w).media[0].sha256 for w in ("z-leaflet", "z-epub"))
    assert f'href="../read/{pdf_sha}"' in text("works/z-again")
    assert f'href="../read/{pdf_sha}"' in text("works/z-leaflet") and f'href="../read/{epub_sha}/1"' in text("works/z-epub")
    pages = text(f"read/{pdf_sha}")
    tibetan = re.findall(r'<p lang="bo">([^<]+)</p>', pages)
    assert tibetan[0] == leaflet["titles"]["bo"] and " ".join(tibetan[1:]) == leaflet["descriptions"]["bo"]
    for src in re.findall(r'(?:src="|, )\.\./(media/[^" ]+\.webp)', pages):
        assert archive.get_entry_by_path(src).get_item().mimetype == "image/webp"
    assert "-1000.webp" in pages
    first = text(f"read/{epub_sha}/1")
    assert "ཆུ་བོ།" in first and "<script" not in first and 'href="2#c-b"' in first and 'href="2"' in first
    picture = re.search(r'<img src="\.\./\.\./(media/[^"]+\.webp)" alt="p"', first).group(1)
    assert archive.get_entry_by_path(picture).get_item().mimetype == "image/webp"
    assert 'id="c-b"' in text(f"read/{epub_sha}/2")
    light = tmp_path / "light.zim"
    assert runner.invoke(["zim", "export", str(light), "--light"]).exit_code == 0
    assert "-1000.webp" not in bytes(Archive(light).get_entry_by_path(f"read/{pdf_sha}").get_item().content).decode()


DEMO_DIR = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo"


def resources_demo():
    return [json.loads(line) for line in (DEMO_DIR / "catalog.jsonl").read_text("utf-8").splitlines()]
