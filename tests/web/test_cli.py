"""The contentlib command through Flask's CLI runner."""

from tests.conftest import DATA, write_jsonl


def test_import_export_reindex(runner, app, tmp_path):
    result = runner.invoke(args=["import", str(DATA / "works.jsonl")])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    again = runner.invoke(args=["import", str(DATA / "works.jsonl")])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    out = tmp_path / "out.jsonl"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "3 works" in result.output


def test_import_of_broken_file_names_every_line_and_exits_nonzero(runner, app, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [
        {"id": "a", "type": "video", "titles": {"zh": "好"}},
        "{broken",
        {"id": "c", "type": "film", "titles": {"zh": "x"}},
    ])
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "2: json:" in result.output and "3: type:" in result.output
    assert app.extensions["contentlib"].store.count_works() == 0
    skipped = runner.invoke(args=["import", "--skip-invalid", str(path)])
    assert skipped.exit_code == 2 and "1 created" in skipped.output


def test_demo_loads_hundreds_of_bilingual_works_and_is_searchable(runner, app, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    store = app.extensions["contentlib"].store
    assert store.count_works() >= 300
    langs = store.count_by_language()
    assert langs["bo"] >= 300 and langs["zh"] > langs["bo"]
    from contentlib.attachments import card_path, has_image

    media = app.extensions["contentlib"].media
    for work in store.iter_works():
        assert work.license and work.attribution
        # the demo draws its cover cards up front (a video's frame or a PDF's page is its picture)
        assert has_image(work) or card_path(media, work, 320) is not None
    body = client.get("/api/v1/search?q=科学家").get_json()
    assert body["total"] > 0
    _demo_plays_and_reads(store, client)


def _demo_plays_and_reads(store, client):
    """At least 24 works play a video with Tibetan and Chinese subtitles; 12 open a PDF."""
    import re

    playing, reading = [], []
    for work in store.iter_works():
        kinds = {(m.role, m.content_type, m.lang) for m in work.media}
        if ("original", "video/mp4", None) in kinds and {("subtitle", "bo"), ("subtitle", "zh")} <= {
                (m.role, m.lang) for m in work.media}:
            playing.append(work.id)
        if ("original", "application/pdf", None) in kinds:
            reading.append(work.id)
    assert len(playing) >= 24 and len(reading) >= 12
    page = client.get(f"/works/{playing[0]}").get_data(as_text=True)
    assert "<video" in page and 'srclang="bo"' in page and 'srclang="zh"' in page
    video = re.search(r'<source src="([^"]+)" type="video/mp4"', page).group(1)
    response = client.get(video, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.mimetype == "video/mp4"
    for track in re.findall(r'<track kind="subtitles" src="([^"]+)"', page):
        assert client.get(track).get_data(as_text=True).startswith("WEBVTT")
    page = client.get(f"/works/{reading[0]}").get_data(as_text=True)
    pdf = re.search(r'href="([^"]+)" download', page).group(1)
    assert client.get(pdf).get_data().startswith(b"%PDF")


def test_routes_command_lists_the_pages(runner):
    result = runner.invoke(args=["routes"])
    for route in ("/api/v1/search", "/works/<work_id>", "/search"):
        assert route in result.output


def test_refused_users_and_glossary_rows_are_named_and_exit_nonzero(runner, app, tmp_path):
    result = runner.invoke(args=["users", "create", "ana", "--role", "editor", "--password", "short"])
    assert result.exit_code == 1
    assert "password:" in result.output
    csv = tmp_path / "terms.csv"
    csv.write_text("zh,bo\n电子,གློག་རྡུལ\n,\n", encoding="utf-8")
    result = runner.invoke(args=["glossary", "import", str(csv)])
    assert result.exit_code == 1
    assert f"{csv}:" in result.output
    from contentlib import glossary
    assert glossary.entries(app.extensions["contentlib"].store) == []  # all or nothing
