"""The translation workbench API (docs/spec/translation-api.md) through the real app and test client."""

from __future__ import annotations

import io
import re

import pytest

from contentlib import accounts
from tests.conftest import PASSWORD
from tests.translation_data import write_catalog

BASE = "/api/v1/works/tr-new/translation/bo"
ROLES = ("teacher", "editor", "reviewer", "admin", "editor2")
# The draft being one draft, the review rules and the memory following approvals hold on either database.
BOTH_DATABASES = pytest.mark.parametrize("app", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def lib(app, tmp_path):
    lib = app.extensions["contentlib"]
    lib.index_sync = True
    lib.import_file(write_catalog(tmp_path / "data"))
    for role in ROLES:
        accounts.create_user(lib.store, role, "editor" if role == "editor2" else role, PASSWORD)
    lib.glossary.add("太阳", "ཉི་མ")
    return lib


@pytest.fixture
def tokens(lib):
    return {role: {"Authorization": "Bearer " + accounts.issue_token(lib.store, role)} for role in ROLES}


def _put(client, tokens, sid, target, done=True, who="editor", work="tr-new"):
    return client.put(f"/api/v1/works/{work}/translation/bo/segments/{sid}", json={"target": target, "done": done},
                      headers=tokens[who])


def _segments(client, tokens, who="editor"):
    return {s["sid"]: s for s in client.get(BASE, headers=tokens[who]).get_json()["segments"]}


TRANSLATION = {"title": "ཉི་མའི་ནུས་ཤུགས", "description.1": "ཉི་མས་འོད་དང་དྲོད་འགྱེད།",
               "description.2": "དེ་ལ་ཆ་ཤས་ 3 ཡོད།", "cue.zh.1": "ཉི་མས་འོད་དང་དྲོད་འགྱེད།",
               "cue.zh.2": "ས་གོའི་སྟེང་གི་སྲོག་ཆགས་ཚང་མར་ཉི་འོད་དགོས།", "cue.zh.3": "དེ་ལ་ཆ་ཤས་ ༣ ཡོད།"}


def _translate_all(client, tokens):
    for sid, target in TRANSLATION.items():
        assert _put(client, tokens, sid, target).status_code == 200, sid


# -- reading -----------------------------------------------------------------

def test_segments_follow_the_spec(client, tokens):
    body = client.get(BASE, headers=tokens["editor"]).get_json()
    assert (body["work"], body["source_lang"], body["lang"], body["state"]) == ("tr-new", "zh", "bo", "missing")
    assert body["progress"] == {"done": 0, "total": 6}
    sids = [s["sid"] for s in body["segments"]]
    assert sids == ["title", "description.1", "description.2", "cue.zh.1", "cue.zh.2", "cue.zh.3"]
    cue = body["segments"][3]
    assert (cue["kind"], cue["start"], cue["end"], cue["source"]) == ("cue", "00:00:00.000", "00:00:02.500",
                                                                     "太阳发出光和热。")
    assert set(cue) == {"sid", "kind", "start", "end", "source", "target", "done", "suggestions", "terms",
                        "checks", "comments"}
    # the published cue of another work is an exact suggestion; ties list cue pairs before sentence pairs
    assert cue["suggestions"][0] == {"target": "ཉི་མས་འོད་དང་དྲོད་འགྱེད།", "source": "太阳发出光和热。",
                                     "similarity": 1.0, "work": "tr-sun", "kind": "cue"}
    assert cue["terms"] == [{"source": "太阳", "target": "ཉི་མ", "used": False}]
    near = body["segments"][4]["suggestions"][0]
    assert 0.6 < near["similarity"] < 1 and near["work"] == "tr-sun"
    assert all(re.fullmatch(r"[A-Za-z0-9.-]+", sid) for sid in sids)


def test_translating_into_the_source_language_is_refused(client, tokens):
    assert client.get("/api/v1/works/tr-new/translation/zh", headers=tokens["editor"]).status_code == 400
    assert client.get("/api/v1/works/tr-new/translation/fr", headers=tokens["editor"]).status_code == 404
    assert client.get("/api/v1/works/nope/translation/bo", headers=tokens["editor"]).status_code == 404


@pytest.mark.parametrize("method, path, body, allowed", [
    ("get", BASE, None, {"editor", "reviewer", "admin"}),
    ("put", BASE + "/segments/title", {"target": "ཉི་མ", "done": False}, {"editor", "admin"}),
    ("post", BASE + "/segments/title/comments", {"text": "check this"}, {"reviewer", "admin"}),
    ("get", BASE + "/segments/cue.zh.1", None, {"editor", "reviewer", "admin"}),
    ("get", BASE + "/xliff", None, {"editor", "reviewer", "admin"}),
    ("get", "/api/v1/memory?q=太阳发出光和热。&from=zh&to=bo", None, {"editor", "reviewer", "admin"}),
    ("post", BASE + "/submit", None, {"editor", "admin"}),
])
def test_auth_matrix(client, tokens, method, path, body, allowed):
    anonymous = getattr(client, method)(path, json=body)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    for role in ("teacher", "editor", "reviewer", "admin"):
        answer = getattr(client, method)(path, json=body, headers=tokens[role])
        if role in allowed:
            assert answer.status_code in (200, 201, 409), (role, answer.get_json())
        else:
            assert answer.status_code == 403, role


def test_a_session_may_use_the_api_with_its_csrf_token(client, auth, lib):
    auth.login("editor")
    assert client.get(BASE).status_code == 200
    assert client.put(BASE + "/segments/title", json={"target": "ཉི་མ"}).status_code == 400  # no CSRF token
    token = auth.csrf("/editor/")
    assert client.put(BASE + "/segments/title", json={"target": "ཉི་མ"},
                      headers={"X-CSRFToken": token}).status_code == 200


# -- saving --------------------------------------------------------------------

def test_saving_a_segment_answers_it_with_fresh_checks(client, tokens):
    answer = _put(client, tokens, "cue.zh.3", "དེ་ལ་ཆ་ཤས་ 4 ཡོད།", done=True)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["sid"] == "cue.zh.3" and body["done"] is True and body["target"] == "དེ་ལ་ཆ་ཤས་ 4 ཡོད།"
    assert [c["code"] for c in body["checks"]] == ["numbers"]
    fixed = _put(client, tokens, "cue.zh.3", "དེ་ལ་ཆ་ཤས་ ༣ ཡོད།").get_json()  # a Tibetan digit counts as its value
    assert fixed["checks"] == []
    assert client.get(BASE, headers=tokens["editor"]).get_json()["state"] == "draft"


def test_one_segment_is_read_with_the_helps_the_memory_has_now(client, tokens, lib, tmp_path):
    from tests.conftest import write_jsonl
    from tests.translation_data import vtt

    _put(client, tokens, "cue.zh.3", "ཀ་ཁ།", done=False)
    first = client.get(BASE + "/segments/cue.zh.3", headers=tokens["editor"])
    assert first.status_code == 200
    body = first.get_json()
    assert (body["sid"], body["target"], body["done"], body["suggestions"]) == ("cue.zh.3", "ཀ་ཁ།", False, [])
    assert [c["code"] for c in body["checks"]] == ["numbers"]
    # another work is published meanwhile: asking again finds what the memory learned from it
    (tmp_path / "parts-zh.vtt").write_text(vtt([("00:00:00.000", "00:00:02.000", "它有 3 个部分。")]), "utf-8")
    (tmp_path / "parts-bo.vtt").write_text(vtt([("00:00:00.000", "00:00:02.000", "དེ་ལ་ཆ་ཤས་ ༣ ཡོད།")]), "utf-8")
    lib.import_file(write_jsonl(tmp_path / "parts.jsonl", [
        {"id": "tr-parts", "type": "video", "titles": {"zh": "部分", "bo": "ཆ་ཤས"}, "subjects": ["earth-space"],
         "audiences": ["youth"], "media": [{"path": "parts-zh.vtt", "role": "subtitle", "lang": "zh"},
                                           {"path": "parts-bo.vtt", "role": "subtitle", "lang": "bo"}]}]))
    again = client.get(BASE + "/segments/cue.zh.3", headers=tokens["editor"]).get_json()
    assert again["suggestions"][0]["target"] == "དེ་ལ་ཆ་ཤས་ ༣ ཡོད།" and again["suggestions"][0]["work"] == "tr-parts"
    assert client.get(BASE + "/segments/cue.zh.9", headers=tokens["editor"]).status_code == 404


def _changes_nothing(client, tokens, answer, status):
    before = _segments(client, tokens)
    assert answer().status_code == status
    assert _segments(client, tokens) == before


def test_bad_input_gets_a_clear_error_and_changes_nothing(client, tokens):
    _put(client, tokens, "title", "ཉི་མ")
    _changes_nothing(client, tokens, lambda: _put(client, tokens, "cue.zh.9", "ཀ"), 404)
    _changes_nothing(client, tokens, lambda: _put(client, tokens, "nope", "ཀ"), 404)
    _changes_nothing(client, tokens, lambda: _put(client, tokens, "title", "ཀ" * 2001), 400)
    _changes_nothing(client, tokens, lambda: _put(client, tokens, "cue.zh.1", "ཀ\nཁ\nག\nང"), 400)
    _changes_nothing(client, tokens, lambda: client.put(BASE + "/segments/title", json={"target": 5},
                                                        headers=tokens["editor"]), 400)
    _changes_nothing(client, tokens, lambda: client.put(BASE + "/segments/title", json={"target": "ཀ", "done": "yes"},
                                                        headers=tokens["editor"]), 400)
    _changes_nothing(client, tokens, lambda: client.put(BASE + "/segments/title", data=b"[1]",
                                                        content_type="application/json",
                                                        headers=tokens["editor"]), 400)
    assert "3 lines" in _put(client, tokens, "cue.zh.1", "ཀ\nཁ\nག\nང").get_json()["error"]["message"]
    assert _put(client, tokens, "cue.zh.1", "ཀ\nཁ\nག").status_code == 200  # three lines show


@BOTH_DATABASES
def test_a_version_in_review_is_not_edited_from_the_workbench_as_from_the_form(client, tokens, auth):
    _translate_all(client, tokens)
    assert client.post(BASE + "/submit", headers=tokens["editor"]).status_code == 200
    _changes_nothing(client, tokens, lambda: _put(client, tokens, "title", "ཀ"), 409)
    assert client.post("/api/v1/works/tr-new/versions/bo", json={"title": "ཀ"},
                       headers=tokens["editor"]).status_code == 409
    assert client.post(BASE + "/submit", headers=tokens["editor"]).status_code == 409


@BOTH_DATABASES
def test_the_workbench_and_the_form_keep_one_draft(client, tokens, lib, auth):
    _put(client, tokens, "title", "ཉི་མའི་ནུས་ཤུགས")
    _put(client, tokens, "description.1", "ཉི་མས་འོད་འགྱེད།")
    _put(client, tokens, "description.2", "དེ་ལ་ཆ་ཤས་ 3 ཡོད།")
    version = client.get("/api/v1/works/tr-new/versions/bo", headers=tokens["editor"]).get_json()
    assert version["working"]["title"] == "ཉི་མའི་ནུས་ཤུགས"
    assert version["working"]["description"] == "ཉི་མས་འོད་འགྱེད། དེ་ལ་ཆ་ཤས་ 3 ཡོད།"
    auth.login("editor")
    page = client.get("/editor/works/tr-new/bo").get_data(as_text=True)
    assert "ཉི་མས་འོད་འགྱེད། དེ་ལ་ཆ་ཤས་ 3 ཡོད།" in page
    # the form changes the description: the workbench reads it, sentence by sentence
    auth.post("/editor/works/tr-new/bo", data={"title": "ཉི་མ", "description": "ཀ་ཁ། ག་ང་ 3 ཡོད།", "keywords": ""})
    segments = _segments(client, tokens)
    assert segments["title"]["target"] == "ཉི་མ"
    assert (segments["description.1"]["target"], segments["description.2"]["target"]) == ("ཀ་ཁ།", "ག་ང་ 3 ཡོད།")
    assert segments["description.1"]["done"] is False  # the form changed it after it was marked
    history = client.get("/api/v1/works/tr-new/history", headers=tokens["editor"]).get_json()["history"]
    assert {h["action"] for h in history if h["lang"] == "bo"} == {"edit"}
    assert lib.version("tr-new", "bo").editors == ["editor"]


# -- submitting, reviewing, publishing -------------------------------------------------

def test_submit_with_errors_answers_checks_failed_and_changes_nothing(client, tokens):
    _put(client, tokens, "title", "ཉི་མའི་ནུས་ཤུགས")
    _put(client, tokens, "cue.zh.3", "它有 3 个部分。", done=False)  # untranslated
    before = client.get("/api/v1/works/tr-new/versions/bo", headers=tokens["editor"]).get_json()
    answer = client.post(BASE + "/submit", headers=tokens["editor"])
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"]["code"] == "checks_failed"
    assert {"sid": "cue.zh.3", "code": "untranslated"} in body["checks"]
    assert {"sid": "cue.zh.1", "code": "empty"} in body["checks"]
    assert client.get("/api/v1/works/tr-new/versions/bo", headers=tokens["editor"]).get_json() == before


@BOTH_DATABASES
def test_submit_builds_the_version_and_its_track_which_approval_makes_public(client, tokens, lib):
    _translate_all(client, tokens)
    answer = client.post(BASE + "/submit", headers=tokens["editor"])
    assert answer.status_code == 200 and answer.get_json()["state"] == "in_review"
    working = lib.store.get_work("tr-new", public=False)
    assert working.versions["bo"].title == "ཉི་མའི་ནུས་ཤུགས"
    assert working.versions["bo"].description == "ཉི་མས་འོད་དང་དྲོད་འགྱེད། དེ་ལ་ཆ་ཤས་ 3 ཡོད།"
    (track,) = [m for m in working.media if m.lang == "bo"]
    assert track.role == "subtitle" and track.info["draft"] and track.info["translated_from"]["track"] == "zh"
    vtt = lib.media.path(track.sha256).read_text(encoding="utf-8")
    assert "00:00:02.500 --> 00:00:05.000\nས་གོའི་སྟེང་གི་སྲོག་ཆགས་ཚང་མར་ཉི་འོད་དགོས།" in vtt  # the source's times
    assert [m for m in lib.store.get_work("tr-new").media if m.lang == "bo"] == []  # private until approved
    # the reviewer comments on a segment and sends it back; the comment shows on the workbench
    assert client.post(BASE + "/segments/cue.zh.2/comments", json={"text": "ཚང་མ་ is not needed"},
                       headers=tokens["reviewer"]).status_code == 201
    assert client.post("/api/v1/works/tr-new/versions/bo/reject", json={"comment": "see cue 2"},
                       headers=tokens["reviewer"]).status_code == 200
    comments = _segments(client, tokens)["cue.zh.2"]["comments"]
    assert [(c["by"], c["text"]) for c in comments] == [("reviewer", "ཚང་མ་ is not needed")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", comments[0]["at"])
    _put(client, tokens, "cue.zh.2", "ས་གོའི་སྟེང་གི་སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།")
    assert client.post(BASE + "/submit", headers=tokens["editor"]).status_code == 200
    assert len([m for m in lib.store.get_work("tr-new", public=False).media if m.lang == "bo"]) == 1  # replaced
    assert client.post("/api/v1/works/tr-new/versions/bo/approve", headers=tokens["reviewer"]).status_code == 200
    public = lib.store.get_work("tr-new")
    (track,) = [m for m in public.media if m.lang == "bo"]
    assert "ཉི་འོད་དགོས།" in lib.media.path(track.sha256).read_text(encoding="utf-8")
    history = client.get("/api/v1/works/tr-new/history", headers=tokens["editor"]).get_json()["history"]
    assert ("editor", "submit") in {(h["actor"], h["action"]) for h in history}
    assert ("reviewer", "approve") in {(h["actor"], h["action"]) for h in history}
    # published: the workbench shows the published translation, every segment done
    body = client.get(BASE, headers=tokens["editor"]).get_json()
    assert body["state"] == "published" and body["progress"] == {"done": 6, "total": 6}
    # the memory learned it: another work's look-up finds the new cue pair
    found = client.get("/api/v1/memory", query_string={"q": "它有 3 个部分。", "from": "zh", "to": "bo"},
                       headers=tokens["editor"]).get_json()["suggestions"]
    assert found[0]["target"] == "དེ་ལ་ཆ་ཤས་ ༣ ཡོད།" and found[0]["work"] == "tr-new" and found[0]["similarity"] == 1.0


@BOTH_DATABASES
def test_a_new_track_replaces_the_one_made_from_the_same_source_track_on_approval(client, tokens, lib):
    _translate_all(client, tokens)
    client.post(BASE + "/submit", headers=tokens["editor"])
    client.post("/api/v1/works/tr-new/versions/bo/approve", headers=tokens["reviewer"])
    (first,) = [m for m in lib.store.get_work("tr-new").media if m.lang == "bo"]
    _put(client, tokens, "cue.zh.1", "ཉི་མས་འོད་དང་དྲོད་གཉིས་ཀ་འགྱེད།")
    client.post(BASE + "/submit", headers=tokens["editor2"])
    assert [m.sha256 for m in lib.store.get_work("tr-new").media if m.lang == "bo"] == [first.sha256]  # until then
    client.post("/api/v1/works/tr-new/versions/bo/approve", headers=tokens["reviewer"])
    (second,) = [m for m in lib.store.get_work("tr-new").media if m.lang == "bo"]
    assert second.sha256 != first.sha256 and not lib.media.exists(first.sha256)


def test_comments_need_a_text_and_a_known_segment(client, tokens):
    assert client.post(BASE + "/segments/title/comments", json={"text": " "},
                       headers=tokens["reviewer"]).status_code == 400
    assert client.post(BASE + "/segments/cue.zh.7/comments", json={"text": "x"},
                       headers=tokens["reviewer"]).status_code == 404


def test_memory_lookup_validates_its_arguments(client, tokens):
    for query in ({"from": "zh", "to": "bo"}, {"q": "x", "from": "zh", "to": "zh"}, {"q": "x", "from": "fr", "to": "bo"},
                  {"q": "x" * 2001, "from": "zh", "to": "bo"}):
        assert client.get("/api/v1/memory", query_string=query, headers=tokens["editor"]).status_code == 400
    found = client.get("/api/v1/memory", query_string={"q": "太陽發出光和熱", "from": "zh", "to": "bo"},
                       headers=tokens["editor"]).get_json()["suggestions"]  # Traditional finds Simplified
    assert found[0]["similarity"] == 1.0 and found[0]["target"] == "ཉི་མས་འོད་དང་དྲོད་འགྱེད།"


@BOTH_DATABASES
def test_a_tibetan_work_translated_into_chinese_gets_the_same_pairs_the_other_way_round(client, tokens, lib,
                                                                                        tmp_path):
    from tests.conftest import write_jsonl
    from tests.translation_data import SOURCE_BO_CUES, vtt

    (tmp_path / "bo-only.vtt").write_text(vtt(SOURCE_BO_CUES[:1]), encoding="utf-8")
    lib.import_file(write_jsonl(tmp_path / "bo.jsonl", [
        {"id": "tr-bo", "type": "video", "titles": {"bo": "ཉི་མའི་ནུས་ཤུགས"}, "subjects": ["earth-space"],
         "audiences": ["youth"], "media": [{"path": "bo-only.vtt", "role": "subtitle", "lang": "bo"}]}]))
    body = client.get("/api/v1/works/tr-bo/translation/zh", headers=tokens["editor"]).get_json()
    assert (body["source_lang"], body["lang"]) == ("bo", "zh")
    found = {s["sid"]: s["suggestions"] for s in body["segments"]}
    assert found["title"][0] == {"target": "太阳的能量", "source": "ཉི་མའི་ནུས་ཤུགས", "similarity": 1.0,
                                 "work": "tr-sun", "kind": "title"}
    assert found["cue.bo.1"][0]["target"] == "太阳发出光和热。" and found["cue.bo.1"][0]["similarity"] == 1.0
    looked = client.get("/api/v1/memory", query_string={"q": "ས་གོའི་སྟེང་གི་སྲོག་ཆགས་ལ་ཉི་འོད་དགོས།", "from": "bo",
                                                          "to": "zh"}, headers=tokens["editor"]).get_json()
    assert looked["suggestions"][0]["target"] == "地球上的生命需要阳光。"
    assert looked["suggestions"][0]["kind"] == "cue"


# -- XLIFF -------------------------------------------------------------------------------

def test_xliff_round_trip_through_translate_toolkit(client, tokens):
    from translate.storage import xliff2

    _put(client, tokens, "title", "ཉི་མའི་ནུས་ཤུགས")
    answer = client.get(BASE + "/xliff", headers=tokens["editor"])
    assert answer.status_code == 200 and answer.content_type.startswith("application/xliff+xml")
    store = xliff2.Xliff2File(answer.data)  # an outside reader of XLIFF 2.0
    assert (store.sourcelanguage, store.targetlanguage) == ("zh", "bo")
    units = {u.getid(): u for u in store.units}
    assert list(units) == ["title", "description.1", "description.2", "cue.zh.1", "cue.zh.2", "cue.zh.3"]
    assert units["title"].target == "ཉི་མའི་ནུས་ཤུགས" and units["cue.zh.1"].source == "太阳发出光和热。"
    for sid, target in TRANSLATION.items():
        units[sid].target = target
    data = bytes(store)
    put = client.put(BASE + "/xliff", data=data, content_type="application/xliff+xml", headers=tokens["editor"])
    assert put.status_code == 200, put.get_json()
    segments = _segments(client, tokens)
    assert {sid: s["target"] for sid, s in segments.items()} == TRANSLATION


HOSTILE = {
    "external entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                       b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="bo">'
                       b'<file id="tr-new"><unit id="title"><segment><source>&e;</source><target>x</target>'
                       b'</segment></unit></file></xliff>',
    "billion laughs": ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
                       + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
                       + ']><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" '
                         'trgLang="bo"><file id="tr-new"><unit id="title"><segment><source>&lol9;</source>'
                         '</segment></unit></file></xliff>').encode(),
    "not XML": "title,ཉི་མ\n".encode(),
    "XLIFF 1.2": b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file/></xliff>',
    "unknown unit": b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="bo">'
                    b'<file id="tr-new"><unit id="cue.zh.99"><segment><source>x</source><target>y</target></segment>'
                    b'</unit></file></xliff>',
    "changed source": '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="bo">'
                      '<file id="tr-new"><unit id="title"><segment><source>月亮</source><target>ཟླ་བ</target>'
                      '</segment></unit></file></xliff>'.encode(),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_wrong_xliff_gets_400_and_changes_nothing(client, tokens, name):
    _put(client, tokens, "title", "ཉི་མ")
    _changes_nothing(client, tokens, lambda: client.put(BASE + "/xliff", data=HOSTILE[name],
                                                        content_type="application/xliff+xml",
                                                        headers=tokens["editor"]), 400)


def test_a_million_units_are_refused_while_reading(client, tokens):
    unit = b'<unit id="u"><segment><source>x</source></segment></unit>'

    def body():
        yield b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="bo">' \
              b'<file id="tr-new">'
        for _ in range(1000):
            yield unit * 1000
        yield b"</file></xliff>"

    data = b"".join(body())
    answer = client.put(BASE + "/xliff", data=io.BytesIO(data), content_type="application/xliff+xml",
                        headers=tokens["editor"])
    assert answer.status_code == 400 and "20000 units" in answer.get_json()["error"]["message"]
    assert client.get(BASE, headers=tokens["editor"]).get_json()["state"] == "missing"


def test_cli_exports_and_imports_xliff_all_or_nothing(runner, lib, tmp_path):
    out = tmp_path / "new.xlf"
    result = runner.invoke(["translate", "export", "tr-new", "bo", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert 'srcLang="zh"' in text and 'trgLang="bo"' in text and '<unit id="cue.zh.3">' in text
    filled = re.sub(r"<source>太阳的能量</source>\s*<target />", "<source>太阳的能量</source><target>ཉི་མ</target>", text)
    assert filled != text
    (tmp_path / "ok.xlf").write_text(filled, encoding="utf-8")
    broken = filled.replace('<unit id="cue.zh.3">', '<unit id="cue.zh.30">')
    (tmp_path / "bad.xlf").write_text(broken, encoding="utf-8")
    result = runner.invoke(["translate", "import", str(tmp_path / "bad.xlf")])
    assert result.exit_code == 1 and "cue.zh.30" in result.output and "nothing was changed" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert lib.version("tr-new", "bo").state == "missing"
    result = runner.invoke(["translate", "import", str(tmp_path / "ok.xlf")])
    assert result.exit_code == 0, result.output
    assert lib.version("tr-new", "bo").working.title == "ཉི་མ"
    missing = runner.invoke(["translate", "export", "tr-new", "bo", str(tmp_path / "no" / "x.xlf")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_deleting_a_work_takes_its_segment_drafts_and_comments_along(client, tokens, lib):
    _put(client, tokens, "title", "ཉི་མ")
    client.post(BASE + "/segments/title/comments", json={"text": "x"}, headers=tokens["reviewer"])
    assert lib.store.segment_rows("tr-new", "bo") and lib.store.segment_comments("tr-new", "bo")
    lib.delete(["tr-new"])
    assert lib.store.segment_rows("tr-new", "bo") == {} and lib.store.segment_comments("tr-new", "bo") == []
    assert client.get(BASE, headers=tokens["editor"]).status_code == 404
