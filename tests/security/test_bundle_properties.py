"""Keep it closed: property-based tests of the bundle manifest (issue 21, item 1), in test_properties' style.

Any manifest, signed by a trusted key, is either imported or refused with
``BundleRefused`` (never another exception), and a refused one writes nothing:
no work, no log entry, no file or folder under the media store. The manifest's
own reader refuses any bytes or JSON value the same way.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contentlib import attachments, keys
from contentlib.bundles import BundleRefused, importer, manifest
from contentlib.bundles.format import BundleLimits
from contentlib.media import MediaStore
from contentlib.store import Store
from tests.bundles.helpers import signed_bundle
from tests.unit import media_samples

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IMPORTS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30)
# Strings an attacker tries where a name goes: paths, dots, empty, long, non-ASCII.
path_like = st.sampled_from(["/../../../victim", "/../../..", "../x", "a/b", "..", ".", "", "a" * 65, "-x", ".x",
                             "a..b", "名字", "ok-name", "0123abc", "a\x00b", "C:\\x"]) | st.text(max_size=70)
DROP = object()
ATTACKS = [{"bundle_id": "/../../../victim"}, {"library.id": DROP}, {"created": {"at": 1}}, {"previous": ["a"]},
           {"library.id": "../../x"}, {"bundle_id": ".."}]


@st.composite
def changes(draw):
    """One or two of the manifest's fields replaced by something hostile, or dropped."""
    names = draw(st.sets(st.sampled_from(["bundle_id", "library.id", "library.name", "created", "previous",
                                          "selection", "light", "counts"]), min_size=1, max_size=2))
    return {n: draw(path_like | json_values | st.just(DROP)) for n in sorted(names)}


def _manifest(identity, bundle_id: str, change: dict) -> dict:
    library = {"id": identity.id, "name": identity.name, "public_key": identity.public_key}
    fields = {"bundle_id": bundle_id, "library": library, "created": "2024-05-01T08:00:00Z", "previous": None,
              "selection": {}, "light": False, "counts": {"works": 1}}
    for name, value in change.items():
        target, key = (library, name[len("library."):]) if name.startswith("library.") else (fields, name)
        if value is DROP:
            target.pop(key, None)
        else:
            target[key] = value
    return fields


def _tree(root: Path) -> list:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    folder = tmp_path_factory.mktemp("manifests")
    store = Store.from_url(f"sqlite:///{folder / 'c.db'}")
    identity = keys.identity(folder / "county")
    keys.trust(store, identity.public_key, "county")
    png = media_samples.make_image(folder / "p.png", "PNG").read_bytes()
    yield folder, store, MediaStore(folder / "home" / "media"), identity, png
    store.close()


def test_random_manifests_are_imported_or_refused_and_a_refusal_writes_nothing(place):
    folder, store, media, identity, png = place
    victim = folder / "home" / "victim"  # where ``/../../../victim`` led from <media>/.tmp/bundle-
    victim.mkdir(parents=True, exist_ok=True)
    (victim / "keep").write_text("x")
    work = {"id": "p-1", "type": "poster", "titles": {"zh": "图"},
            "media": [{"path": "p.png", "role": "poster", "sha256": hashlib.sha256(png).hexdigest()}]}

    @IMPORTS
    @given(changes(), st.uuids())
    def run(change, uuid):
        (media.tmp_dir / "bundle-").mkdir(parents=True, exist_ok=True)  # a first attack's staging prefix
        if store.has_work("p-1"):  # so that each example stages its file again
            attachments.delete_work(store, media, "p-1")
        fields = _manifest(identity, uuid.hex, change)
        path = signed_bundle(folder / "b.zip", identity, [work], files=[png], **fields)
        before = (store.work_ids(), _log(store), _tree(media.root))
        try:
            importer.import_bundle(store, media, path)
        except BundleRefused as exc:
            assert "\n" not in str(exc)
            assert (store.work_ids(), _log(store), _tree(media.root)) == before
        assert (victim / "keep").is_file() and (folder / "c.db").is_file()

    for attack in ATTACKS:
        run = example(attack, UUID(int=1))(run)
    run()


def _log(store) -> list:
    import sqlalchemy as sa

    from contentlib.tables import bundle_log

    with store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(bundle_log.c.bundle_id, bundle_log.c.direction)))


@SETTINGS
@given(st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode())
       | st.dictionaries(st.sampled_from(["format", "version", "library", "bundle_id", "members", "created",
                                          "previous", "selection", "light", "counts"]), json_values)
       .map(lambda d: json.dumps({"format": "contentlib-bundle", "version": 1,
                                  "library": {"public_key": "k"}, **d}).encode()))
def test_the_manifest_reader_raises_only_bundle_refused(data):
    limits = BundleLimits(max_manifest_bytes=10_000)
    try:
        parsed = manifest.parse(data, limits)
        manifest.check(parsed, limits)
    except BundleRefused:
        pass
