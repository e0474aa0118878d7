"""The in-page reader through the app: pages being prepared, PDF pages with their text, EPUB chapters, access."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from contentlib import accounts
from tests.conftest import write_jsonl
from tests.unit import media_samples as ms

DEMO = Path(__file__).resolve().parents[2] / "contentlib" / "data" / "demo"
LEAFLET = next(r for r in map(json.loads, (DEMO / "catalog.jsonl").read_text("utf-8").splitlines())
               if r["id"] == "demo-sib-0000")
EN = {"Accept-Language": "en"}


@pytest.fixture
def bundle(tmp_path):
    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    shutil.copy(DEMO / LEAFLET["media"][0]["path"], folder / "media" / "leaflet.pdf")
    ms.make_reader_epub(folder / "media" / "book.epub",
                        ['<h1 id="one">ཀ་ཁ།</h1><p onclick="x()">ཆུ་བོ་ཆེན་པོ།<script>alert(1)</script>'
                         '<img src="pic.png" alt="pic"/><a href="http://evil.example/">web</a></p>',
                         "<p>第二章</p>"],
                        nav=[("དང་པོ།", "ch1.xhtml"), ("第二", "ch2.xhtml")], pictures={"pic.png": ms.png_bytes()})
    ms.make_pages_pdf(folder / "media" / "long.pdf", [(300, 400)] * 25)
    return write_jsonl(folder / "works.jsonl", [
        {"id": "r-leaflet", "type": "book", "titles": LEAFLET["titles"],
         "media": [{"path": "media/leaflet.pdf", "role": "original"}]},
        {"id": "r-epub", "type": "book", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
         "media": [{"path": "media/book.epub", "role": "original"}]},
        {"id": "r-long", "type": "book", "titles": {"zh": "长书"}, "media": [{"path": "media/long.pdf", "role": "original"}]},
    ])


@pytest.fixture
def library(app, runner, bundle):
    result = runner.invoke(["import", str(bundle)])
    assert result.exit_code == 0, result.output
    return app.extensions["contentlib"]


def _sha(library, work_id):
    return library.store.get_work(work_id).media[0].sha256


def _ready(client, library, work_id, **params):
    """Open the reader once (which asks the worker), run the worker, and return the reader's URL."""
    url = f"/works/{work_id}/read/{_sha(library, work_id)}"
    client.get(url)
    library.run_derived_jobs()
    return url


def test_until_the_pages_exist_the_reader_says_so_and_asks_the_worker(client, library):
    url = f"/works/r-leaflet/read/{_sha(library, 'r-leaflet')}"
    r = client.get(url, headers=EN)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "are being prepared" in html and 'data-state="preparing"' in html and "<img" not in html
    assert library.jobs.counts()["queued"] == 1
    assert library.run_derived_jobs() >= 1
    html = client.get(url, headers=EN).get_data(as_text=True)
    assert 'data-state="ready"' in html and "are being prepared" not in html


def test_a_pdf_page_is_two_widths_lazily_with_its_text_under_it(client, library):
    url = _ready(client, library, "r-leaflet")
    r = client.get(url, headers=EN)
    html = r.get_data(as_text=True)
    assert "Save-Data" in r.headers["Vary"]
    img = re.search(r'<img src="([^"]+)"\s+srcset="([^"]+) 480w, ([^"]+) 1000w" sizes="[^"]+"\s+width="480" '
                    r'height="(\d+)" alt="" loading="lazy"', html)
    assert img, html
    assert img.group(1) == img.group(2) and img.group(1).endswith("/book/p0001-480.webp")
    picture = client.get(img.group(3))
    assert picture.status_code == 200 and picture.mimetype == "image/webp" and picture.data[8:12] == b"WEBP"
    assert "immutable" in picture.headers["Cache-Control"]
    section = html[html.index('id="p-1"'):]
    tibetan = re.findall(r'<p lang="bo">([^<]+)</p>', section)
    assert tibetan[0] == LEAFLET["titles"]["bo"]
    assert " ".join(tibetan[1:]) == LEAFLET["descriptions"]["bo"]
    assert '<p lang="zh">' in section
    assert "Next page" in html and "Go to page" in html and "Page 1 of 1" in html
    assert re.search(r'<script src="/static/js/reader\.js\?v=[0-9a-f]+" defer>', html)


@pytest.mark.parametrize("saver", [{"headers": {"Save-Data": "on"}}, {"cookie": "1"}], ids=["save-data", "cookie"])
def test_data_saver_keeps_only_the_smaller_pictures(client, library, saver):
    url = _ready(client, library, "r-leaflet")
    if "cookie" in saver:
        client.set_cookie("data_saver", saver["cookie"])
    html = client.get(url, headers=saver.get("headers", {})).get_data(as_text=True)
    assert "srcset" not in html and "p0001-480.webp" in html and "p0001-1000.webp" not in html


def test_a_long_pdf_is_shown_in_parts_and_any_page_number_gives_a_page(client, library):
    url = _ready(client, library, "r-long")
    first = client.get(url, headers=EN).get_data(as_text=True)
    assert 'id="p-20"' in first and 'id="p-21"' not in first
    assert f'href="{url}?page=21#p-21"' in first  # "next page" past the part opens the next one
    third = client.get(url + "?page=25", headers=EN).get_data(as_text=True)
    assert 'id="p-21"' in third and 'id="p-25"' in third and 'data-first="21"' in third and 'id="p-20"' not in third
    for odd in ("99999999", "0", "-3", "abc", "1e9", "9" * 40):
        assert client.get(url + "?page=" + odd).status_code == 200, odd


def test_an_epub_chapter_is_shown_sanitised_with_its_contents_and_pictures(client, library):
    url = _ready(client, library, "r-epub")
    html = client.get(url, headers=EN).get_data(as_text=True)
    chapter = html[html.index('id="chapter"'):html.index("</section>", html.index('id="chapter"'))]
    assert "ཆུ་བོ་ཆེན་པོ།" in chapter and 'id="c-one"' in chapter
    assert "<script" not in chapter and "onclick" not in chapter and "evil.example" not in chapter
    src = re.search(r'<img src="(/media/[0-9a-f]{64}/book/i-[0-9a-f]{16}\.webp)" alt="pic"', chapter).group(1)
    assert client.get(src).status_code == 200
    assert "Contents" in html and f'href="{url}?chapter=2"' in html and "Next chapter" in html
    second = client.get(url + "?chapter=2").get_data(as_text=True)
    assert "第二章" in second and "ཆུ་བོ་ཆེན་པོ།" not in second
    assert client.get(url + "?chapter=999999").status_code == 200


@pytest.mark.parametrize("locale, words", [("bo", "ཤོག་ངོས་རྗེས་མ།"), ("zh-CN", "下一页"), ("en", "Next page")])
def test_the_reader_speaks_three_interface_languages(client, library, locale, words):
    url = _ready(client, library, "r-leaflet")
    assert words in client.get(url, headers={"Accept-Language": locale}).get_data(as_text=True)


def test_read_on_the_work_page_and_in_lists_opens_the_reader_and_download_gives_the_file(client, library):
    sha = _sha(library, "r-leaflet")
    html = client.get("/works/r-leaflet", headers=EN).get_data(as_text=True)
    assert f'href="/works/r-leaflet/read/{sha}"' in html
    assert f'href="/media/{sha}?download=1" download' in html
    listing = client.get("/types/book" if client.get("/types/book").status_code == 200 else "/").get_data(as_text=True)
    assert f'class="read" href="/works/r-leaflet/read/{sha}"' in listing


def test_a_file_that_is_not_this_works_book_is_404(client, library):
    sha = _sha(library, "r-leaflet")
    assert client.get(f"/works/r-epub/read/{sha}").status_code == 404
    assert client.get(f"/works/no-such-work/read/{sha}").status_code == 404
    assert client.get("/works/r-leaflet/read/" + "a" * 64).status_code == 404
    assert client.get("/works/r-leaflet/read/not-a-sha").status_code == 404
    assert client.get(f"/media/{sha}/book/../../etc/passwd").status_code == 404
    assert client.get(f"/media/{sha}/book/book.json").status_code == 404
    assert client.get(f"/media/{sha}/book/c0001.html").status_code == 404


def test_a_drafts_book_is_not_readable_by_the_public_and_private_for_staff(app, client, auth, library, users, tmp_path):
    from contentlib import indexing, records

    records.import_file(library.store, Path(__file__).resolve().parents[1] / "data" / "works.jsonl")
    indexing.drain(library.store, library.index)
    token = accounts.issue_token(library.store, "editor")
    pdf = ms.make_pages_pdf(tmp_path / "secret-draft.pdf", [(300, 400)] * 2).read_bytes()
    r = client.post("/api/v1/works/t-book/versions/bo/media", data={"file": (io.BytesIO(pdf), "secret-draft.pdf")},
                    content_type="multipart/form-data", headers={"Authorization": "Bearer " + token})
    assert r.status_code == 201, r.get_json()
    sha = r.get_json()["sha256"]
    url = f"/works/t-book/read/{sha}"
    assert client.get(url).status_code == 404  # anonymous: as /media/<sha> would say
    auth.login("editor")
    assert client.get(url).status_code == 200
    library.run_derived_jobs()
    r = client.get(url)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "private, no-store"
    page = re.search(r'src="(/media/[0-9a-f]{64}/book/p0001-480\.webp)"', r.get_data(as_text=True)).group(1)
    assert client.get(page).headers["Cache-Control"] == "private, no-store"
    auth.logout()
    assert client.get(url).status_code == 404 and client.get(page).status_code == 404
    auth.login("teacher")
    assert client.get(url).status_code == 404 and client.get(page).status_code == 404
    auth.login("editor")  # a phone keeps nothing of a draft's book, whoever asks
    assert sha not in client.get("/works/t-book/keep-books.json").get_data(as_text=True)


def test_a_book_that_cannot_be_drawn_says_so_and_offers_the_download(client, library):
    sha = _sha(library, "r-leaflet")
    folder = library.media.derived_dir(sha) / "book"
    folder.mkdir(parents=True)
    (folder / "book.json").write_text(json.dumps({"version": 1, "format": "pdf", "error": "The PDF broke."}))
    html = client.get(f"/works/r-leaflet/read/{sha}", headers=EN).get_data(as_text=True)
    assert "cannot be shown here" in html and f"/media/{sha}?download=1" in html
    assert library.jobs.counts()["queued"] == 0


def test_keeping_a_work_on_a_phone_keeps_its_reader_pages_and_their_smaller_pictures(client, library):
    """"Keep on this phone" (keep.js) stores what the server lists: each part or chapter and the pictures they show."""
    assert client.get("/works/r-long/keep-books.json").get_json() == {"pages": [], "files": []}  # not drawn yet
    assert client.get("/works/no-such-work/keep-books.json").status_code == 404
    for work_id in ("r-long", "r-epub"):
        _ready(client, library, work_id)
    sha, epub = _sha(library, "r-long"), _sha(library, "r-epub")
    base = f"/works/r-long/read/{sha}"
    kept = client.get("/works/r-long/keep-books.json").get_json()
    assert kept["pages"] == [base, base + "?page=21"]
    assert kept["files"] == [f"/media/{sha}/book/p{n:04d}-480.webp" for n in range(1, 26)]
    chapters = client.get("/works/r-epub/keep-books.json").get_json()
    reader = f"/works/r-epub/read/{epub}"
    assert chapters["pages"] == [reader, reader + "?chapter=1", reader + "?chapter=2"]
    assert len(chapters["files"]) == 1 and re.fullmatch(rf"/media/{epub}/book/i-[0-9a-f]{{16}}\.webp", chapters["files"][0])
    for listed in (kept, chapters):
        everything, shown = set(listed["pages"]) | set(listed["files"]), set()
        for address in listed["pages"]:  # kept as a data saver sees it: offline it needs nothing more of the book
            r = client.get(address + ("&" if "?" in address else "?") + "light=1")
            html = r.get_data(as_text=True)
            assert r.status_code == 200 and "private" not in r.headers.get("Cache-Control", "")
            pictures = re.findall(r'<img src="([^"]+)"', html)
            assert set(pictures) <= everything and "srcset" not in html, address
            shown |= set(pictures)
            moves = {m for m in re.findall(r'(?:href|action)="(/works/r-[a-z]+/read/[^"#]*)', html)}
            assert moves and moves <= everything, (address, moves - everything)
        assert shown == set(listed["files"])  # each listed picture is one a kept page shows
        for address in listed["files"]:
            assert client.get(address).status_code == 200
