"""Signed bundles between two real homes: subset export, trusted import, idempotence, --since, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
import zipfile

import pytest
import sqlalchemy as sa

from contentlib.tables import usage_daily
from tests.bundles.helpers import Home, build_source, member, rewrite


@pytest.fixture
def homes(tmp_path):
    src, dst = Home(tmp_path / "county"), Home(tmp_path / "school")
    yield src, dst
    src.close()
    dst.close()


@pytest.fixture
def bundle(homes, tmp_path):
    """A physical-science bundle from a home with media, and the importing home trusting its key."""
    src, dst = homes
    subset = build_source(src, tmp_path)
    out = tmp_path / "physics.zip"
    result = src.run("bundle", "export", out, "--subject", "physical-science")
    assert result.exit_code == 0, result.output
    key = src.run("keys", "show").output.strip()
    assert dst.run("keys", "trust", key, "--name", "county").exit_code == 0
    return out, subset


def test_keys_are_made_once_private_and_trusted_keys_are_listed(homes):
    src, dst = homes
    key = src.run("keys", "show").output.strip()
    assert len(key) == 44 and src.run("keys", "show").output.strip() == key  # made once
    assert stat.S_IMODE((src.root / "library_key.json").stat().st_mode) == 0o600
    assert dst.run("keys", "trust", key, "--name", "县科技馆").exit_code == 0
    assert dst.run("keys", "list").output == f"{key}\t县科技馆\n"
    bad = dst.run("keys", "trust", "not-a-key")
    assert bad.exit_code == 1 and "Ed25519" in bad.output


def test_subset_round_trip_gives_the_same_works_and_files_and_a_second_import_changes_nothing(homes, bundle):
    src, dst = homes
    out, subset = bundle
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert names[0] == "catalog.jsonl" and names[-2:] == ["manifest.json", "manifest.sig"]
    assert manifest["counts"]["works"] == 2 and manifest["selection"] == {"subject": ["physical-science"]}
    assert {m["name"] for m in manifest["members"]} == set(names) - {"manifest.json", "manifest.sig"}
    with src.res.store.engine.connect() as conn:  # the export is counted per work, for the use reports
        counted = {r.work_id: r.count for r in conn.execute(
            sa.select(usage_daily).where(usage_daily.c.kind == "export_bundle"))}
    assert counted == {work_id: 1 for work_id in subset}
    result = dst.run("bundle", "import", out)
    assert result.exit_code == 0, result.output
    assert "phy-1\tcreated" in result.output and "2 created" in result.output
    assert dst.records() == src.records(subset)
    shas = {m["sha256"] for r in src.records(subset) for m in r.get("media", [])}
    assert dst.store_files() == {sha: sha for sha in shas}
    assert not (dst.root / "media" / ".tmp").exists()
    before = dst.snapshot()
    again = dst.run("bundle", "import", out)
    assert again.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in again.output
    assert "0 file(s) copied" in again.output
    assert dst.snapshot() == before
    body = dst.app.test_client().get("/api/v1/search?q=物理书").get_json()
    assert [r["id"] for r in body["results"]] == ["phy-2"]  # the index was brought up to date


def test_since_carries_only_what_changed_and_names_the_previous_bundle(homes, bundle, tmp_path):
    src, dst = homes
    out, _ = bundle
    first = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    from contentlib.store import versions, works

    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    with src.res.store.transaction() as conn:  # everything so far was changed long ago ...
        conn.execute(works.update().values(updated_at=long_ago))
        conn.execute(versions.update().values(updated_at=long_ago))
    from tests.conftest import write_jsonl
    changed = write_jsonl(tmp_path / "change.jsonl", [{"id": "phy-2", "type": "book", "titles": {"zh": "物理书（新版）"},
                                                       "subjects": ["physical-science"]}])
    assert src.run("import", changed).exit_code == 0  # ... and one work changes now
    inc = tmp_path / "since.zip"
    result = src.run("bundle", "export", inc, "--since", dt.date.today().isoformat())
    assert result.exit_code == 0, result.output
    manifest = json.loads(zipfile.ZipFile(inc).read("manifest.json"))
    assert manifest["counts"]["works"] == 1 and manifest["previous"] == first["bundle_id"]
    assert [json.loads(line)["id"] for line in zipfile.ZipFile(inc).read("catalog.jsonl").splitlines()] == ["phy-2"]
    assert dst.run("bundle", "import", out).exit_code == 0
    result = dst.run("bundle", "import", inc)
    assert result.exit_code == 0 and "phy-2\tupdated" in result.output and "1 updated" in result.output
    assert dst.res.store.get_work("phy-2").versions["zh"].title == "物理书（新版）"


def _zip_slip(info, data):
    return [(info, data)] + ([(member("../escaped.txt"), b"x")] if info.filename == "catalog.jsonl" else [])


def _absolute(info, data):
    return [(info, data)] + ([(member("/tmp/absolute.txt"), b"x")] if info.filename == "catalog.jsonl" else [])


def _symlink(info, data):
    return [(info, data)] + ([(member("media/link", 0o120777), b"/etc/passwd")] if info.filename == "catalog.jsonl" else [])


def _bomb(info, data):
    extra = [(member("bomb.bin", compress=zipfile.ZIP_DEFLATED), bytes(20 * 2 ** 20))]
    return [(info, data)] + (extra if info.filename == "catalog.jsonl" else [])


def _tamper_member(info, data):
    if info.filename.startswith("media/") and len(data) > 100:
        data = data[:50] + bytes([data[50] ^ 0xFF]) + data[51:]
    return [(info, data)]


def _tamper_manifest(info, data):
    if info.filename == "manifest.json":
        data = data.replace(b'"physical-science"', b'"health"')
    return [(info, data)]


def _duplicate(info, data):
    return [(info, data)] * (2 if info.filename == "catalog.jsonl" else 1)


def _unlisted(info, data):
    return [(info, data)] + ([(member("media/" + "0" * 64), b"x")] if info.filename == "catalog.jsonl" else [])


HOSTILE = {"zip-slip": (_zip_slip, "'..'"), "absolute path": (_absolute, "absolute"),
           "symlink": (_symlink, "symbolic link"), "bomb": (_bomb, "zip bomb"),
           "tampered member": (_tamper_member, "checksum"), "tampered manifest": (_tamper_manifest, "signature"),
           "duplicate name": (_duplicate, "twice"), "not in manifest": (_unlisted, "not in the manifest")}


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_each_hostile_bundle_is_refused_and_the_home_is_byte_identical(homes, bundle, tmp_path):
    src, dst = homes
    out, _ = bundle
    cases = {name: rewrite(out, tmp_path / f"{i}.zip", change) for i, (name, (change, _)) in enumerate(HOSTILE.items())}
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    cases["truncated"] = truncated
    stranger = Home(tmp_path / "stranger")
    build_source(stranger, tmp_path / "s")
    cases["unknown signer"] = tmp_path / "stranger.zip"
    assert stranger.run("bundle", "export", cases["unknown signer"]).exit_code == 0
    stranger.close()
    expected = {name: text for name, (_, text) in HOSTILE.items()}
    expected.update({"truncated": "truncated", "unknown signer": "not trusted"})

    for _state in ("empty", "with the bundle imported"):
        before = dst.snapshot()
        refused = 0
        for name, path in cases.items():
            result = dst.run("bundle", "import", path)
            assert result.exit_code == 1, (name, result.output)
            assert "refused:" in result.output and expected[name] in result.output, (name, result.output)
            assert dst.snapshot() == before, name
            refused += 1
        assert refused == 10
        assert dst.run("bundle", "import", out).exit_code == 0


def test_limits_refuse_too_many_members_and_too_many_bytes(homes, bundle):
    src, dst = homes
    out, _ = bundle
    dst.app.config["CONTENTLIB_BUNDLE_LIMITS"] = {"max_members": 3}
    result = dst.run("bundle", "import", out)
    assert result.exit_code == 1 and "too many members" in result.output
    dst.app.config["CONTENTLIB_BUNDLE_LIMITS"] = {"max_bytes": 1000}
    result = dst.run("bundle", "import", out)
    assert result.exit_code == 1 and "unpacks to" in result.output
    assert dst.records() == []


def test_an_untrusted_but_valid_bundle_imports_with_allow_untrusted(homes, tmp_path):
    src, dst = homes
    build_source(src, tmp_path)
    out = tmp_path / "all.zip"
    assert src.run("bundle", "export", out).exit_code == 0
    result = dst.run("bundle", "import", out, "--allow-untrusted")
    assert result.exit_code == 0, result.output
    assert "not trusted" in result.output and "3 created" in result.output


def test_a_signed_bundle_whose_file_fails_the_content_check_is_refused_without_a_trace(homes, tmp_path):
    from contentlib.bundles import export
    from contentlib.model import MediaEntry, Version, Work
    from contentlib.records import work_to_record

    src, dst = homes
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)  # says MP4, is not one
    sha = hashlib.sha256(junk.read_bytes()).hexdigest()
    work = Work(id="bad-1", type="video", versions={"zh": Version("zh", "坏文件")},
                media=[MediaEntry(path="media/junk.mp4", role="original", sha256=sha, size=junk.stat().st_size)])
    plan = export.Plan(selection={}, light=False, works=1, files={sha: (junk, junk.stat().st_size)})
    plan.lines = [(json.dumps(work_to_record(work), ensure_ascii=False) + "\n").encode()]
    me = src.app.extensions["contentlib"].identity()
    out = tmp_path / "junk.zip"
    export.write(plan, out, me)
    assert dst.run("keys", "trust", me.public_key).exit_code == 0
    before = dst.snapshot()
    result = dst.run("bundle", "import", out)
    assert result.exit_code == 1 and "is refused" in result.output, result.output
    assert dst.snapshot() == before and not (dst.root / "media").exists()


def test_a_version_edited_here_is_kept_local_when_the_same_bundle_comes_again(homes, bundle):
    from contentlib import accounts, workflow

    src, dst = homes
    out, _ = bundle
    assert dst.run("bundle", "import", out).exit_code == 0
    store = dst.res.store
    editor = accounts.create_user(store, "ed", "editor", "correct horse battery")
    reviewer = accounts.create_user(store, "rev", "reviewer", "correct horse battery")
    workflow.save_draft(store, editor, "phy-2", "zh", {"title": "本馆修改的物理书", "description": "", "keywords": []})
    workflow.submit(store, editor, "phy-2", "zh")
    workflow.approve(store, reviewer, "phy-2", "zh")
    result = dst.run("bundle", "import", out)
    assert result.exit_code == 0, result.output
    assert "phy-2\tunchanged\tkept local: zh" in result.output and "1 kept local" in result.output
    assert store.get_work("phy-2").versions["zh"].title == "本馆修改的物理书"  # never downgraded


def test_export_into_a_missing_folder_is_a_one_line_error(homes, tmp_path):
    src, _ = homes
    result = src.run("bundle", "export", tmp_path / "no-such-folder" / "x.zip")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {tmp_path / 'no-such-folder' / 'x.zip'}: the folder "
                                                  f"{tmp_path / 'no-such-folder'} does not exist"]
