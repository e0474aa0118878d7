"""Import merges, it never destroys (spec/catalog-record.md, import rules), on the real stores."""

import pytest
import sqlalchemy as sa

from contentlib import accounts, attachments, records, workflow
from contentlib.media import MediaStore
from contentlib.merge import EDITOR, IMPORT, Origin, carried_fields, merge
from contentlib.model import MediaEntry, Version, Work
from contentlib.store import outbox, version_origins
from contentlib.tables import version_history
from tests.conftest import write_jsonl
from tests.unit.media_samples import make_pdf

ED = accounts.User("ed", "editor")
REV = accounts.User("rev", "reviewer")
SOURCE = [{"id": "w1", "type": "book", "titles": {"zh": "原子"}, "subjects": ["health"]},
          {"id": "w2", "type": "video", "titles": {"zh": "水", "bo": "ཆུ།"}}]


def publish(store, work_id, lang, title, media_entry=None):
    workflow.save_draft(store, ED, work_id, lang, {"title": title})
    if media_entry is not None:
        workflow.attach_media(store, ED, work_id, lang, media_entry)
    workflow.submit(store, ED, work_id, lang)
    workflow.approve(store, REV, work_id, lang)


def history_count(store):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(version_history)).scalar_one()


@pytest.fixture
def source(store, tmp_path):
    path = write_jsonl(tmp_path / "source.jsonl", SOURCE)
    records.import_file(store, path)
    return path


def test_a_published_translation_survives_reimporting_the_source(store, source):
    publish(store, "w1", "bo", "རྡུལ་ཕྲན།")
    report = records.import_file(store, source)
    assert (report.created, report.updated, report.unchanged, report.kept) == (0, 0, 2, 1)
    assert report.notes() == ["w1 (line 1): kept newer local version (bo)"]
    assert store.get_work("w1").versions["bo"].title == "རྡུལ་ཕྲན།"
    assert store.count_by_language()["bo"] == 2


def test_an_older_copy_in_the_file_does_not_replace_the_editors_version(store, source, tmp_path):
    publish(store, "w2", "bo", "ཆུ་གཙང་།")
    report = records.import_file(store, source)  # carries the old ཆུ། without an `updated` time
    assert report.kept == 1 and report.notes() == ["w2 (line 2): kept newer local version (bo)"]
    assert store.get_work("w2").versions["bo"].title == "ཆུ་གཙང་།"
    older = write_jsonl(tmp_path / "older.jsonl", [dict(SOURCE[1], titles={"bo": "ཆུ་རྙོག"},
                                                        updated={"bo": "2000-01-01T00:00:00Z"})])
    assert records.import_file(store, older).kept == 1
    assert store.get_work("w2").versions["bo"].title == "ཆུ་གཙང་།"


def test_a_later_copy_in_the_file_replaces_the_editors_version(store, source, tmp_path):
    publish(store, "w2", "bo", "ཆུ་གཙང་།")
    later = write_jsonl(tmp_path / "later.jsonl", [dict(SOURCE[1], titles={"bo": "ཆུ་གསར།"},
                                                        updated={"bo": "2100-01-01T00:00:00Z"})])
    report = records.import_file(store, later)
    assert (report.updated, report.kept) == (1, 0)
    work = store.get_work("w2")
    assert work.versions["bo"].title == "ཆུ་གསར།" and work.versions["zh"].title == "水"
    assert records.work_to_record(work)["updated"]["bo"] == "2100-01-01T00:00:00Z"
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(version_origins.c.source).where(
            version_origins.c.work_id == "w2", version_origins.c.lang == "bo")).scalar() == IMPORT


def test_versions_and_fields_the_record_does_not_carry_stay(store, source, tmp_path):
    path = write_jsonl(tmp_path / "zh.jsonl", [{"id": "w2", "type": "video", "titles": {"zh": "水!"}, "year": 2020}])
    report = records.import_file(store, path)
    assert (report.updated, report.kept) == (1, 0)  # an imported version left as it is is not "kept"
    work = store.get_work("w2")
    assert work.versions["bo"].title == "ཆུ།" and work.versions["zh"].title == "水!" and work.year == 2020
    path = write_jsonl(tmp_path / "w1.jsonl", [{"id": "w1", "type": "book", "titles": {"zh": "原子"}, "year": 2021}])
    records.import_file(store, path)
    assert store.get_work("w1").subjects == ["health"]  # not carried: left as it was


def test_reimporting_twice_changes_nothing_the_second_time(store, source, tmp_path):
    publish(store, "w1", "bo", "རྡུལ་ཕྲན།")
    path = write_jsonl(tmp_path / "new.jsonl", [dict(SOURCE[0], titles={"zh": "原子!"}), SOURCE[1]])
    assert records.import_file(store, path).updated == 1
    history, queued = history_count(store), store.last_seq()
    report = records.import_file(store, path)
    assert (report.updated, report.unchanged, report.kept) == (0, 2, 1)
    assert history_count(store) == history and store.last_seq() == queued


def test_history_records_what_an_import_changed(store, source, tmp_path):
    path = write_jsonl(tmp_path / "new.jsonl", [dict(SOURCE[0], titles={"zh": "原子!", "en": "Atoms"})])
    records.import_file(store, path, actor="importer")
    rows = [(h["lang"], h["action"], h["from"], h["to"]) for h in workflow.history(store, "w1")]
    assert ("zh", "import", "published", "published") in rows and ("en", "import", "missing", "published") in rows


def test_files_editors_uploaded_stay_when_the_record_lists_other_files(store, tmp_path):
    media = MediaStore(tmp_path / "media")
    make_pdf(tmp_path / "book.pdf")
    make_pdf(tmp_path / "other.pdf", pages=3)
    ingest = attachments.ingester(media)
    path = write_jsonl(tmp_path / "a.jsonl", [dict(SOURCE[0], media=[{"path": "book.pdf", "role": "original"}])])
    records.import_file(store, path, ingest=ingest)
    upload = attachments.ingest_upload(media, tmp_path / "other.pdf", "bo.pdf", "w1", "bo", "document")
    publish(store, "w1", "bo", "རྡུལ་ཕྲན།", upload)
    imported = store.get_work("w1").media[0].sha256
    path = write_jsonl(tmp_path / "b.jsonl", [dict(SOURCE[0], media=[])])
    report = records.import_file(store, path, ingest=ingest)
    assert report.replaced_media == {imported}
    assert [m.sha256 for m in store.get_work("w1").media] == [upload.sha256]
    assert records.import_file(store, path, ingest=ingest).unchanged == 1


def test_a_file_uploaded_for_a_version_still_in_review_stays(store, source, tmp_path):
    media = MediaStore(tmp_path / "media")
    make_pdf(tmp_path / "bo.pdf")
    upload = attachments.ingest_upload(media, tmp_path / "bo.pdf", "bo.pdf", "w1", "bo", "document")
    workflow.save_draft(store, ED, "w1", "bo", {"title": "རྡུལ་ཕྲན།"})
    workflow.attach_media(store, ED, "w1", "bo", upload)
    path = write_jsonl(tmp_path / "b.jsonl", [dict(SOURCE[0], titles={"zh": "原子!"}, media=[])])
    assert records.import_file(store, path).updated == 1
    assert [m.sha256 for m in store.get_work("w1", public=False).media] == [upload.sha256]
    assert store.get_work("w1").media == []  # still not public
    records.import_file(store, path, mirror=True, confirm=lambda plan: True)
    assert [m.sha256 for m in store.get_work("w1", public=False).media] == [upload.sha256]


def test_mirror_asks_first_and_then_makes_the_catalog_equal_the_file(store, source, tmp_path):
    publish(store, "w2", "en", "Water")
    path = write_jsonl(tmp_path / "only.jsonl", [{"id": "w2", "type": "video", "titles": {"zh": "水"}}])
    seen = []
    report = records.import_file(store, path, mirror=True, confirm=lambda plan: seen.append(plan) or False)
    assert report.removed is None
    assert seen[0].lines() == ["remove work w1", "remove version w2 (bo)", "remove version w2 (en)"]
    assert store.work_ids() == ["w1", "w2"] and store.get_work("w2").languages == ["bo", "zh", "en"]
    report = records.import_file(store, path, mirror=True, confirm=lambda plan: True)
    assert report.removed == ["w1"]
    assert store.work_ids() == ["w2"] and store.get_work("w2").languages == ["zh"]
    again = records.import_file(store, path, mirror=True, confirm=lambda plan: pytest.fail("nothing to remove"))
    assert (again.unchanged, again.removed) == (1, [])


def test_an_editors_version_is_marked_and_an_old_catalog_learns_it_from_history(tmp_path):
    from contentlib.store import Store, make_engine
    from tests.unit.test_migrations import _upgrade_to

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    _upgrade_to(engine, "0002")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO works (id, type, added, updated_at) VALUES ('w', 'book', 1, 0)"))
        conn.execute(sa.text("INSERT INTO versions (work_id, lang, slot, state, title, keywords, updated_at) "
                             "VALUES ('w', 'bo', 'public', 'published', 'ཀ', '[]', 5)"))
        conn.execute(sa.text("INSERT INTO version_history (work_id, lang, at, action, changes) VALUES "
                             "('w', 'bo', 3, 'import', '{}'), ('w', 'bo', 7, 'approve', '{}')"))
    engine.dispose()
    store = Store.from_url(url)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(version_origins)).all() == [("w", "bo", 7.0, EDITOR)]
    store.close()


def test_merge_rules_without_a_database():
    before = Work("w", "video", {"bo": Version("bo", "ཀ", "old", ["x"]), "zh": Version("zh", "甲")},
                  media=[MediaEntry("a.png", "cover", "a" * 64, info={"renditions": {}}),
                         MediaEntry("u.vtt", "subtitle", "b" * 64, "bo", info={"uploaded_by": "ed"})])
    rec = {"id": "w", "type": "video", "titles": {"bo": "ཁ"}, "media": [{"path": "a.png", "role": "cover"}]}
    new = Work("w", "video", {"bo": Version("bo", "ཁ")}, media=[MediaEntry("a.png", "cover", "a" * 64)])
    out = merge(before, new, {}, 10.0, carried_fields(rec))
    assert out.work.versions["bo"] == Version("bo", "ཁ", "old", ["x"])  # only the title was carried
    assert out.written == {"bo": 10.0} and out.kept == []
    assert out.work.media == before.media  # the same cover keeps its derived files; the upload stays
    edited = merge(before, new, {"bo": Origin(5.0, EDITOR)}, 10.0, carried_fields(rec))
    assert edited.kept == ["bo"] and edited.work.versions["bo"].title == "ཀ"
    new.versions["bo"].updated = 6.0
    assert merge(before, new, {"bo": Origin(5.0, EDITOR)}, 10.0, carried_fields(rec)).written == {"bo": 6.0}
    mirrored = merge(before, new, {"bo": Origin(5.0, EDITOR)}, 10.0, mirror=True)
    assert mirrored.removed == ["zh"] and [m.path for m in mirrored.work.media] == ["a.png"]


def test_updated_must_be_an_rfc3339_time(store, tmp_path):
    from contentlib.errors import InvalidRecord

    path = write_jsonl(tmp_path / "t.jsonl", [dict(SOURCE[0], updated={"zh": "yesterday"}),
                                               dict(SOURCE[1], updated={"xx": "2020-01-01T00:00:00Z"})])
    with pytest.raises(InvalidRecord) as info:
        records.import_file(store, path)
    assert [(line, msg.split(":")[0]) for line, msg in info.value.problems] == [("1", "updated"), ("2", "updated")]
    assert store.count_works() == 0
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 0
