"""The SQLAlchemy store on a real SQLite file."""

import sqlalchemy as sa

from contentlib.model import Version, Work
from contentlib.store import Store, versions


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = Store.from_url(f"sqlite:///{tmp_path / 'c.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() is not None


def test_a_failed_batch_writes_nothing(store):
    good = Work("a", "video", {"zh": Version("zh", "甲")})
    # Two works with the same id in one batch break the primary key half way.
    try:
        store.put_works([good, Work("b", "video", {"zh": Version("zh", "乙")}), Work("b", "book", {"zh": Version("zh", "丙")})])
    except sa.exc.IntegrityError:
        pass
    else:
        raise AssertionError("expected the duplicate to fail")
    assert store.count_works() == 0 and store.last_seq() == 0


def test_drafts_stay_beside_published_text(store):
    store.put_works([Work("a", "video", {"zh": Version("zh", "甲")})])
    with store.transaction() as conn:
        conn.execute(versions.insert().values(work_id="a", lang="bo", slot="working", state="draft",
                                              title="ཀ", keywords=[], updated_at=0))
    assert store.get_work("a").languages == ["zh"]
    assert store.get_work("a", public=False).languages == ["bo", "zh"]
    store.put_works([Work("a", "video", {"zh": Version("zh", "甲乙")})])  # re-import keeps the draft
    assert store.get_work("a", public=False).versions["bo"].state == "draft"


def test_delete_frees_only_unshared_media(store):
    from contentlib.model import MediaEntry

    shared, own = "a" * 64, "b" * 64
    store.put_works([
        Work("a", "video", {"zh": Version("zh", "甲")}, media=[MediaEntry("x.mp4", "original", shared), MediaEntry("y.png", "cover", own)]),
        Work("b", "video", {"zh": Version("zh", "乙")}, media=[MediaEntry("x.mp4", "original", shared)]),
    ])
    assert store.delete_work("a") == [own]
    assert store.media_in_use(shared) and not store.media_in_use(own)


def test_listing_is_newest_first_and_paged(store):
    store.put_works([Work(f"w{i}", "video", {"zh": Version("zh", str(i))}, subjects=["health"] if i % 2 else []) for i in range(5)])
    works, total = store.list_works(per_page=2)
    assert total == 5 and [w.id for w in works] == ["w4", "w3"]
    works, total = store.list_works(scheme="subjects", code="health", page=2, per_page=1)
    assert total == 2 and [w.id for w in works] == ["w1"]
    assert store.count_by_language() == {"bo": 0, "zh": 5, "en": 0}


def test_edited_vocabulary_labels_survive_reseeding(store):
    store.set_label("subjects", "health", "bo", "འཕྲོད་བསྟེན་ཚན་རིག")
    store.seed_vocabulary()
    assert store.vocabulary().get("subjects", "health").labels["bo"] == "འཕྲོད་བསྟེན་ཚན་རིག"
