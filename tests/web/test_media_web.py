"""Media through the import, the API, the work page and delivery, on real small files."""

import re

import pytest

from tests.conftest import write_jsonl
from tests.unit import media_samples as ms


@pytest.fixture
def bundle(tmp_path):
    """A record file with a video, Tibetan SRT and Chinese VTT subtitles, a dub, a book and a cover."""
    folder = tmp_path / "bundle"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "atom.mp4")
    (folder / "media" / "བོད་ཡིག.srt").write_text(ms.SRT, encoding="utf-8")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    ms.make_m4a(folder / "media" / "dub-bo.m4a")
    ms.make_pdf(folder / "media" / "原子核.pdf", pages=3)
    ms.make_image(folder / "media" / "cover.jpg", "JPEG", exif_text="secret camera")
    rec = {"id": "m-atom", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE},
           "media": [{"path": "media/atom.mp4", "role": "original"},
                     {"path": "media/བོད་ཡིག.srt", "role": "subtitle", "lang": "bo"},
                     {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"},
                     {"path": "media/dub-bo.m4a", "role": "dub", "lang": "bo"},
                     {"path": "media/原子核.pdf", "role": "document", "lang": "zh"},
                     {"path": "media/cover.jpg", "role": "cover"}]}
    return write_jsonl(folder / "works.jsonl", [rec, {"id": "m-plain", "type": "book", "titles": {"bo": ms.TIBETAN}}])


@pytest.fixture
def imported(app, runner, bundle):
    result = runner.invoke(["import", str(bundle)])
    assert result.exit_code == 0, result.output
    return app


def by_role(body, role, lang=None):
    return next(m for m in body["media"] if m["role"] == role and m.get("lang") == lang)


def test_api_describes_every_media_entry(client, imported):
    body = client.get("/api/v1/works/m-atom").get_json()
    video = by_role(body, "original")
    assert video["content_type"] == "video/mp4" and video["duration_seconds"] == 1
    assert len(video["sha256"]) == 64 and video["size"] > 0
    assert video["thumbnail_url"].endswith(".webp")
    bo_sub = by_role(body, "subtitle", "bo")
    assert bo_sub["vtt_url"].endswith(".vtt")
    assert by_role(body, "subtitle", "zh")["vtt_url"] == by_role(body, "subtitle", "zh")["url"]
    book = by_role(body, "document", "zh")
    assert book["pages"] == 3 and book["thumbnail_url"]
    assert by_role(body, "dub", "bo")["duration_seconds"] == 1


@pytest.mark.parametrize("locale,shown", [("en", "1 s"), ("zh_Hans", "1 秒"), ("bo", "སྐར་ཆ་ 1")])
def test_a_clip_under_a_minute_shows_seconds_not_one_minute(client, imported, locale, shown):
    client.set_cookie("locale", locale)
    html = client.get("/works/m-atom").get_data(as_text=True)
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert len(captions) == 2 and all(f"· {shown}" in c for c in captions)  # the video and the dub, 1 s each
    assert not re.search(r"1 min|སྐར་མ་ 1|1 分", html)


def test_playing_times_round_as_people_say_them(app):
    from flask_babel import force_locale

    from catalog.works import playing_time

    with app.test_request_context(), force_locale("en"):
        assert [playing_time(s) for s in (0.4, 19, 19.4, 59.4, 59.6, 60, 61, 3600)] == \
            ["1 s", "19 s", "19 s", "59 s", "1 min", "1 min", "2 min", "60 min"]


def test_srt_is_served_as_webvtt_with_tibetan_intact(client, imported):
    body = client.get("/api/v1/works/m-atom").get_json()
    vtt = client.get(by_role(body, "subtitle", "bo")["vtt_url"])
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    text = vtt.get_data(as_text=True)
    assert text.startswith("WEBVTT") and ms.TIBETAN in text


def test_video_answers_range_requests(client, imported):
    url = by_role(client.get("/api/v1/works/m-atom").get_json(), "original")["url"]
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100 and part.data == whole.data[:100]
    assert part.headers["Content-Range"].startswith("bytes 0-99/")
    assert part.headers["Content-Type"] == "video/mp4"
    assert part.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in part.headers["Cache-Control"]
    assert client.get(url, headers={"Range": "bytes=999999999-"}).status_code == 416


def test_downloads_keep_the_original_name(client, imported):
    book = by_role(client.get("/api/v1/works/m-atom").get_json(), "document", "zh")
    resp = client.get(book["download_url"])
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''%E5%8E%9F%E5%AD%90%E6%A0%B8.pdf" in disposition
    assert resp.data[:5] == b"%PDF-"


def test_cover_is_served_re_encoded_without_exif(client, imported):
    cover = by_role(client.get("/api/v1/works/m-atom").get_json(), "cover")
    data = client.get(cover["url"]).data
    assert b"secret camera" not in data
    original = client.get(cover["download_url"]).data
    assert b"secret camera" in original  # the original is kept unmodified, offered only as a download


def test_work_page_plays_video_with_a_track_per_language(client, imported):
    html = client.get("/works/m-atom", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<video controls preload="none"', html)
    assert 'srclang="bo"' in html and 'srclang="zh"' in html
    assert "Dubbed in Tibetan" in html and "<audio" in html
    # the files come after the descriptions: the book to read or download, each subtitle track
    files = html[html.index('id="files-heading"'):]
    assert "version-bo" not in files and "PDF" in files and "Subtitles (Tibetan)" in files


def test_a_work_without_image_gets_a_cover_card_from_the_worker(client, imported):
    html = client.get("/works/m-plain").get_data(as_text=True)
    assert "cover-placeholder" in html  # the page never waits for drawing
    assert imported.extensions["contentlib"].run_derived_jobs() == 1
    html = client.get("/works/m-plain").get_data(as_text=True)
    url = re.search(r'<img class="cover" src="(/cards/[0-9a-f]{64}-640\.webp)"', html).group(1)
    resp = client.get(url)
    assert resp.status_code == 200 and resp.data[8:12] == b"WEBP"


def test_unknown_or_malformed_media_urls_are_404(client, imported):
    assert client.get("/media/" + "0" * 64).status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404
    body = client.get("/api/v1/works/m-atom").get_json()
    sha = by_role(body, "original")["sha256"]
    assert client.get(f"/media/{sha}/derived/../../../../etc/passwd").status_code == 404
    assert client.get(f"/media/{sha}/derived/renditions.json").status_code == 404


HOSTILE = {
    "page.png": lambda p: p.write_text("<html><script>alert(1)</script></html>"),
    "drawing.png": lambda p: p.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "bomb.png": ms.make_png_bomb_header,
    "broken.jpg": ms.make_truncated_jpeg,
    "cyclic.pdf": ms.make_cyclic_pdf,
    "xxe.epub": lambda p: ms.make_epub(p, xxe=True),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_and_nothing_is_left(app, runner, tmp_path, name):
    HOSTILE[name](tmp_path / name)
    path = write_jsonl(tmp_path / "w.jsonl", [{"id": "evil", "type": "book", "titles": {"zh": "坏"},
                                               "media": [{"path": name, "role": "cover"}]}])
    result = runner.invoke(["import", str(path)])
    assert result.exit_code == 1
    assert "1: media[0].path:" in result.output
    res = app.extensions["contentlib"]
    assert res.store.count_works() == 0
    leftovers = [p for p in res.media.root.rglob("*") if p.is_file()] if res.media.root.exists() else []
    assert leftovers == []


def test_files_are_freed_only_with_their_last_reference(app, runner, imported, bundle, tmp_path):
    res = app.extensions["contentlib"]
    video_sha = next(m.sha256 for m in res.store.get_work("m-atom").media if m.role == "original")
    # A second work naming the same video keeps it alive when the first is deleted.
    twin = write_jsonl(bundle.parent / "twin.jsonl", [{"id": "m-twin", "type": "video", "titles": {"zh": "双"},
                                                      "media": [{"path": "media/atom.mp4", "role": "original"}]}])
    assert runner.invoke(["import", str(twin)]).exit_code == 0
    result = runner.invoke(["delete", "m-atom"])
    assert result.exit_code == 0 and "5 file(s) freed" in result.output
    assert res.media.exists(video_sha)
    # A record without media leaves the twin's files alone (import merges) ...
    bare = write_jsonl(bundle.parent / "bare.jsonl", [{"id": "m-twin", "type": "video", "titles": {"zh": "双"}}])
    assert runner.invoke(["import", str(bare)]).exit_code == 0
    assert res.media.exists(video_sha)
    # ... re-importing it with an empty media list drops the last reference.
    bare = write_jsonl(bundle.parent / "bare.jsonl", [{"id": "m-twin", "type": "video", "titles": {"zh": "双"},
                                                      "media": []}])
    assert runner.invoke(["import", str(bare)]).exit_code == 0
    assert not res.media.exists(video_sha)
    assert not res.media.derived_dir(video_sha).exists()
