"""Homes with media, and ways to spoil a bundle, for the bundle tests."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path

from tests.conftest import empty_catalog, write_jsonl
from tests.unit import media_samples


class Home:
    """One library home (database, index, media, key) driven through the ``contentlib`` command."""

    def __init__(self, root: Path):
        from catalog import create_app

        root.mkdir(parents=True, exist_ok=True)
        if not (root / "contentlib.db").exists():
            empty_catalog(root / "contentlib.db")
        self.root = root
        self.app = create_app({
            "TESTING": True, "CONTENTLIB_SECRET_KEY": "suite-only-4fJ9x2Qm7LwZ8rKp3VtB", "CONTENTLIB_HOME": str(root),
            "CONTENTLIB_INSTANCE_DIR": str(root), "CONTENTLIB_DATABASE_URL": f"sqlite:///{root / 'contentlib.db'}",
            "CONTENTLIB_INDEX_DIR": str(root / "index"), "CONTENTLIB_MEDIA_DIR": str(root / "media")})
        self.runner = self.app.test_cli_runner()

    @property
    def res(self):
        return self.app.extensions["contentlib"]

    def run(self, *args):
        from catalog.cli import cli

        return self.runner.invoke(cli, args=[str(a) for a in args])

    def env(self) -> dict:
        env = dict(os.environ)
        env["CONTENTLIB_HOME"] = str(self.root)
        for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
            env.pop(name, None)
        return env

    def records(self, ids=None) -> list[dict]:
        """The catalog as export writes it (optionally only some works)."""
        from contentlib.records import work_to_record

        return [work_to_record(w) for w in self.res.store.iter_works() if ids is None or w.id in ids]

    def store_files(self) -> dict[str, str]:
        """Stored originals: sha256 -> sha256 of the bytes actually there."""
        media = self.root / "media"
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in media.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*") if p.is_file()}

    def snapshot(self) -> tuple:
        """Everything a refused import must leave as it was: the catalog, the bundle log, every media path."""
        import sqlalchemy as sa

        from contentlib.tables import bundle_log, trusted_keys

        with self.res.store.engine.connect() as conn:
            log = [tuple(r) for r in conn.execute(sa.select(bundle_log.c.bundle_id, bundle_log.c.direction))]
            trusted = [tuple(r) for r in conn.execute(sa.select(trusted_keys.c.public_key))]
        tree = []
        for dirpath, dirnames, filenames in os.walk(self.root / "media"):
            for name in sorted(dirnames + filenames):
                p = Path(dirpath) / name
                tree.append((str(p.relative_to(self.root)), p.is_dir() or hashlib.sha256(p.read_bytes()).hexdigest()))
        return json.dumps(self.records(), sort_keys=True), sorted(log), sorted(trusted), sorted(tree)

    def close(self):
        self.res.store.close()


def build_source(home: Home, tmp: Path, extra_images: int = 0) -> list[str]:
    """Import works with real files into ``home``; return the ids of the physical-science ones."""
    files = tmp / "src"
    (files / "media").mkdir(parents=True, exist_ok=True)
    media_samples.make_video(files / "media" / "v1.mp4", frames=20)
    media_samples.make_image(files / "media" / "c1.png", "png")
    media_samples.make_pdf(files / "media" / "b1.pdf")
    recs = [
        {"id": "phy-1", "type": "video", "titles": {"bo": media_samples.TIBETAN, "zh": media_samples.CHINESE},
         "subjects": ["physical-science"], "media": [{"path": "media/v1.mp4", "role": "original"},
                                                      {"path": "media/c1.png", "role": "cover"}]},
        {"id": "phy-2", "type": "book", "titles": {"zh": "物理书"}, "subjects": ["physical-science"],
         "media": [{"path": "media/b1.pdf", "role": "original", "lang": "zh"}]},
        {"id": "health-1", "type": "book", "titles": {"zh": "健康"}, "subjects": ["health"],
         "media": [{"path": "media/b1.pdf", "role": "original"}]},
    ]
    for i in range(extra_images):
        noisy(files / "media" / f"n{i}.png", seed=i)
        recs.append({"id": f"phy-img-{i}", "type": "poster", "titles": {"zh": f"图 {i}"},
                     "subjects": ["physical-science"], "media": [{"path": f"media/n{i}.png", "role": "poster"}]})
    path = write_jsonl(files / "catalog.jsonl", recs)
    result = home.run("import", path)
    assert result.exit_code == 0, result.output
    return [r["id"] for r in recs if "physical-science" in r["subjects"]]


def noisy(path: Path, seed: int, side: int = 600) -> Path:
    """A PNG of random pixels (it does not compress: a large file that checks quickly)."""
    import random

    from PIL import Image

    rnd = random.Random(seed)
    Image.frombytes("RGB", (side, side), rnd.randbytes(side * side * 3)).save(path)
    return path


def rewrite(src: Path, dst: Path, change) -> Path:
    """Copy a zip member by member; ``change(info, data)`` returns a list of (info, data) to write instead."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            for new_info, data in change(info, zin.read(info)):
                zout.writestr(new_info, data)
    return dst


def member(name: str, mode: int = 0o100644, compress=zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.compress_type = compress
    return info


def make_ten_second_video(path: Path, size=(640, 480), fps: int = 12) -> Path:
    """A 10-second H.264/AAC MP4 at about 2 Mbit/s: moving gradients with noise, and a tone."""
    import av
    import numpy as np

    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt, v.bit_rate = size[0], size[1], "yuv420p", 2_000_000
        v.codec_context.options = {"preset": "ultrafast"}
        a = out.add_stream("aac", rate=48000, layout="stereo")
        a.bit_rate = 128_000
        for i in range(10 * fps):
            arr = np.zeros((size[1], size[0], 3), np.uint8)
            arr[..., 0] = (np.arange(size[0]) + i * 9) % 256
            arr[..., 1] = (np.arange(size[1])[:, None] + i * 4) % 256
            arr[::2, ::2, 2] = rng.integers(0, 255, (size[1] // 2, size[0] // 2), dtype=np.uint8)
            for p in v.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
                out.mux(p)
        t = 0
        while t < 10 * 48000:
            x = (np.sin(2 * np.pi * 440 * np.arange(t, t + 1024) / 48000) * 0.3).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(np.vstack([x, x]), format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 48000, t
            for p in a.encode(frame):
                out.mux(p)
            t += 1024
        for stream in (v, a):
            for p in stream.encode():
                out.mux(p)
    return path


DROP = object()  # a manifest field that ``signed_bundle`` leaves out


def signed_bundle(path: Path, identity, records, files=(), manifest_bytes: bytes | None = None, **fields) -> Path:
    """A bundle made from scratch and signed by ``identity`` (``keys.identity(home)``), however odd its manifest.

    :param records: the lines of catalog.jsonl; ``files`` the bytes of its media members.
    :param fields: manifest fields to replace (``DROP`` leaves one out); ``manifest_bytes`` replaces it whole.
    """
    catalog = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
    members = [{"name": "catalog.jsonl", "size": len(catalog), "sha256": hashlib.sha256(catalog).hexdigest()}]
    media = {hashlib.sha256(data).hexdigest(): data for data in files}
    members += [{"name": f"media/{sha}", "size": len(data), "sha256": sha} for sha, data in sorted(media.items())]
    manifest = {"format": "contentlib-bundle", "version": 1, "bundle_id": os.urandom(16).hex(),
                "library": {"id": identity.id, "name": identity.name, "public_key": identity.public_key},
                "created": "2024-05-01T08:00:00Z", "selection": {}, "light": False, "previous": None,
                "counts": {"works": len(records), "media": len(media), "bytes": sum(m["size"] for m in members)},
                "members": members}
    for name, value in fields.items():
        if value is DROP:
            manifest.pop(name, None)
        else:
            manifest[name] = value
    body = manifest_bytes if manifest_bytes is not None else json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member("catalog.jsonl"), catalog)
        for sha, data in sorted(media.items()):
            zf.writestr(member(f"media/{sha}"), data)
        zf.writestr(member("manifest.json"), body)
        zf.writestr(member("manifest.sig"), base64.b64encode(identity.sign(body)) + b"\n")
    return path
