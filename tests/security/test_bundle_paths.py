"""A signed bundle's manifest never reaches a path, and a bad one is refused before anything is written (issue 21, 1).

The importer staged files under ``<media>/.tmp/bundle-<bundle_id>`` and removed
that folder when done, so a ``bundle_id`` of ``/../../..`` deleted the home and
``/../../../../victim`` any folder the server could write. Other manifest
fields (a library without id, ``created`` as an object, ``previous`` as a list,
a manifest nested 100,000 deep) crashed late: after the works were committed,
or with a traceback and a 500.
"""

from __future__ import annotations

import io

import pytest

from contentlib import keys
from tests.bundles.helpers import DROP, Home, signed_bundle
from tests.unit import media_samples

WORK = {"id": "w-1", "type": "book", "titles": {"zh": "书"}}
DEEP = (b'{"format": "contentlib-bundle", "version": 1, "library": {"public_key": "x"}, "deep": '
        + b"[" * 100_000 + b"]" * 100_000 + b"}")


def _library(identity, **change):
    library = {"id": identity.id, "name": identity.name, "public_key": identity.public_key, **change}
    return {k: v for k, v in library.items() if v is not DROP}


# name -> (manifest fields, or raw manifest bytes; words the refusal must contain)
BAD_FIELDS = {
    "library without id": (lambda i: {"library": _library(i, id=DROP)}, "library"),
    "library id that is a path": (lambda i: {"library": _library(i, id="../../x")}, "library"),
    "library name as a list": (lambda i: {"library": _library(i, name=["x"])}, "library"),
    "created as an object": (lambda i: {"created": {"at": 1}}, "created"),
    "created not a time": (lambda i: {"created": "yesterday"}, "created"),
    "previous as a list": (lambda i: {"previous": ["a"]}, "previous"),
    "previous that is a path": (lambda i: {"previous": "../../x"}, "previous"),
    "bundle id of dots": (lambda i: {"bundle_id": ".."}, "bundle_id"),
    "bundle id too long": (lambda i: {"bundle_id": "a" * 65}, "bundle_id"),
    "selection as a string": (lambda i: {"selection": "all"}, "selection"),
    "counts with text": (lambda i: {"counts": {"works": "many"}}, "counts"),
    "nested 100,000 deep": (lambda i: DEEP, "nested"),
}


@pytest.fixture
def county(tmp_path):
    """The signing identity of another library (its key made in its own folder)."""
    return keys.identity(tmp_path / "county", name="county")


@pytest.fixture
def school(tmp_path, county):
    home = Home(tmp_path / "school")
    assert home.run("keys", "trust", county.public_key, "--name", "county").exit_code == 0
    yield home
    home.close()


@pytest.fixture
def victim(tmp_path):
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    return folder


def _png(tmp_path) -> bytes:
    return media_samples.make_image(tmp_path / "p.png", "PNG").read_bytes()


def _poster(data: bytes) -> dict:
    import hashlib

    return {"id": "p-1", "type": "poster", "titles": {"zh": "图"},
            "media": [{"path": "p.png", "role": "poster", "sha256": hashlib.sha256(data).hexdigest()}]}


def _home_files(home: Home) -> list:
    """Every file of the home but the database's own (its WAL and SQLite bookkeeping may move)."""
    return sorted(str(p.relative_to(home.root)) for p in home.root.rglob("*")
                  if p.is_file() and not p.name.startswith("contentlib.db"))


def _refused_cleanly(result, words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "refused:" in lines[0] and words in lines[0], result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bundle_id", ["/../../..", "/../../../../victim", "../../../../victim", "a/../../b",
                                       "-rf", ".hidden", "a..b", "名字"])
def test_a_bundle_id_that_is_not_a_plain_name_is_refused_and_nothing_is_touched(
        school, county, victim, tmp_path, bundle_id):
    data = _png(tmp_path)
    bundle = signed_bundle(tmp_path / "evil.zip", county, [_poster(data)], files=[data], bundle_id=bundle_id)
    before, files = school.snapshot(), _home_files(school)
    _refused_cleanly(school.run("bundle", "import", bundle), "bundle_id")
    assert school.snapshot() == before and _home_files(school) == files
    assert (school.root / "contentlib.db").is_file() and (victim / "precious.txt").read_text() == "keep me"
    assert school.run("bundle", "import", signed_bundle(tmp_path / "good.zip", county, [WORK])).exit_code == 0


def test_a_second_bundle_without_media_cannot_delete_through_a_staging_prefix_left_behind(
        school, county, victim, tmp_path):
    (school.root / "media" / ".tmp" / "bundle-").mkdir(parents=True)  # what a first attack left
    bundle = signed_bundle(tmp_path / "evil.zip", county, [WORK], bundle_id="/../../../../victim")
    _refused_cleanly(school.run("bundle", "import", bundle), "bundle_id")
    assert (victim / "precious.txt").read_text() == "keep me" and school.records() == []


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_a_bad_manifest_field_is_refused_before_anything_is_written(school, county, tmp_path, case):
    fields, words = BAD_FIELDS[case]
    made = fields(county)
    extra = {"manifest_bytes": made} if isinstance(made, bytes) else made
    bundle = signed_bundle(tmp_path / "bad.zip", county, [WORK], **extra)
    before, files = school.snapshot(), _home_files(school)
    _refused_cleanly(school.run("bundle", "import", bundle), words)
    assert school.snapshot() == before and _home_files(school) == files and school.records() == []


def test_a_deep_manifest_is_refused_unsigned_and_untrusted(school, tmp_path):
    stranger = keys.identity(tmp_path / "stranger")
    bundle = signed_bundle(tmp_path / "deep.zip", stranger, [WORK], manifest_bytes=DEEP)
    _refused_cleanly(school.run("bundle", "import", bundle), "nested")
    _refused_cleanly(school.run("bundle", "import", bundle, "--allow-untrusted"), "nested")


@pytest.mark.parametrize("case", sorted(BAD_FIELDS) + ["bundle id that climbs out"])
def test_the_admin_page_answers_400_with_the_reason_never_500(app, client, users, auth, tmp_path, case):
    county = keys.identity(tmp_path / "county")
    keys.trust(app.extensions["contentlib"].store, county.public_key, "county")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    data = _png(tmp_path)
    if case == "bundle id that climbs out":
        (fields, words), records = (lambda i: {"bundle_id": "/../../../../victim"}, "bundle_id"), [_poster(data)]
    else:
        (fields, words), records = BAD_FIELDS[case], [WORK]
    made = fields(county)
    extra = {"manifest_bytes": made} if isinstance(made, bytes) else made
    bundle = signed_bundle(tmp_path / "bad.zip", county, records, files=[data] if records != [WORK] else [], **extra)
    auth.login("admin")
    for untrusted in ("", "1"):
        r = auth.post("/admin/bundles", {"bundle": (io.BytesIO(bundle.read_bytes()), "bad.zip"),
                                         "allow_untrusted": untrusted}, content_type="multipart/form-data")
        page = r.get_data(as_text=True)
        assert r.status_code == 400 and words in page, (r.status_code, page[-2000:])
    assert app.extensions["contentlib"].store.count_works() == 0
    assert (victim / "precious.txt").read_text() == "keep me"


def test_a_link_planted_where_the_staging_folder_goes_is_refused(school, county, victim, tmp_path):
    from contentlib.bundles.importer import staging_dir

    data = _png(tmp_path)
    bundle = signed_bundle(tmp_path / "b.zip", county, [_poster(data)], files=[data], bundle_id="b-1")
    staging = staging_dir(school.res.media, "b-1")
    staging.parent.mkdir(parents=True)
    staging.symlink_to(victim, target_is_directory=True)
    result = school.run("bundle", "import", bundle)  # verified first (progress lines), then refused
    assert result.exit_code == 1 and "refused:" in result.output and "leads outside" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"] and school.records() == []


@pytest.mark.parametrize("name, ok", [("abc", True), ("A.b_c-9", True), ("a" * 64, True), ("a" * 65, False),
                                      ("", False), (".x", False), ("-x", False), ("a..b", False), ("a/b", False),
                                      ("..", False), ("名", False), ("a\x00", False), ("a\n", False), (7, False)])
def test_check_name_takes_only_plain_names(name, ok):
    from contentlib import paths

    assert paths.is_name(name) is ok
    if not ok:
        with pytest.raises(paths.PathEscape):
            paths.check_name(name, "id")


def test_inside_refuses_the_root_itself_and_anything_outside_it_links_included(tmp_path):
    from contentlib.paths import PathEscape, inside

    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "out").symlink_to(tmp_path, target_is_directory=True)
    assert inside(root, "sub", "x") == (root / "sub" / "x").resolve()
    for parts in [(), (".",), ("..",), ("sub", "..", ".."), ("/etc",), ("out",), ("out", "victim")]:
        with pytest.raises(PathEscape):
            inside(root, *parts)
