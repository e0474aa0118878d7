"""`contentlib import`: the merge summary, kept versions per line, and --mirror asking first."""

from contentlib import accounts, workflow
from tests.conftest import DATA, write_jsonl


def invoke(app, args, input=None):
    from catalog.cli import cli

    return app.test_cli_runner().invoke(cli, args=args, input=input)


def test_summary_says_what_it_counts_and_names_the_works_kept(app, tmp_path):
    assert invoke(app, ["import", str(DATA / "works.jsonl")]).exit_code == 0
    store = app.extensions["contentlib"].store
    ed, rev = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
    workflow.save_draft(store, ed, "t-book", "bo", {"title": "ཆུ་འཐུང་།"})
    workflow.submit(store, ed, "t-book", "bo")
    workflow.approve(store, rev, "t-book", "bo")
    result = invoke(app, ["import", str(DATA / "works.jsonl")])
    assert result.exit_code == 0
    assert "t-book (line 2): kept newer local version (bo)" in result.output
    # Works and versions are counted apart, and each count says which.
    assert "0 created, 0 updated, 3 unchanged (3 works); 1 newer local version kept" in result.output


def test_mirror_prints_what_it_would_remove_and_asks(app, tmp_path):
    assert invoke(app, ["import", str(DATA / "works.jsonl")]).exit_code == 0
    store = app.extensions["contentlib"].store
    one = write_jsonl(tmp_path / "one.jsonl", [{"id": "t-book", "type": "book", "titles": {"zh": "高原饮水卫生"}}])
    result = invoke(app, ["import", "--mirror", str(one)], input="n\n")
    assert result.exit_code == 1
    assert "remove work t-atom" in result.output and "remove version t-book (en)" in result.output
    assert "nothing was changed" in result.output
    assert store.work_ids() == ["t-atom", "t-book", "t-poster"]
    result = invoke(app, ["import", "--mirror", str(one)])  # no one to answer: no
    assert result.exit_code == 1 and store.count_works() == 3
    result = invoke(app, ["import", "--mirror", "--yes", str(one)])
    assert result.exit_code == 0, result.output
    assert "; 2 work(s) removed" in result.output
    assert store.work_ids() == ["t-book"] and store.get_work("t-book").languages == ["zh"]
    body = app.test_client().get("/api/v1/search").get_json()
    assert body["total"] == 1
    again = invoke(app, ["import", "--mirror", str(one)])
    assert again.exit_code == 0
    assert "0 created, 0 updated, 1 unchanged (1 work); 0 newer local versions kept; 0 work(s) removed" in again.output


def _media_folder(tmp_path):
    from tests.unit import media_samples as ms

    folder = tmp_path / "src"
    (folder / "media").mkdir(parents=True)
    ms.make_video(folder / "media" / "clip.mp4")
    ms.make_pdf(folder / "media" / "leaflet.pdf")
    rec = {"id": "m-clip", "type": "video", "titles": {"zh": "原子"},
           "media": [{"path": "media/clip.mp4", "role": "original"},
                     {"path": "media/leaflet.pdf", "role": "document", "lang": "zh"}]}
    return folder, write_jsonl(folder / "works.jsonl", [rec])


def test_importing_the_same_files_again_does_not_check_them_again(app, tmp_path, monkeypatch):
    """What `make run` does each time (contentlib demo): files stored with the same size and hash are not re-parsed."""
    import contentlib.media.store as media_store

    parsed = []
    real_inspect = media_store.inspect
    monkeypatch.setattr(media_store, "inspect", lambda path, limits=None: parsed.append(path) or real_inspect(path, limits))
    folder, works = _media_folder(tmp_path)
    assert invoke(app, ["import", str(works)]).exit_code == 0
    assert len(parsed) == 2
    lib = app.extensions["contentlib"]
    before = {m.sha256: m for m in lib.store.get_work("m-clip").media}
    parsed.clear()
    result = invoke(app, ["import", str(works)])
    assert result.exit_code == 0 and "0 created, 0 updated, 1 unchanged" in result.output
    assert parsed == []  # neither copied nor parsed: the stored facts stand
    assert {m.sha256: m for m in lib.store.get_work("m-clip").media} == before
    assert not list((lib.media.root / ".tmp").glob("put-*"))
    # A changed file is checked; so is one whose stored copy went missing (it is stored again).
    from tests.unit import media_samples as ms

    ms.make_pdf(folder / "media" / "leaflet.pdf", pages=3)
    gone = lib.media.path(next(sha for sha, m in before.items() if m.role == "original"))
    gone.unlink()
    result = invoke(app, ["import", str(works)])
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    assert len(parsed) == 2 and gone.is_file()
    # Today's limits still apply to a file checked before: over one, the import is refused whole.
    from contentlib.media import Limits

    lib.limits = Limits(video_bytes=100)
    result = invoke(app, ["import", str(works)])
    assert result.exit_code == 1 and "too large" in result.output and "nothing was imported" in result.output


def test_a_rerun_finds_every_work_finished_and_starts_no_work(app, tmp_path):
    from contentlib import attachments

    _folder, works = _media_folder(tmp_path)
    assert invoke(app, ["import", "--cover-cards", str(works)]).exit_code == 0
    assert invoke(app, ["import", "--cover-cards", str(DATA / "works.jsonl")]).exit_code == 0
    lib = app.extensions["contentlib"]
    ids = lib.store.work_ids()
    assert attachments.unfinished(lib.store, lib.media, ids) == []
    poster = lib.store.get_work("t-poster")  # no file: its cover card is its picture
    for path in attachments.card_paths(lib.media, attachments.card_key(poster)).values():
        path.unlink()
    assert attachments.unfinished(lib.store, lib.media, ids) == ["t-poster"]
