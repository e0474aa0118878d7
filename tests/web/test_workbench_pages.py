"""The workbench page and the review page's segments, without JavaScript (plain forms), in three languages."""

from __future__ import annotations

import re

import pytest

from contentlib import accounts
from tests.conftest import PASSWORD
from tests.translation_data import write_catalog

PAGE = "/editor/translate/tr-new/bo"


@pytest.fixture
def lib(app, tmp_path):
    lib = app.extensions["contentlib"]
    lib.index_sync = True
    lib.import_file(write_catalog(tmp_path / "data"))
    for role in ("teacher", "editor", "reviewer"):
        accounts.create_user(lib.store, role, role, PASSWORD)
    lib.glossary.add("太阳", "ཉི་མ")
    return lib


@pytest.mark.parametrize("locale, heading", [("bo", "ཡིག་སྒྱུར་ལས་སྟེགས"), ("zh_Hans", "翻译工作台"),
                                             ("en", "Translation workbench")])
def test_the_workbench_shows_every_segment_beside_its_source(client, auth, lib, locale, heading):
    auth.login("editor")
    client.set_cookie("locale", locale)
    html = client.get(PAGE, headers={"Accept-Language": locale.replace("_", "-")}).get_data(as_text=True)
    assert heading in html
    rows = re.findall(r'<li class="seg seg-(\w+)[^"]*" id="seg-([\w.-]+)"', html)
    assert [sid for _, sid in rows] == ["title", "description.1", "description.2", "cue.zh.1", "cue.zh.2", "cue.zh.3"]
    assert html.count('<form method="post" action="/editor/translate/tr-new/bo/segments/') >= 6  # one per segment
    assert 'data-start="2500" data-end="5000"' in html
    assert 'name="use" value="ཉི་མས་འོད་དང་དྲོད་འགྱེད།"' in html  # a suggestion, one click (a form without JS)
    assert 'data-insert="ཉི་མ"' in html  # a glossary term
    assert '<script src="/static/js/workbench.js' in html and "onclick" not in html


def test_a_segment_saves_without_javascript_and_a_suggestion_is_one_click(client, auth, lib):
    auth.login("editor")
    answer = auth.post(PAGE + "/segments/cue.zh.3", data={"target": "<script>x</script> 3", "done": "1"})
    assert answer.status_code == 302 and answer.location.endswith("#seg-cue.zh.3")
    html = client.get(PAGE).get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt; 3" in html and "<script>x</script>" not in html
    auth.post(PAGE + "/segments/cue.zh.1", data={"use": "ཉི་མས་འོད་དང་དྲོད་འགྱེད།"})
    assert lib.translation.segments(accounts.User("editor", "editor"), "tr-new", "bo", suggest=False) \
        .segment("cue.zh.1").target == "ཉི་མས་འོད་དང་དྲོད་འགྱེད།"


def test_without_javascript_the_suggestion_and_term_buttons_submit_the_segments_own_form(client, auth, lib):
    auth.login("editor")
    html = client.get(PAGE).get_data(as_text=True)
    row = html[html.index('id="seg-cue.zh.1"'):html.index('id="seg-cue.zh.2"')]
    form = re.search(r'<form method="post" action="[^"]+" class="seg-form" id="(f-\d+)"', row).group(1)
    assert f'form="{form}" name="use" value="ཉི་མས་འོད་དང་དྲོད་འགྱེད།"' in row
    assert f'form="{form}" name="insert" value="ཉི་མ"' in row
    # the term's button sends the text being typed with it: the term goes at its end, the done mark stays
    auth.post(PAGE + "/segments/cue.zh.1", data={"target": "འོད་དང་དྲོད་འགྱེད། ", "done": "1", "insert": "ཉི་མ"})
    editor = accounts.User("editor", "editor")
    seg = lib.translation.segments(editor, "tr-new", "bo", suggest=False).segment("cue.zh.1")
    assert (seg.target, seg.done) == ("འོད་དང་དྲོད་འགྱེད། ཉི་མ", True)
    auth.post(PAGE + "/segments/cue.zh.1", data={"target": "འོད་དང་དྲོད་", "insert": "ཉི་མ"})  # inside Tibetan: no space
    seg = lib.translation.segments(editor, "tr-new", "bo", suggest=False).segment("cue.zh.1")
    assert seg.target == "འོད་དང་དྲོད་ཉི་མ"
    auth.post(PAGE + "/segments/cue.zh.1", data={"target": "ཀ", "done": "1", "use": "ཉི་མས་འོད་དང་དྲོད་འགྱེད།"})
    seg = lib.translation.segments(editor, "tr-new", "bo", suggest=False).segment("cue.zh.1")
    assert (seg.target, seg.done) == ("ཉི་མས་འོད་དང་དྲོད་འགྱེད།", True)


def test_submitting_with_failing_checks_lists_them_on_the_page(client, auth, lib):
    auth.login("editor")
    auth.post(PAGE + "/segments/title", data={"target": "ཉི་མ"})
    answer = auth.post(PAGE + "/submit")
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert 'id="failures"' in html and 'href="#seg-cue.zh.1"' in html
    assert lib.version("tr-new", "bo").state == "draft"


def test_the_review_page_shows_segments_with_checks_and_takes_a_comment(client, auth, lib):
    editor = accounts.User("editor", "editor")
    for sid, text in {"title": "ཉི་མའི་ནུས་ཤུགས", "description.1": "ཉི་མས་འོད་འགྱེད།", "description.2": "ཆ་ཤས་ 3 ཡོད།",
                      "cue.zh.1": "འོད་དང་དྲོད་འགྱེད།", "cue.zh.2": "སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།",
                      "cue.zh.3": "ཆ་ཤས་ 3 ཡོད།"}.items():
        lib.translation.save_segment(editor, "tr-new", "bo", sid, {"target": text, "done": True})
    lib.translation.submit(editor, "tr-new", "bo")
    auth.login("reviewer")
    html = client.get("/editor/works/tr-new/bo/review").get_data(as_text=True)
    assert 'id="seg-cue.zh.2"' in html and "སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།" in html and "地球上的生命都需要阳光。" in html
    cue = html[html.index('id="seg-cue.zh.1"'):html.index('id="seg-cue.zh.2"')]
    assert 'data-code="term"' in cue  # cue 1 leaves out the glossary's ཉི་མ for 太阳
    assert 'data-code="term"' not in html[html.index('id="seg-title"'):html.index('id="seg-description.2"')]
    answer = auth.post("/editor/translate/tr-new/bo/segments/cue.zh.2/comments", data={"text": "say ཚང་མ"})
    assert answer.status_code == 302
    auth.post("/editor/works/tr-new/bo/reject", data={"comment": "see cue 2"})
    auth.logout()
    auth.login("editor")
    html = client.get(PAGE).get_data(as_text=True)
    assert "say ཚང་མ" in html and "see cue 2" in html


def test_who_may_open_the_workbench(client, auth, lib):
    assert client.get(PAGE).status_code == 302  # to the login
    auth.login("teacher")
    assert client.get(PAGE).status_code == 403
    auth.logout()
    auth.login("reviewer")
    html = client.get(PAGE).get_data(as_text=True)
    assert "readonly" in html and 'id="submit-review"' not in html
    assert auth.post(PAGE + "/segments/title", data={"target": "ཀ"}).status_code == 403


def test_the_work_page_queue_and_coverage_link_to_the_workbench(client, auth, lib):
    auth.login("editor")
    assert 'href="/editor/translate/tr-new/bo"' in client.get("/works/tr-new").get_data(as_text=True)
    assert 'href="/editor/translate/tr-new/zh"' not in client.get("/works/tr-new").get_data(as_text=True)
    assert 'href="/editor/translate/tr-new/bo"' in client.get("/coverage").get_data(as_text=True)
    auth.post(PAGE + "/segments/title", data={"target": "ཉི་མ"})
    assert 'href="/editor/translate/tr-new/bo"' in client.get("/editor/").get_data(as_text=True)


def test_a_tibetan_work_is_translated_into_chinese_on_the_workbench_the_queue_links(client, auth, lib, tmp_path):
    from tests.conftest import write_jsonl

    lib.import_file(write_jsonl(tmp_path / "bo.jsonl", [
        {"id": "tr-bo", "type": "video", "titles": {"bo": "ཉི་མའི་ནུས་ཤུགས"}, "subjects": ["earth-space"],
         "audiences": ["youth"]}]))
    auth.login("editor")
    html = client.get("/editor/translate/tr-bo/zh").get_data(as_text=True)
    assert 'name="use" value="太阳的能量"' in html  # the zh-bo title pair, the other way round
    auth.post("/editor/translate/tr-bo/zh/segments/title", data={"target": "太阳的能量"})
    # a draft of the source language itself is edited as one text: the queue offers no workbench for it
    lib.save_draft(accounts.User("editor", "editor"), "tr-bo", "bo", {"title": "ཉི་མའི་ནུས་ཤུགས་ཆེན་པོ"})
    queue = client.get("/editor/").get_data(as_text=True)
    assert 'href="/editor/translate/tr-bo/zh"' in queue and 'href="/editor/works/tr-bo/bo"' in queue
    assert 'href="/editor/translate/tr-bo/bo"' not in queue
    assert client.get("/editor/translate/tr-bo/bo").status_code == 400  # where the old link led


def test_the_history_names_a_cue_edit_as_a_cue(client, auth, lib):
    auth.login("editor")
    auth.post(PAGE + "/segments/cue.zh.2", data={"target": "ས་གོའི་སྲོག་ཆགས།"})
    html = client.get("/editor/works/tr-new/bo/review", headers={"Accept-Language": "en"}).get_data(as_text=True)
    history = html[html.index('class="history"'):]
    assert "Cue 2" in history and "ས་གོའི་སྲོག་ཆགས།" in history and "Keywords" not in history
