"""Every filter a search page shows reaches "Take offline": the bundle holds exactly the works the search lists."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest

from tests.bundles.test_offline_web import _wait_done
from tests.conftest import DATA, write_jsonl
from tests.unit import media_samples as ms

# One search per filter of spec/search-api.md (and one with them all), as a teacher would filter the page.
SEARCHES = [
    "q=原子", "type=video", "subject=health", "audience=youth", "grade=primary", "grade=junior-secondary",
    "lang=bo", "lang=en", "has=video", "has=book", "has=audio", "has=subtitles", "has=video&has=audio",
    "type=video&has=subtitles&lang=bo&grade=primary",
]


def filtered_catalog(app, runner, tmp_path) -> None:
    """The test works plus works with a video and its subtitles, a book, an audio, and grades to filter on."""
    folder = tmp_path / "src"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "v.mp4")
    (folder / "media" / "zh.vtt").write_text(ms.VTT, encoding="utf-8")
    ms.make_pdf(folder / "media" / "b.pdf")
    ms.make_mp3(folder / "media" / "a.mp3")
    recs = [
        {"id": "f-video", "type": "video", "titles": {"bo": ms.TIBETAN, "zh": ms.CHINESE}, "grades": ["primary"],
         "subjects": ["physical-science"], "audiences": ["youth"],
         "media": [{"path": "media/v.mp4", "role": "original"},
                   {"path": "media/zh.vtt", "role": "subtitle", "lang": "zh"}]},
        {"id": "f-silent", "type": "video", "titles": {"zh": "无字幕的视频"}, "grades": ["primary"],
         "media": [{"path": "media/v.mp4", "role": "original"}]},
        {"id": "f-book", "type": "book", "titles": {"zh": "书", "en": "A book"}, "grades": ["primary"],
         "subjects": ["health"], "media": [{"path": "media/b.pdf", "role": "original"}]},
        {"id": "f-audio", "type": "audio", "titles": {"bo": "སྒྲ།", "en": "Sound"}, "audiences": ["youth"],
         "media": [{"path": "media/a.mp3", "role": "original"}]},
        {"id": "f-text", "type": "book", "titles": {"bo": "ཡི་གེ།"}, "grades": ["junior-secondary"]},
    ]
    for path in (DATA / "works.jsonl", write_jsonl(folder / "works.jsonl", recs)):
        result = runner.invoke(["import", str(path)])
        assert result.exit_code == 0, result.output


def _form(page: str) -> list[tuple[str, str]]:
    """The hidden fields of the page's "Take offline" form."""
    form = re.search(r'<form method="post" action="/offline".*?</form>', page, re.S).group(0)
    return [(html.unescape(n), html.unescape(v)) for n, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form) if n != "csrf_token"]


def _bundle_ids(client, auth, fields) -> list[str]:
    from werkzeug.datastructures import MultiDict

    data = MultiDict(fields)
    data.add("csrf_token", auth.csrf())
    resp = client.post("/offline", data=data)
    assert resp.status_code == 302, resp.status_code
    status = _wait_done(client, resp.headers["Location"])
    link = re.search(r'id="offline-download" href="([^"]+)"', status).group(1)
    with zipfile.ZipFile(io.BytesIO(client.get(link).data)) as zf:
        return sorted(json.loads(line)["id"] for line in zf.read("catalog.jsonl").splitlines())


def test_every_search_filter_reaches_take_offline(app, client, runner, users, auth, tmp_path):
    filtered_catalog(app, runner, tmp_path)
    auth.login("teacher")
    everything = client.get("/api/v1/search").get_json()["total"]
    for query in SEARCHES:
        found = client.get(f"/api/v1/search?{query}&per_page=100").get_json()
        expected = sorted(r["id"] for r in found["results"])
        assert found["total"] == len(expected) and 0 < len(expected) < everything, query  # each one filters
        fields = _form(client.get(f"/search?{query}").get_data(as_text=True))
        got = _bundle_ids(client, auth, fields)
        assert len(got) == found["total"] and got == expected, (query, fields)

    page = auth.post("/lists", {"name": "课"}, follow_redirects=True).get_data(as_text=True)
    list_id = re.search(r"/lists/(\d+)", page).group(1)
    for work_id in ("f-audio", "f-video"):
        auth.post(f"/lists/{list_id}/add", {"work_id": work_id})
    fields = _form(client.get(f"/lists/{list_id}").get_data(as_text=True))
    assert _bundle_ids(client, auth, fields) == ["f-audio", "f-video"]


def test_selection_reads_grade_and_has_like_the_search():
    from contentlib.errors import BadParameter
    from contentlib.selection import Selection

    chosen = Selection(grade="primary", has=["video", "subtitles", "video"])
    assert chosen.grade == ("primary",) and chosen.has == ("video", "subtitles")
    assert chosen.as_dict() == {"grade": ["primary"], "has": ["video", "subtitles"]}
    with pytest.raises(BadParameter) as exc:
        Selection(has="film")
    assert exc.value.parameter == "has"


def test_export_commands_take_grade_and_has(app, runner, tmp_path):
    filtered_catalog(app, runner, tmp_path)
    out = tmp_path / "videos.jsonl"
    result = runner.invoke(["export", str(out), "--has", "subtitles", "--grade", "primary"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["f-video"]
    bundle = tmp_path / "b.zip"
    assert runner.invoke(["bundle", "export", str(bundle), "--has", "audio"]).exit_code == 0
    with zipfile.ZipFile(bundle) as zf:
        assert [json.loads(line)["id"] for line in zf.read("catalog.jsonl").splitlines()] == ["f-audio"]
    refused = runner.invoke(["export", str(tmp_path / "x.jsonl"), "--has", "film"])
    assert refused.exit_code == 1 and "--has: unknown kind of file" in refused.output
    assert not (tmp_path / "x.jsonl").exists()
