"""`contentlib import`: the merge summary, kept versions per line, and --mirror asking first."""

from contentlib import accounts, workflow
from tests.conftest import DATA, write_jsonl


def invoke(app, args, input=None):
    from catalog.cli import cli

    return app.test_cli_runner().invoke(cli, args=args, input=input)


def test_summary_counts_kept_versions_and_names_their_lines(app, tmp_path):
    assert invoke(app, ["import", str(DATA / "works.jsonl")]).exit_code == 0
    store = app.extensions["contentlib"].store
    ed, rev = accounts.User("ed", "editor"), accounts.User("rev", "reviewer")
    workflow.save_draft(store, ed, "t-book", "bo", {"title": "ཆུ་འཐུང་།"})
    workflow.submit(store, ed, "t-book", "bo")
    workflow.approve(store, rev, "t-book", "bo")
    result = invoke(app, ["import", str(DATA / "works.jsonl")])
    assert result.exit_code == 0
    assert "2: kept newer local version (bo)" in result.output
    assert "0 created, 0 updated, 3 unchanged, 1 kept" in result.output


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
    assert "2 removed" in result.output
    assert store.work_ids() == ["t-book"] and store.get_work("t-book").languages == ["zh"]
    body = app.test_client().get("/api/v1/search").get_json()
    assert body["total"] == 1
    again = invoke(app, ["import", "--mirror", str(one)])
    assert again.exit_code == 0 and "0 created, 0 updated, 1 unchanged, 0 kept, 0 removed" in again.output
