"""An import streams its file (issue 22, item 6): two passes, all or nothing, memory that does not grow.

The first pass checks every line and keeps only a few facts per line; the second
reads the file again and writes it a batch at a time in one transaction. These
files are longer than one batch (``_BATCH``), so a failure in the second pass
comes after batches were already written inside the transaction.
"""

from __future__ import annotations

import hashlib
import weakref

import pytest

from contentlib import attachments, records
from contentlib.errors import InvalidRecord
from contentlib.media.store import MediaStore
from contentlib.model import WORK_TYPES
from contentlib.storage import works as works_module
from tests.conftest import write_jsonl
from tests.unit import media_samples

N = 2 * works_module._BATCH + 100


def _records(n=N):
    return [{"id": f"s-{i:05d}", "type": "book", "titles": {"zh": f"书{i}", "bo": f"དཔེ་ཆ་{i}"}} for i in range(n)]


def _between_passes(monkeypatch, change):
    """Call ``change()`` once the first pass (and the check of the files) is over, before the second pass."""
    check = records._check_files

    def then_change(*args, **kwargs):
        check(*args, **kwargs)
        change()

    monkeypatch.setattr(records, "_check_files", then_change)


def test_an_invalid_line_late_in_a_long_file_writes_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "late.jsonl", [*_records(), {"id": "bad", "type": "film", "titles": {"zh": "x"}}])
    with pytest.raises(InvalidRecord) as info:
        records.import_file(store, path)
    assert info.value.problems == [(str(N + 1), f"type: unknown type 'film'; expected one of {', '.join(WORK_TYPES)}")]
    assert store.count_works() == 0 and store.last_seq() == 0


@pytest.mark.parametrize("how", ["same length", "broken", "one more line"])
def test_a_file_changed_between_the_passes_is_refused_and_nothing_is_written(store, tmp_path, monkeypatch, how):
    path = write_jsonl(tmp_path / "moving.jsonl", _records())
    text = path.read_text(encoding="utf-8")

    def change():
        if how == "same length":  # still valid, so only the digest of the whole tells
            path.write_text(text.replace(f"书{N - 1}", f"册{N - 1}"), encoding="utf-8")
        elif how == "broken":
            path.write_text(text.replace(f'"s-{N - 1:05d}"', '"s bad"'), encoding="utf-8")
        else:
            path.write_text(text + '{"id": "new", "type": "book", "titles": {"zh": "新"}}\n', encoding="utf-8")

    _between_passes(monkeypatch, change)
    with pytest.raises(InvalidRecord) as info:
        records.import_file(store, path)
    assert info.value.problems == [("file", "moving.jsonl changed while it was being imported; import it again")]
    assert store.count_works() == 0 and store.last_seq() == 0


def test_a_changed_file_stores_none_of_its_media(store, tmp_path, monkeypatch):
    media = MediaStore(tmp_path / "media")
    media_samples.make_image(tmp_path / "cover.png", "PNG")
    sha = hashlib.sha256((tmp_path / "cover.png").read_bytes()).hexdigest()
    recs = _records()
    recs[-1]["media"] = [{"path": "cover.png", "role": "cover"}]
    path = write_jsonl(tmp_path / "m.jsonl", recs)
    _between_passes(monkeypatch, lambda: path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8"))
    with pytest.raises(InvalidRecord):
        records.import_file(store, path, ingest=attachments.ingester(media))
    assert store.count_works() == 0 and not media.exists(sha)
    monkeypatch.undo()
    report = records.import_file(store, path, ingest=attachments.ingester(media))
    assert report.created == N and media.exists(sha)
    assert [m.path for m in store.get_work(recs[-1]["id"]).media] == ["cover.png"]


def test_importing_the_same_long_file_again_changes_nothing(store, tmp_path):
    path = write_jsonl(tmp_path / "same.jsonl", [*_records(), "{oops"])
    first = records.import_file(store, path, skip_invalid=True)
    assert (first.created, first.updated, first.unchanged) == (N, 0, 0)
    assert first.work_ids == [r["id"] for r in _records()]
    seq, work = store.last_seq(), store.get_work("s-00007")
    again = records.import_file(store, path, skip_invalid=True)
    assert (again.created, again.updated, again.unchanged, again.kept) == (0, 0, N, 0)
    assert [p.line for p in again.problems] == [N + 1]
    assert store.last_seq() == seq and store.get_work("s-00007") == work


def test_the_second_pass_holds_a_batch_of_works_not_the_file(store, tmp_path, monkeypatch):
    alive, most = [0], [0]
    stream = records._works

    def gone():
        alive[0] -= 1

    def watched(*args, **kwargs):
        for work in stream(*args, **kwargs):
            weakref.finalize(work, gone)
            alive[0] += 1
            most[0] = max(most[0], alive[0])
            yield work

    monkeypatch.setattr(records, "_works", watched)
    report = records.import_file(store, write_jsonl(tmp_path / "long.jsonl", _records(4 * works_module._BATCH)))
    assert report.created == 4 * works_module._BATCH
    assert most[0] <= 2 * works_module._BATCH


def test_mirror_plans_from_a_stream_and_removes_what_the_file_lacks(store, tmp_path):
    records.import_file(store, write_jsonl(tmp_path / "all.jsonl", [*_records(), {"id": "gone", "type": "book",
                                                                                  "titles": {"zh": "旧"}}]))
    seen = []

    def confirm(plan):
        seen.append(plan.lines())
        return True

    report = records.import_file(store, write_jsonl(tmp_path / "fewer.jsonl", _records()), mirror=True, confirm=confirm)
    assert seen == [["remove work gone"]] and report.removed == ["gone"]
    assert store.count_works() == N and report.unchanged == N


def test_an_import_learns_the_memory_but_leaves_the_fuzzy_index_to_the_first_look_up(db_url, tmp_path):
    from contentlib.library import Library
    from contentlib.settings import defaults
    from contentlib.translation import memory

    home = tmp_path / "home"
    home.mkdir()
    lib = Library.from_settings(defaults({"CONTENTLIB_HOME": str(home), "CONTENTLIB_DATABASE_URL": db_url}))
    try:
        lib.import_file(write_jsonl(tmp_path / "pair.jsonl", [
            {"id": "m-air", "type": "book", "titles": {"zh": "空气", "bo": "རླུང་"},
             "descriptions": {"zh": "冰是固体。空气是气体。", "bo": "འཁྱག་རོམ་ནི་སྲ་རྫས་རེད། རླུང་ནི་རླངས་རྫས་ཡིན།"}}]))
        assert lib.store.memory_counts()["pairs"] > 0
        assert lib.translation.index._snap is memory._EMPTY  # a command would build it only to exit
        (near,) = [s for s in memory.lookup(lib.store, "冰是固体呀。", "zh", "bo", index=lib.translation.index)]
        assert near.target == "འཁྱག་རོམ་ནི་སྲ་རྫས་རེད།" and 0.6 <= near.similarity < 1
        assert lib.translation.index._snap is not memory._EMPTY
    finally:
        lib.close()
