"""MediaStore: content-addressed, atomic, and leaves nothing behind on refusal."""

import hashlib
import os
import stat

import pytest

from contentlib.errors import MediaRejected
from contentlib.media import Limits, MediaStore
from tests.unit import media_samples as ms


def all_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def store(tmp_path):
    return MediaStore(tmp_path / "store")


def test_put_keeps_file_under_its_sha256(store, tmp_path):
    src = tmp_path / "note.txt"
    src.write_bytes(b"hello media")
    sha = hashlib.sha256(b"hello media").hexdigest()
    stored = store.put(src)
    assert (stored.sha256, stored.size) == (sha, 11)
    assert store.path(sha) == store.root / sha[:2] / sha[2:4] / sha
    assert store.path(sha).read_bytes() == b"hello media"
    assert store.exists(sha)
    assert all_files(store.root) == [f"{sha[:2]}/{sha[2:4]}/{sha}"]  # no temp file left


def test_put_never_modifies_the_original_and_stored_file_is_read_only(store, tmp_path):
    src = ms.make_image(tmp_path / "p.jpg", "JPEG", exif_text="Photographer")
    before = src.read_bytes(), src.stat().st_mtime_ns
    stored = store.put(src)
    assert (src.read_bytes(), src.stat().st_mtime_ns) == before
    assert store.path(stored.sha256).read_bytes() == before[0]
    assert not store.path(stored.sha256).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_put_twice_is_one_file(store, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    assert store.put(a) == store.put(b)
    assert len(all_files(store.root)) == 1


def test_failed_put_leaves_no_temp_file(store, tmp_path):
    with pytest.raises(FileNotFoundError):
        store.put(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        store.put(tmp_path)
    assert all_files(store.root) == []


def test_delete_removes_file_and_derived(store, tmp_path):
    src = tmp_path / "x"
    src.write_bytes(b"x")
    sha = store.put(src).sha256
    derived = store.derived_dir(sha)
    derived.mkdir(parents=True)
    (derived / "thumb-160.jpg").write_bytes(b"t")
    assert store.delete(sha) is True
    assert not store.exists(sha) and not derived.exists()
    assert not (store.root / sha[:2]).exists()
    assert store.delete(sha) is False


def test_delete_keeps_neighbours(store, tmp_path):
    shas = []
    for i in range(2):
        src = tmp_path / f"f{i}"
        src.write_bytes(b"content %d" % i)
        shas.append(store.put(src).sha256)
    store.delete(shas[0])
    assert store.exists(shas[1])


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "../" + "a" * 61, "g" * 64, None])
def test_bad_sha256_is_refused(store, bad):
    with pytest.raises(ValueError):
        store.path(bad)


def test_ingest_checks_then_stores(store, tmp_path):
    src = ms.make_video(tmp_path / "clip.mp4")
    info, stored = store.ingest(src)
    assert info.kind == "video" and info.format == "mp4"
    assert store.path(stored.sha256).read_bytes() == src.read_bytes()
    assert stored.size == info.size


def _hostile(kind, d):
    if kind == "html-as-png":
        (d / "x.png").write_bytes(ms.HTML)
        return d / "x.png"
    if kind == "svg-script":
        (d / "x.svg").write_bytes(ms.SVG)
        return d / "x.svg"
    if kind == "png-bomb":
        return ms.make_png_bomb_header(d / "bomb.png")
    if kind == "truncated-jpeg":
        return ms.make_truncated_jpeg(d / "half.jpg")
    if kind == "epub-xxe":
        return ms.make_epub(d / "xxe.epub", xxe=True)
    if kind == "pdf-cycle":
        return ms.make_cyclic_pdf(d / "cycle.pdf")
    if kind == "mpeg4-mp4":
        return ms.make_video(d / "old.mp4", codec="mpeg4")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["html-as-png", "svg-script", "png-bomb", "truncated-jpeg",
                                  "epub-xxe", "pdf-cycle", "mpeg4-mp4"])
def test_refused_ingest_leaves_nothing(store, tmp_path, kind):
    src = _hostile(kind, tmp_path)
    original = src.read_bytes()
    with pytest.raises(MediaRejected):
        store.ingest(src)
    assert all_files(store.root) == []
    assert not (store.root / "derived").exists()
    assert src.read_bytes() == original


def test_refused_for_size_leaves_nothing(store, tmp_path):
    src = ms.make_image(tmp_path / "p.png", "PNG")
    with pytest.raises(MediaRejected, match="too large"):
        store.ingest(src, Limits(image_bytes=10))
    assert all_files(store.root) == []


def test_stored_path_is_independent_of_name(store, tmp_path):
    a = ms.make_image(tmp_path / "ལྟེ་ཉིང.png", "PNG")
    info, stored = store.ingest(a)
    assert store.path(stored.sha256).name == stored.sha256
    assert os.path.basename(str(store.path(stored.sha256))).isascii()


def test_sweep_temp_removes_only_old_leftovers(store, tmp_path):
    store.tmp_dir.mkdir(parents=True)
    old = store.tmp_dir / "put-crashed"
    old.write_bytes(b"partial")
    os.utime(old, (1, 1))
    fresh = store.tmp_dir / "put-in-progress"
    fresh.write_bytes(b"partial")
    work = store.root / "derived" / ".abc-crashed"
    work.mkdir(parents=True)
    os.utime(work, (1, 1))
    assert store.sweep_temp(older_than=60) == 2
    assert not old.exists() and not work.exists() and fresh.exists()


def test_sweep_temp_removes_at_once_what_a_killed_process_left(store):
    """A writer killed a moment ago leaves a fresh temp name tagged with its pid: no need to wait an hour."""
    import subprocess
    import sys

    from contentlib.media._files import owner_tag

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_tag = owner_tag().replace(f".{os.getpid()}~", f".{gone.stdout.strip()}~")
    store.tmp_dir.mkdir(parents=True)
    killed = store.tmp_dir / f"put-{dead_tag}-x1"
    killed.write_bytes(b"partial")
    mine = store.tmp_dir / f"put-{owner_tag()}-x2"  # this process is alive: still writing
    mine.write_bytes(b"partial")
    light = store.root / "derived" / ("a" * 64) / f".light-{dead_tag}-x3.mp4"
    light.parent.mkdir(parents=True)
    light.write_bytes(b"partial")
    assert store.sweep_temp(older_than=3600) == 2
    assert not killed.exists() and not light.exists() and mine.exists()
