"""The translation workflow on the real SQLite store: states, rules, history, outbox."""

import pytest

from contentlib import accounts, workflow
from contentlib.errors import InvalidRecord, InvalidTransition, NotAllowed, WorkNotFound
from contentlib.model import Version, Work
from contentlib.store import Store

EDITOR = accounts.User("ed", "editor")
EDITOR2 = accounts.User("ed2", "editor")
REVIEWER = accounts.User("rev", "reviewer")
ADMIN = accounts.User("boss", "admin")
TEACHER = accounts.User("tea", "teacher")


@pytest.fixture
def store(tmp_path):
    s = Store.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")
    s.put_works([Work("w1", "book", {"zh": Version("zh", "原子", "原子的结构", ["原子"])}, subjects=["health"]),
                 Work("w2", "video", {"zh": Version("zh", "水"), "bo": Version("bo", "ཆུ།")})])
    s.setup_seq = s.last_seq()  # what the tests below add comes after this
    yield s
    s.close()


def test_draft_stays_private_until_approved(store):
    st = workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "རྡུལ་ཕྲན།", "keywords": ["རྡུལ་ཕྲན"]})
    assert st.state == "draft" and st.public is None
    assert "bo" not in store.get_work("w1").versions
    assert store.get_work("w1", public=False).versions["bo"].title == "རྡུལ་ཕྲན།"
    workflow.submit(store, EDITOR, "w1", "bo")
    with pytest.raises(NotAllowed):
        workflow.approve(store, EDITOR, "w1", "bo")
    st = workflow.approve(store, REVIEWER, "w1", "bo")
    assert st.state == "published" and st.working is None and st.editors == []
    assert store.get_work("w1").versions["bo"].title == "རྡུལ་ཕྲན།"


def test_every_step_enqueues_the_work(store):
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཀ"})
    workflow.submit(store, EDITOR, "w1", "bo")
    workflow.approve(store, REVIEWER, "w1", "bo")
    assert [w for _, w in store.changes_after(store.setup_seq)] == ["w1", "w1", "w1"]


def test_editing_a_published_version_keeps_the_public_one(store):
    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཆུ་གཙང་།"})
    assert store.get_work("w2").versions["bo"].title == "ཆུ།"
    st = workflow.status(store, "w2", "bo")
    assert st.state == "draft" and st.public.title == "ཆུ།" and st.working.title == "ཆུ་གཙང་།"
    workflow.submit(store, EDITOR, "w2", "bo")
    workflow.approve(store, REVIEWER, "w2", "bo")
    assert store.get_work("w2").versions["bo"].title == "ཆུ་གཙང་།"


def test_reject_needs_a_comment_and_returns_to_draft(store):
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཀ"})
    workflow.submit(store, EDITOR, "w1", "bo")
    with pytest.raises(InvalidTransition):
        workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཁ"})
    with pytest.raises(InvalidRecord):
        workflow.reject(store, REVIEWER, "w1", "bo", " ")
    st = workflow.reject(store, REVIEWER, "w1", "bo", "ཚིག་འདི་བསྒྱུར།")
    assert st.state == "draft" and st.review_comment == "ཚིག་འདི་བསྒྱུར།"


def test_any_editor_of_the_working_version_cannot_review_it(store):
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཀ"})
    workflow.save_draft(store, ADMIN, "w1", "bo", {"description": "ཁ"})
    workflow.submit(store, EDITOR, "w1", "bo")
    with pytest.raises(NotAllowed):
        workflow.approve(store, ADMIN, "w1", "bo")
    with pytest.raises(NotAllowed):
        workflow.reject(store, ADMIN, "w1", "bo", "no")
    assert workflow.status(store, "w1", "bo").editors == ["boss", "ed"]
    workflow.approve(store, REVIEWER, "w1", "bo")


def test_roles_and_states_are_enforced(store):
    with pytest.raises(NotAllowed):
        workflow.save_draft(store, TEACHER, "w1", "bo", {"title": "ཀ"})
    with pytest.raises(NotAllowed):
        workflow.save_draft(store, REVIEWER, "w1", "bo", {"title": "ཀ"})
    with pytest.raises(InvalidTransition):
        workflow.submit(store, EDITOR, "w1", "bo")
    workflow.save_draft(store, EDITOR, "w1", "bo", {"description": "ཁ"})
    with pytest.raises(InvalidRecord):  # no title yet
        workflow.submit(store, EDITOR, "w1", "bo")
    with pytest.raises(InvalidTransition):
        workflow.approve(store, REVIEWER, "w1", "bo")
    with pytest.raises(WorkNotFound):
        workflow.save_draft(store, EDITOR, "nope", "bo", {"title": "ཀ"})
    with pytest.raises(InvalidRecord):
        workflow.save_draft(store, EDITOR, "w1", "bo", {"title": 5, "colour": "red"})


def test_history_lists_who_what_old_and_new(store):
    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཆུ་གཙང་།"})
    workflow.submit(store, EDITOR, "w2", "bo")
    workflow.reject(store, REVIEWER, "w2", "bo", "fix")
    everything = workflow.history(store, "w2")
    assert [(e["lang"], e["action"], e["from"], e["to"]) for e in everything[:2]] == [
        ("bo", "import", "missing", "published"), ("zh", "import", "missing", "published")]
    assert everything[0]["changes"]["title"] == {"old": None, "new": "ཆུ།"}
    h = everything[2:]
    assert [(e["actor"], e["action"], e["from"], e["to"]) for e in h] == [
        ("ed", "edit", "published", "draft"), ("ed", "submit", "draft", "in_review"),
        ("rev", "reject", "in_review", "draft")]
    assert h[0]["changes"] == {"title": {"old": "ཆུ།", "new": "ཆུ་གཙང་།"}}
    assert h[2]["comment"] == "fix"


def test_queue_lists_drafts_and_reviews_with_the_source_title(store):
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "ཀ"})
    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཁ"})
    workflow.submit(store, EDITOR, "w2", "bo")
    items = {(i.work_id, i.state): i for i in workflow.queue(store)}
    assert items[("w1", "draft")].source_title == "原子" and ("w2", "in_review") in items


def test_import_keeps_drafts_beside_published_text_and_records_what_it_changed(store):
    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཆུ་གཙང་།"})
    store.put_works([Work("w2", "video", {"zh": Version("zh", "水!"), "bo": Version("bo", "ཆུ།")})], actor="importer")
    assert workflow.status(store, "w2", "bo").working.title == "ཆུ་གཙང་།"
    last = workflow.history(store, "w2")[-1]
    assert (last["lang"], last["actor"], last["action"]) == ("zh", "importer", "import")
    assert last["changes"] == {"title": {"old": "水", "new": "水!"}}


def test_diff_compares_tibetan_syllables_and_chinese_characters():
    assert workflow.diff("ཆུ་གཙང་མ།", "ཆུ་རྙོག་མ།") == [("equal", "ཆུ་"), ("delete", "གཙང་"), ("insert", "རྙོག་"),
                                                     ("equal", "མ།")]
    assert workflow.diff("高原饮水", "高原用水") == [("equal", "高原"), ("delete", "饮"), ("insert", "用"),
                                                 ("equal", "水")]
    assert workflow.diff(None, "<b>") == [("insert", "<b>")]  # escaping is the template's job


def test_export_holds_only_published_text(store, tmp_path):
    from contentlib import records

    workflow.save_draft(store, EDITOR, "w2", "bo", {"title": "ཟིན་བྲིས།"})
    workflow.save_draft(store, EDITOR, "w1", "bo", {"title": "གཞན།"})
    records.export_file(store, tmp_path / "out.jsonl")
    text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert "ཆུ།" in text and "ཟིན་བྲིས།" not in text and "གཞན།" not in text
