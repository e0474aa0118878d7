"""The Library methods the doors call instead of the store: on real SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from contentlib import coverage, glossary, keys, oai, reports
from contentlib.attachments import CARD_WIDTHS
from contentlib.bundles import BundleRefused
from contentlib.errors import BadParameter, CannotWrite, NotFound, WorkNotFound
from contentlib.library import Library
from contentlib.selection import Selection
from contentlib.settings import defaults
from tests.conftest import DATA
from tests.unit import media_samples as ms

PASSWORD = "a long enough password"


@pytest.fixture
def lib(db_url, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    lib = Library.from_settings(defaults({"CONTENTLIB_HOME": str(home), "CONTENTLIB_DATABASE_URL": db_url}))
    lib.import_file(DATA / "works.jsonl")  # t-atom (video; bo, zh), t-book (book; zh, en), t-poster (poster; bo)
    yield lib
    lib.close()


def test_the_overview_is_what_the_home_page_showed_and_stays_so_after_a_reimport(lib):
    first = lib.overview(newest=12)
    assert first.total == 3 and {w.id for w in first.newest} == {"t-atom", "t-book", "t-poster"}
    assert first.by_language == {"bo": 2, "zh": 2, "en": 1}
    assert first.subjects == {"physical-science": 1, "health": 1, "disaster-prevention": 1}
    assert first.audiences == {"youth": 1, "farmers-herders": 1, "general-public": 1}
    assert first.types == {"video": 1, "book": 1, "poster": 1}
    assert first.vocabulary.has("subjects", "health")
    assert len(lib.overview(newest=1).newest) == 1
    lib.import_file(DATA / "works.jsonl")
    again = lib.overview()
    assert (again.total, again.by_language, again.subjects, again.types) == \
           (first.total, first.by_language, first.subjects, first.types)


def test_listings_counts_and_feed_dates(lib):
    works, total = lib.listing(page=1, per_page=2, order="title", type="book")
    assert total == 1 and [w.id for w in works] == ["t-book"]
    works, total = lib.listing(scheme="subjects", code="health")
    assert [w.id for w in works] == ["t-book"]
    assert lib.counts("languages") == lib.overview().by_language
    assert lib.counts("types") == {"video": 1, "book": 1, "poster": 1}
    used = lib.used_terms("subjects")
    order = [t.code for t in lib.vocabulary().terms("subjects")]
    assert [t.code for t, _ in used] == [c for c in order if c in {"physical-science", "health", "disaster-prevention"}]
    assert all(n == 1 for _, n in used)
    works = lib.works(["t-poster", "nope", "t-atom"])
    assert [w.id for w in works] == ["t-poster", "t-atom"]
    assert lib.updated(works) == max(w.updated_at for w in works)
    assert lib.updated([]) == lib.newest_change() is not None
    assert lib.newest_work_id() in {"t-atom", "t-book", "t-poster"}
    assert {work_id for work_id, _ in lib.last_changes(0, 10)} == {"t-atom", "t-book", "t-poster"}
    assert lib.by_language("en")[1] == 1 and lib.count_works() == 3
    with pytest.raises(WorkNotFound):
        lib.work("nope")


def test_to_translate_checks_its_filters_in_the_core(lib):
    everything = lib.to_translate()
    assert [r["id"] for r in everything.rows] == ["t-book"]  # published in Chinese, nothing in Tibetan
    health = lib.to_translate("health", "farmers-herders")
    assert (health.subject, health.audience, [r["id"] for r in health.rows]) == ("health", "farmers-herders", ["t-book"])
    assert lib.to_translate("physical-science").rows == []
    stale = lib.to_translate("no-such-subject", "")  # an unknown or empty code is no filter
    assert (stale.subject, stale.audience, stale.rows) == (None, None, everything.rows)
    assert coverage.known_filters(lib.vocabulary(), "health", "no-such") == ("health", None)
    text = lib.to_translate_csv("health", None, lambda work_id: f"https://x/{work_id}")
    assert text.splitlines()[1].startswith("t-book,") and text.splitlines()[1].endswith("https://x/t-book")
    assert lib.coverage() == coverage.coverage(lib.store)


def test_glossary_export_writes_atomically_and_counts_from_the_same_read(lib, tmp_path):
    lib.glossary.add("原子核", "ལྟེ་ཉིང་", "nucleus")
    lib.glossary.add("中子", "བར་རྡུལ་")
    out = tmp_path / "out" / "glossary.csv"
    out.parent.mkdir()
    assert lib.glossary.export_file(out) == 2
    assert out.read_bytes().decode("utf-8") == glossary.export_csv(lib.store)  # CRLF rows, as before
    lib.glossary.add("质子", "ཕོ་རྡུལ་")
    assert lib.glossary.export_file(out) == 3  # again: the old file is replaced
    assert out.read_bytes().count(b"\r\n") == 4
    assert [p.name for p in out.parent.iterdir()] == ["glossary.csv"]  # no temporary file left
    with pytest.raises(CannotWrite):
        lib.glossary.export_file(tmp_path / "missing" / "glossary.csv")
    assert not (tmp_path / "missing").exists()
    assert lib.glossary.import_csv(out.read_text(encoding="utf-8")) == 3
    assert len(lib.glossary.entries()) == 3 and [e.zh for e in lib.glossary.entries("中子")] == ["中子"]


def test_upload_returns_the_entry_as_stored(lib):
    editor = lib.accounts.create("ed", "editor", PASSWORD)
    entry = lib.upload("t-book", "bo", io.BytesIO(ms.SRT.encode("utf-8")), "བོད་ཡིག.srt", None, editor)
    assert entry.role == "subtitle" and entry.lang == "bo" and entry.original_name == "བོད་ཡིག.srt"
    assert entry.info["draft"] is True and entry.info["uploaded_by"] == "ed"
    assert entry == lib.work("t-book", public=False).media[-1]
    assert lib.file_access(entry.sha256, None) is None  # a draft: not for the public
    access = lib.file_access(entry.sha256, editor)
    assert access is not None and not access.public
    assert [(i.work_id, i.lang, i.state) for i in lib.queue()] == [("t-book", "bo", "draft")]


def test_accounts(lib):
    lib.accounts.create("boss", "admin", PASSWORD)
    lib.accounts.create("ed", "editor", PASSWORD)
    assert [u.name for u in lib.accounts.users()] == ["boss", "ed"] and lib.accounts.admins() == ["boss"]
    assert lib.accounts.authenticate("ed", PASSWORD, "127.0.0.1").name == "ed"
    assert lib.accounts.authenticate("ed", "wrong password", "127.0.0.1") is None
    assert lib.accounts.unlock("ed") >= 1 and lib.accounts.unlock("ed") == 0  # forgotten, once
    token = lib.accounts.issue_token("ed")
    assert lib.accounts.for_token(token).name == "ed"
    assert lib.accounts.for_token(lib.accounts.issue_token("ed")).name == "ed" and lib.accounts.for_token(token) is None
    generation = lib.accounts.get("ed").session_generation
    lib.accounts.end_sessions("ed")
    assert lib.accounts.get("ed").session_generation != generation
    lib.accounts.set_role("ed", "reviewer")
    lib.accounts.set_active("boss", False)
    assert lib.accounts.get("ed").role == "reviewer" and lib.accounts.admins() == []
    with pytest.raises(NotFound):
        lib.accounts.issue_token("nobody")


def test_lists_come_with_their_works(lib):
    teacher = lib.accounts.create("t", "teacher", PASSWORD)
    wl = lib.lists.create(teacher, "Physics", work_id="t-atom")
    assert wl.work_ids == ["t-atom"]
    lib.lists.add(teacher, wl.id, "t-book")
    lib.lists.add(teacher, wl.id, "t-book")  # once
    opened, works = lib.lists.opened(teacher, wl.id)
    assert opened.work_ids == ["t-atom", "t-book"] and [w.id for w in works] == ["t-atom", "t-book"]
    shared, page = lib.lists.shared(wl.token, 1, 2)
    assert shared.name == "Physics" and [w.id for w in page] == ["t-book"]
    assert [w.id for w in lib.lists.shared(wl.token)[1]] == ["t-atom", "t-book"]
    assert [x.id for x in lib.lists.owned_by(teacher)] == [wl.id]
    with pytest.raises(WorkNotFound):
        lib.lists.create(teacher, "Broken", work_id="nope")
    assert [x.name for x in lib.lists.owned_by(teacher)] == ["Physics", "Broken"]  # the list stays, as before
    lib.lists.remove(teacher, wl.id, "t-atom")
    lib.lists.delete(teacher, wl.id)
    with pytest.raises(NotFound):
        lib.lists.shared(wl.token)


def test_reports_and_their_request(lib):
    period, filters = lib.report_request("2026-01", "2026-03", subject="health", type="book")
    assert filters.as_dict() == {"subject": "health", "type": "book"}
    with pytest.raises(BadParameter) as exc:
        lib.report_request("2026-01", "2026-03", subject="no-such")
    assert exc.value.parameter == "subject"
    assert lib.report("collection", period, filters) == reports.collection(lib.store, period, filters)
    assert lib.report("translation", period) == reports.translation(lib.store, period)
    assert lib.report("usage", period) == lib.usage_report(period)
    assert lib.reports(period, filters)[0] == lib.report("collection", period, filters)
    with pytest.raises(NotFound):
        lib.report("nope", period)
    with pytest.raises(BadParameter):
        lib.report("usage", period, library="no-such-library")


def test_oai_keys_use_counts_and_consumers(lib, tmp_path):
    repo = oai.Repository(name="Test", base_url="https://x/oai", admin_email="a@example.org", repository_id="x",
                          work_url=lambda work_id: f"https://x/works/{work_id}", secret_key="a-test-key")
    body = lib.oai_response(repo, {"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"]})
    assert b"oai:x:t-atom" in body and b"oai:x:t-book" in body
    other = keys.identity(tmp_path / "other", "Other").public_key
    assert lib.trust_key(other, "Other") is True and lib.trust_key(other) is False
    assert lib.trusted_keys() == [(keys.parse_public_key(other), "Other")]
    library_id, name = lib.local_library("County")
    assert lib.local_library("County") == (library_id, name)  # made once
    assert lib.use_counter(60.0) is not None
    assert all(len(c) == 3 for c in lib.outbox_consumers())


def test_files_to_send_and_cover_cards(lib, tmp_path):
    editor = lib.accounts.create("ed", "editor", PASSWORD)
    entry = lib.upload("t-book", "bo", io.BytesIO(ms.SRT.encode("utf-8")), "a.srt", None, editor)
    assert lib.media_file(entry.sha256, None) is None  # a draft: not for the public
    found, path = lib.media_file(entry.sha256, editor)
    assert path.read_bytes() == ms.SRT.encode("utf-8") and found.entry.sha256 == entry.sha256
    assert lib.media_file(entry.sha256, editor, "subtitle.vtt") is None  # not made yet
    lib.run_derived_jobs()
    made = lib.work("t-book", public=False).media[-1].info["renditions"]["vtt"].rsplit("/", 1)[-1]
    assert lib.media_file(entry.sha256, editor, made)[1].is_file()
    assert lib.media_file(entry.sha256, editor, "../" + made) is None
    assert lib.media_file("0" * 64, editor) is None

    poster = lib.work("t-poster")  # no picture: a cover card is drawn for it
    width = CARD_WIDTHS[0]
    assert lib.cover_card(poster, width) is None and lib.jobs.counts()["queued"] >= 1  # the worker is asked
    lib.run_derived_jobs()
    key = lib.cover_card(poster, width)
    assert key is not None and lib.card_file(key, width).is_file()
    assert lib.card_file("f" * 64, width) is None


def test_a_bundle_upload_is_imported_from_a_temporary_file_that_does_not_stay(lib, tmp_path):
    out = tmp_path / "all.zip"
    lib.export_bundle(Selection(), out)
    instance = Path(lib.settings["CONTENTLIB_INSTANCE_DIR"])
    with open(out, "rb") as stream:
        report = lib.import_bundle_upload(stream, allow_untrusted=True, actor="admin")
    assert sorted(w.id for w in report.works) == ["t-atom", "t-book", "t-poster"]
    assert report.count("unchanged") == 3  # its own works, again
    with pytest.raises(BundleRefused):
        lib.import_bundle_upload(io.BytesIO(b"not a zip"), allow_untrusted=True)
    assert not list(instance.glob(".bundle-upload-*"))
