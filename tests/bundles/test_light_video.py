"""Light video: made in the background after an import, at most 360 lines and smaller, served to data savers."""

from __future__ import annotations

import json
import re
import zipfile

import av
import pytest

from contentlib import lightvideo
from tests.bundles.helpers import Home, make_ten_second_video
from tests.conftest import write_jsonl


@pytest.fixture
def home(tmp_path):
    h = Home(tmp_path / "county")
    src = tmp_path / "src"
    (src / "media").mkdir(parents=True)
    make_ten_second_video(src / "media" / "lesson.mp4")
    path = write_jsonl(src / "catalog.jsonl", [{"id": "vid-1", "type": "video", "titles": {"zh": "闪电", "bo": "གློག"},
                                               "subjects": ["meteorology"],
                                               "media": [{"path": "media/lesson.mp4", "role": "original"}]}])
    result = h.run("import", path)
    assert result.exit_code == 0, result.output
    yield h
    h.close()


def _entry(home):
    return home.res.store.get_work("vid-1").media[0]


def test_import_only_queues_the_light_video_and_the_worker_makes_it(home):
    entry = _entry(home)
    assert lightvideo.needs_light(entry)  # the import did not wait for transcoding
    assert lightvideo.pending_work_ids(home.res.store) == ["vid-1"]
    home.res.jobs.put("vid-1")
    with home.app.app_context():
        assert home.res.run_derived_jobs() == 1  # the background worker's loop body
    light = _entry(home).info["renditions"]["light"]
    assert light["role"] == "light" and light["height"] <= 360
    assert 200_000 <= light["bitrate"] <= 500_000 and light["size"] < entry.size
    path = home.res.media.root / light["path"]
    with av.open(str(path)) as c:
        video, audio = c.streams.video[0], c.streams.audio[0]
        assert video.codec_context.name == "h264" and video.codec_context.height <= 360
        assert audio.codec_context.name == "aac" and audio.codec_context.layout.nb_channels == 1
        assert 9.5 <= c.duration / av.time_base <= 10.5
    head = path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)  # faststart
    assert lightvideo.pending_work_ids(home.res.store) == []


def test_renditions_make_the_api_lists_both_and_the_page_plays_light_for_data_savers(home):
    result = home.run("renditions", "make")
    assert result.exit_code == 0 and "1 light video(s) made" in result.output, result.output
    again = home.run("renditions", "make")
    assert "0 work(s) need derived files" in again.output
    client = home.app.test_client()
    body = client.get("/api/v1/works/vid-1").get_json()
    roles = {r["role"]: r for r in body["media"][0]["renditions"]}
    assert set(roles) == {"original", "light"}
    for r in roles.values():
        assert {"role", "height", "bitrate", "size", "url"} <= set(r)
    assert roles["light"]["height"] <= 360 < roles["original"]["height"]
    assert roles["light"]["size"] < roles["original"]["size"]
    light_url, original_url = roles["light"]["url"], roles["original"]["url"]

    page = client.get("/works/vid-1").get_data(as_text=True)
    assert f'<source src="{original_url}"' in page and 'class="download-light"' in page
    saver = client.get("/works/vid-1", headers={"Save-Data": "on"})
    assert f'<source src="{light_url}"' in saver.get_data(as_text=True) and "Save-Data" in saver.headers["Vary"]
    served = client.get(light_url)
    assert served.status_code == 200 and served.mimetype == "video/mp4"
    assert len(served.data) == roles["light"]["size"]

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/data-saver", data={"csrf_token": token, "on": "1", "next": "/works/vid-1"})
    assert resp.status_code == 302 and "data_saver=1" in resp.headers["Set-Cookie"]
    assert f'<source src="{light_url}"' in client.get("/works/vid-1").get_data(as_text=True)
    resp = client.post("/data-saver", data={"csrf_token": token, "on": "0", "next": "/works/vid-1"})
    off = client.get("/works/vid-1", headers={"Save-Data": "on"}).get_data(as_text=True)
    assert f'<source src="{original_url}"' in off  # the visitor's choice beats the header


def test_bundle_export_light_carries_the_light_copy_and_says_how_much_smaller(home, tmp_path):
    assert home.run("renditions", "make").exit_code == 0
    full, light = tmp_path / "full.zip", tmp_path / "light.zip"
    assert home.run("bundle", "export", full).exit_code == 0
    result = home.run("bundle", "export", light, "--light")
    assert result.exit_code == 0 and "% smaller" in result.output, result.output
    assert light.stat().st_size < full.stat().st_size / 2
    rec = json.loads(zipfile.ZipFile(light).read("catalog.jsonl"))
    made = _entry(home).info["renditions"]["light"]
    assert rec["media"][0]["sha256"] == made["sha256"] and rec["media"][0]["path"] == "media/lesson-light.mp4"
    school = Home(tmp_path / "school")
    out = school.run("bundle", "import", light, "--allow-untrusted")
    assert out.exit_code == 0, out.output
    entry = school.res.store.get_work("vid-1").media[0]
    assert entry.sha256 == made["sha256"] and entry.content_type == "video/mp4"
    assert school.run("renditions", "make").exit_code == 0  # a light copy is its own light rendition
    assert school.res.store.get_work("vid-1").media[0].info["renditions"]["light"]["same"] is True
    school.close()
