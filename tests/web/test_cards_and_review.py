"""Teachers save from result cards; reviewers open a draft's files; phone tables carry their labels."""

import io
import re

import pytest

from contentlib import workflow
from tests.conftest import PASSWORD  # noqa: F401  (the users fixture's password)
from tests.unit import media_samples as ms

EN = {"Accept-Language": "en"}


@pytest.fixture
def loaded(catalog_loaded, users):
    return catalog_loaded


def _form(html, action):
    """The first POST form with this action: its hidden fields and its button."""
    form = re.search(rf'<form method="post" class="card-save" action="{re.escape(action)}">(.*?)</form>', html, re.S)
    assert form, f"no card form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_a_teacher_saves_a_result_to_a_new_list_then_to_it_without_javascript(client, loaded, auth):
    anonymous = client.get("/search?q=water", headers=EN).get_data(as_text=True)
    assert 'class="card-save"' not in anonymous  # only those who keep lists see it
    auth.login("teacher")
    page = client.get("/search?q=water", headers=EN).get_data(as_text=True)
    assert 'class="result with-thumb"' in page  # every result shows its picture or cover card
    fields = _form(page, "/lists")
    assert fields["next"] == "/search?q=water" and fields["csrf_token"]
    r = client.post("/lists", data=fields)
    # Back on the results at the saved card, which says so (issue 26, item 6).
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/search?q=water&done=list-saved#w-{fields['work_id']}")
    lists = client.get("/lists", headers=EN).get_data(as_text=True)
    assert "My list" in lists
    page = client.get("/search?q=water", headers=EN).get_data(as_text=True)
    assert "Saved ✓" in page  # back on the results, the saved one says so
    other = _form(client.get("/search?q=原子核", headers=EN).get_data(as_text=True), "/lists/add")
    assert other["work_id"] == "t-atom"
    assert client.post("/lists/add", data=other).status_code == 302
    from contentlib import lists

    (saved,) = lists.owned_by(loaded.extensions["contentlib"].store, _user(loaded, "teacher"))
    assert saved.work_ids == ["t-book", "t-atom"]


def _user(app, name):
    from contentlib import accounts

    return accounts.get_user(app.extensions["contentlib"].store, name)


def test_listing_cards_have_save_forms_and_markers(client, app, users, auth, tmp_path):
    from contentlib import indexing, records
    from tests.conftest import write_jsonl

    ms.make_video(tmp_path / "clip.mp4")
    path = write_jsonl(tmp_path / "w.jsonl", [
        {"id": "v1", "type": "video", "titles": {"zh": "水循环"}, "subjects": ["earth-space"],
         "media": [{"path": "clip.mp4", "role": "original"}]}])
    res = app.extensions["contentlib"]
    report = records.import_file(res.store, path, ingest=res.ingest)
    res.finish_import(report.work_ids, cards=True)
    indexing.drain(res.store, res.index)
    html = client.get("/subjects/earth-space", headers=EN).get_data(as_text=True)
    assert "Has video" in html and 'class="card-save"' not in html
    # the "has" filter of the search API, as a checkbox on the search page
    page = client.get("/search?has=video", headers=EN).get_data(as_text=True)
    assert 'name="has" value="video" checked' in page
    assert re.findall(r'<li class="result[^"]*"[^>]*>.*?href="/works/([^"]+)"', page, re.S) == ["v1"]
    auth.login("teacher")
    html = client.get("/subjects/earth-space", headers=EN).get_data(as_text=True)
    assert 'class="card-save"' in html and 'name="work_id" value="v1"' in html


def test_the_reviewer_sees_and_opens_every_file_of_the_draft(client, loaded, auth, app, tmp_path):
    auth.login("editor")
    r = client.post("/editor/works/t-book/bo/media", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(ms.SRT.encode("utf-8")), "བོད་ཡིག.srt"), "csrf_token": auth.csrf()})
    assert r.status_code == 302
    video = ms.make_video(tmp_path / "dub.mp4")
    r = client.post("/editor/works/t-book/bo/media", content_type="multipart/form-data",
                    data={"file": (open(video, "rb"), "dub.mp4"), "role": "dub", "csrf_token": auth.csrf()})
    assert r.status_code == 302
    app.extensions["contentlib"].run_derived_jobs()
    auth.post("/editor/works/t-book/bo", {"title": "ཆུ།", "description": "", "keywords": "", "then": "submit"})
    auth.logout()

    auth.login("reviewer")
    page = client.get("/editor/works/t-book/bo/review", headers=EN).get_data(as_text=True)
    files = page[page.index('id="files"'):page.index("</ul>", page.index('id="files"'))]
    assert "བོད་ཡིག.srt" in files and "dub.mp4" in files and "<video" in files
    for href in re.findall(r'<a href="([^"]+)" class="open-file">', files):
        assert client.get(href).status_code == 200  # the reviewer can open each one
    history = page[page.index('class="history"'):]
    assert "File attached as Subtitles:" in history and "བོད་ཡིག.srt" in history
    assert "File attached as Dubbed audio or video:" in history and "Keywords" not in history
    assert workflow.status(app.extensions["contentlib"].store, "t-book", "bo").state == "in_review"


def test_phone_tables_label_each_cell_and_coverage_offers_translate(client, loaded, auth):
    auth.login("editor")
    coverage = client.get("/coverage", headers=EN).get_data(as_text=True)
    assert coverage.count('class="coverage stacked"') >= 2 and 'class="todo stacked"' in coverage
    assert 'data-label="published"' in coverage
    assert re.search(r'<a class="translate" href="/editor/translate/[^/"]+/bo">Translate</a>', coverage)  # workbench
    queue = client.get("/editor/", headers=EN).get_data(as_text=True)
    assert 'class="queue stacked"' in queue


def test_an_editor_confirms_an_interface_string_and_every_page_uses_it_at_once(client, loaded, auth, runner,
                                                                               tmp_path):
    from babel.messages.pofile import read_po

    auth.login("editor")
    page = client.get("/editor/interface/?locale=bo", headers=EN).get_data(as_text=True)
    assert 'class="queue stacked interface-strings"' in page
    first = re.search(r'<tr id="s-[0-9a-f]{10}">(.*?)</tr>', page, re.S).group(1)
    assert "Draft, not reviewed" in first  # unreviewed drafts first
    page = client.get("/editor/interface/?locale=bo&q=Search", headers=EN).get_data(as_text=True)
    row = re.search(r'<tr id="(s-[0-9a-f]{10})">\s*<td class="card-title source"><span lang="en">Search</span>.*?</tr>',
                    page, re.S)
    assert 'lang="zh">搜索<' in row.group(0)  # the Chinese beside it
    corrected = "འཚོལ་བཤེར་བྱེད།"
    r = auth.post("/editor/interface/bo", {"msgid": "Search", "form": corrected, "q": "Search"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#" + row.group(1))  # back at the same string
    # the next page, in Tibetan, already says it (no restart); other languages are untouched
    home = client.get("/", headers={"Accept-Language": "bo"}).get_data(as_text=True)
    assert f">{corrected}</button>" in home
    assert ">Search</button>" in client.get("/", headers=EN).get_data(as_text=True)
    bad = auth.post("/editor/interface/bo", {"msgid": "Page %(page)s of %(last)s", "form": "ཤོག་ལྷེ།"})
    assert bad.status_code == 400 and "placeholders" in bad.get_data(as_text=True)
    auth.logout()
    auth.login("teacher")
    assert auth.post("/editor/interface/bo", {"msgid": "Search", "form": "x"}).status_code == 403

    out = tmp_path / "bo.po"
    result = runner.invoke(args=["translations", "export", "bo", str(out)])
    assert result.exit_code == 0 and "1 confirmed string(s)" in result.output
    message = read_po(out.open("rb")).get("Search")
    assert message.string == corrected and not message.fuzzy
