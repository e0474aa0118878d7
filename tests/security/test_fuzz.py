"""Coverage-guided fuzzing (atheris) of record parsing, media checks, bundle verification, bundle manifests,
OAI tokens, interface strings and the EPUB reader.

Each target runs in its own process (libFuzzer exits when done) for a bounded
time; any exception other than the target's documented refusal fails the test
with libFuzzer's report. The executions are printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.unit import media_samples as ms

pytest.importorskip("atheris")
ROOT = Path(__file__).resolve().parents[2]
SECONDS = {"records": 8, "media": 12, "bundle": 6, "manifest": 5, "oai": 5, "interface": 4, "reader": 6}  # about 45 s


def _records_corpus(folder: Path) -> None:
    for i, line in enumerate(DATA.joinpath("works.jsonl").read_text("utf-8").splitlines()):
        (folder / f"line-{i}").write_text(line, "utf-8")
    (folder / "deep").write_text("[" * 40)


def _media_corpus(folder: Path) -> None:
    for fmt, suffix in (("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")):
        ms.make_image(folder / f"a.{suffix}", fmt, size=(16, 12))
    # No PDF seed: the PDF check runs in a child process (about a second each); tests/unit covers PDFs.
    (folder / "a.srt").write_text(ms.SRT, "utf-8")
    (folder / "a.vtt").write_text(ms.VTT, "utf-8")
    ms.make_video(folder / "a.mp4", size=(16, 16), frames=2)
    ms.make_epub(folder / "a.epub")
    (folder / "a.svg").write_bytes(ms.SVG)


def _bundle_corpus(folder: Path) -> None:
    with zipfile.ZipFile(folder / "a.zip", "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "contentlib-bundle", "version": 1,
                                                 "library": {"public_key": "x"}, "members": {}}))
        zf.writestr("manifest.sig", "AAAA")
        zf.writestr("records.jsonl", DATA.joinpath("works.jsonl").read_text("utf-8"))


def _manifest_corpus(folder: Path) -> None:
    """Valid manifests as ``bundle export`` writes them (a first one, an incremental one with media), and a deep one."""
    member = {"name": "catalog.jsonl", "size": 120, "sha256": "a" * 64}
    media = {"name": "media/" + "b" * 64, "size": 5000, "sha256": "b" * 64}
    first = {"format": "contentlib-bundle", "version": 1, "bundle_id": "0f" * 16,
             "library": {"id": "1e" * 16, "name": "县科技馆", "public_key": "A" * 43 + "="},
             "created": "2024-05-01T08:00:00Z", "selection": {"subject": ["physical-science"]}, "light": False,
             "previous": None, "counts": {"works": 2, "media": 0, "bytes": 120}, "members": [member]}
    later = {**first, "bundle_id": "2d" * 16, "previous": first["bundle_id"], "light": True,
             "selection": {"q": "原子", "lang": ["bo", "zh"], "since": "2024-04-01"}, "members": [member, media]}
    for i, manifest in enumerate((first, later)):
        (folder / f"m-{i}").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    (folder / "deep").write_text('{"format": "contentlib-bundle", "version": 1, "x": ' + "[" * 40 + "]" * 40 + "}")


def _oai_corpus(folder: Path) -> None:
    # odd first byte: the rest is a payload the target signs; even: the rest is the token as sent
    (folder / "position").write_bytes(b"\x01" + json.dumps(["oai_dc", "type:video", 1.5e9, None,
                                                              [1.6e9, "t-atom"], 2, 3]).encode())
    (folder / "huge-time").write_bytes(b"\x01" + b'["oai_dc",null,1' + b"0" * 400 + b',null,null,0,3]')
    (folder / "unsigned").write_bytes(b"\x00WyJvYWlfZGMiLG51bGwsbnVsbCxudWxsLG51bGwsdHJ1ZSwzXQ")
    (folder / "deep").write_bytes(b"\x01" + b"[" * 40)


def _interface_corpus(folder: Path) -> None:
    for i, form in enumerate(["ཕྱིར་འཐོན། %(name)s", "50%% %(num)s", "%(name)d <a href='x'>", "50% of", "%s"]):
        (folder / f"form-{i}").write_bytes(bytes([i * 7]) * 4 + form.encode("utf-8"))


def _reader_corpus(folder: Path) -> None:
    (folder / "chapter").write_text('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="bo">'
                                    '<body><h1 id="a">ཀ</h1><p onclick="x()"><a href="c.xhtml#a">a</a>'
                                    '<img src="p.png"/><script>x</script></p></body></html>'
                                    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
                                    '<body><nav epub:type="toc"><ol><li><a href="c.xhtml#a">ཀ</a></li></ol></nav>'
                                    "</body></html>", "utf-8")


CORPORA = {"records": _records_corpus, "media": _media_corpus, "bundle": _bundle_corpus,
           "manifest": _manifest_corpus, "oai": _oai_corpus, "interface": _interface_corpus, "reader": _reader_corpus}


@pytest.mark.parametrize("target", ["records", "media", "bundle", "manifest", "oai", "interface", "reader"])
def test_fuzz_target_finds_no_crash(target, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    CORPORA[target](corpus)
    r = subprocess.run([sys.executable, "-m", "tests.security.fuzz_targets", target, str(corpus),
                        f"-max_total_time={SECONDS[target]}", f"-artifact_prefix={tmp_path}/", "-timeout=30",
                        "-rss_limit_mb=3072", "-print_final_stats=1"],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                       timeout=SECONDS[target] + 240)
    report = r.stderr[-4000:]
    assert r.returncode == 0, report
    runs = int(re.search(r"Done (\d+) runs", r.stderr).group(1))
    assert runs > 0
    with capsys.disabled():
        print(f"\nfuzz {target}: {runs} executions in {SECONDS[target]} s, no crash")


@pytest.mark.parametrize("name, upload_as, role", [("damaged-deflate.epub", "book.epub", "document"),
                                                    ("no-codec-context.mp4", "dub.mp4", "dub")])
def test_files_the_fuzzer_found_are_refused_not_a_500(client, world, name, upload_as, role):
    """Found by the media target: damaged deflate data raised zlib.error out of the EPUB check, and an
    MP4 stream without a codec context raised AttributeError (each a 500 on upload)."""
    from .conftest import upload

    data = (Path(__file__).parent / "data" / name).read_bytes()
    r = upload(client, world, upload_as, data, role=role)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "media_rejected", r.get_json()
