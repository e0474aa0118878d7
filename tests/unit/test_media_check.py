"""inspect(): kinds are read from content, and every hostile file is refused."""

import dataclasses
import zipfile

import pytest

from contentlib.errors import MediaRejected
from contentlib.media import FORMATS, Limits, inspect, sniff
from tests.unit import media_samples as ms


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    d = tmp_path_factory.mktemp("samples")
    files = {
        "mp4": ms.make_video(d / "video.mp4"),
        "webm": ms.make_video(d / "video.webm", codec="libvpx", container="webm"),
        "mp3": ms.make_mp3(d / "sound.mp3"),
        "ogg": ms.make_ogg(d / "sound.ogg"),
        "m4a": ms.make_m4a(d / "sound.m4a"),
        "png": ms.make_image(d / "pic.png", "PNG"),
        "jpeg": ms.make_image(d / "pic.jpg", "JPEG"),
        "webp": ms.make_image(d / "pic.webp", "WEBP"),
        "pdf": ms.make_pdf(d / "book.pdf", pages=3),
        "epub": ms.make_epub(d / "book.epub"),
    }
    (d / "subs.srt").write_text(ms.SRT, "utf-8", newline="")
    (d / "subs.vtt").write_text(ms.VTT, "utf-8")
    files["srt"], files["vtt"] = d / "subs.srt", d / "subs.vtt"
    return files


EXPECTED = {
    "mp4": ("video", "video/mp4"), "webm": ("video", "video/webm"),
    "mp3": ("audio", "audio/mpeg"), "ogg": ("audio", "audio/ogg"), "m4a": ("audio", "audio/mp4"),
    "png": ("image", "image/png"), "jpeg": ("image", "image/jpeg"), "webp": ("image", "image/webp"),
    "pdf": ("book", "application/pdf"), "epub": ("book", "application/epub+zip"),
    "srt": ("subtitle", "application/x-subrip"), "vtt": ("subtitle", "text/vtt"),
}


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_accepts_each_format_and_names_its_kind(samples, fmt):
    info = inspect(samples[fmt])
    assert (info.format, info.kind, info.content_type) == (fmt, *EXPECTED[fmt])
    assert info.size == samples[fmt].stat().st_size
    assert info.extension == FORMATS[fmt].extension


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_kind_comes_from_content_not_name(samples, tmp_path, fmt):
    misnamed = tmp_path / "upload.txt"
    misnamed.write_bytes(samples[fmt].read_bytes())
    assert inspect(misnamed).format == fmt


def test_video_facts(samples):
    info = inspect(samples["mp4"])
    assert (info.width, info.height) == (64, 48)
    assert info.duration_seconds == pytest.approx(1.0, abs=0.15)
    assert info.details["video_codec"] == "h264"


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "m4a"])
def test_audio_duration(samples, fmt):
    assert inspect(samples[fmt]).duration_seconds == pytest.approx(1.0, abs=0.15)


def test_pdf_pages_and_epub_metadata(samples):
    assert inspect(samples["pdf"]).pages == 3
    details = inspect(samples["epub"]).details
    assert details["title"] == ms.TIBETAN
    assert details["cover"] == "OEBPS/images/cover.png"


def test_subtitle_cue_count(samples):
    assert inspect(samples["srt"]).details["cues"] == 2
    assert inspect(samples["vtt"]).details["cues"] == 2


def test_mp4_with_another_codec_is_refused(tmp_path):
    path = ms.make_video(tmp_path / "mpeg4.mp4", codec="mpeg4")
    with pytest.raises(MediaRejected, match="H264"):
        inspect(path)


def test_mp4_with_sound_only_is_audio(tmp_path):
    path = ms.make_audio(tmp_path / "sound.mp4", container="mp4", codec="aac", rate=44100)
    info = inspect(path)
    assert (info.kind, info.format) == ("audio", "m4a")


def test_truncated_video_is_refused(samples, tmp_path):
    data = samples["mp4"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:200])
    with pytest.raises(MediaRejected):
        inspect(cut)


# --- hostile files ---

def test_html_renamed_png_is_refused(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(ms.HTML)
    with pytest.raises(MediaRejected, match="HTML") as refused:
        inspect(path)
    assert refused.value.reason == "format"


def test_svg_with_script_is_refused(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_bytes(ms.SVG)
    with pytest.raises(MediaRejected, match="SVG") as refused:
        inspect(path)
    assert refused.value.reason == "unsafe"


def test_png_claiming_huge_size_is_refused(tmp_path):
    path = ms.make_png_bomb_header(tmp_path / "bomb.png")
    with pytest.raises(MediaRejected, match="pixels") as refused:
        inspect(path)
    assert refused.value.reason == "size"


def test_png_over_our_pixel_limit_is_refused(tmp_path):
    path = ms.make_image(tmp_path / "big.png", "PNG", size=(300, 200))
    with pytest.raises(MediaRejected, match="too large") as refused:
        inspect(path, Limits(max_pixels=50_000))
    assert inspect(path, Limits(max_pixels=60_000)).width == 300
    assert refused.value.reason == "size"


def test_truncated_jpeg_is_refused(tmp_path):
    with pytest.raises(MediaRejected, match="truncated|damaged") as refused:
        inspect(ms.make_truncated_jpeg(tmp_path / "half.jpg"))
    assert refused.value.reason == "damaged"


def test_epub_with_external_entity_is_refused(tmp_path):
    with pytest.raises(MediaRejected, match="entit") as refused:
        inspect(ms.make_epub(tmp_path / "xxe.epub", xxe=True))
    assert refused.value.reason == "unsafe"


def test_epub_with_entity_in_package_document_is_refused(tmp_path):
    opf = ('<?xml version="1.0"?>\n<!DOCTYPE package [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
           '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/>'
           '<manifest><item id="c" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest>'
           '<spine><itemref idref="c"/></spine></package>')
    with pytest.raises(MediaRejected, match="entit"):
        inspect(ms.make_epub(tmp_path / "bill.epub", opf=opf))


def test_epub_with_path_traversal_is_refused(tmp_path):
    path = ms.make_epub(tmp_path / "evil.epub")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("../../etc/cron.d/x", "boom")
    with pytest.raises(MediaRejected, match="unsafe name"):
        inspect(path)


def test_epub_zip_bomb_is_refused(tmp_path):
    path = ms.make_epub(tmp_path / "bomb.epub")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OEBPS/zeros.xhtml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(MediaRejected, match="zip bomb") as refused:
        inspect(path)
    assert refused.value.reason == "unsafe"


def test_plain_zip_is_refused(tmp_path):
    path = tmp_path / "archive.epub"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(MediaRejected, match="EPUB") as refused:
        inspect(path)
    assert refused.value.reason == "format"


def test_pdf_with_cyclic_trailer_is_refused(tmp_path):
    with pytest.raises(MediaRejected, match="PDF") as refused:
        inspect(ms.make_cyclic_pdf(tmp_path / "cycle.pdf"))
    assert refused.value.reason == "damaged"


def test_pdf_parser_past_its_time_is_killed_and_refused(samples):
    # No real PDF parse finishes in a millisecond, so the child is always killed.
    with pytest.raises(MediaRejected, match="within"):
        inspect(samples["pdf"], Limits(pdf_timeout=0.001))


def test_pdf_parser_crash_is_refused(samples):
    # With 16 MiB of address space the child cannot even start its parser.
    with pytest.raises(MediaRejected, match="parser failed"):
        inspect(samples["pdf"], Limits(pdf_memory=16 * 1024 * 1024))


def test_pdf_header_with_garbage_is_refused(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * 100)
    with pytest.raises(MediaRejected, match="PDF"):
        inspect(path)


# --- limits and other refusals ---

def test_size_limit_is_per_kind(samples):
    size = samples["png"].stat().st_size
    with pytest.raises(MediaRejected, match="too large"):
        inspect(samples["png"], Limits(image_bytes=size - 1))
    assert inspect(samples["png"], Limits(image_bytes=size, video_bytes=1)).kind == "image"


def test_duration_limit(samples):
    with pytest.raises(MediaRejected, match="plays for"):
        inspect(samples["mp4"], Limits(max_duration=0.5))


def test_limits_default_and_replace():
    limits = dataclasses.replace(Limits(), audio_bytes=10)
    assert limits.max_bytes("audio") == 10
    assert limits.max_bytes("video") == Limits().video_bytes
    with pytest.raises(ValueError):
        limits.max_bytes("spreadsheet")


def test_empty_and_unknown_files_are_refused(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaRejected, match="empty"):
        inspect(empty)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(MediaRejected, match="not accepted"):
        inspect(blob)
    with pytest.raises(MediaRejected, match="not a regular file"):
        inspect(tmp_path)


def test_gif_is_refused(tmp_path):
    path = tmp_path / "anim.gif"
    ms.picture().save(path, format="GIF")
    with pytest.raises(MediaRejected, match="not accepted"):
        inspect(path)


def test_subtitle_not_utf8_is_refused(tmp_path):
    path = tmp_path / "gbk.srt"
    path.write_bytes(ms.SRT.replace(ms.TIBETAN, "").encode("gb18030"))
    with pytest.raises(MediaRejected, match="UTF-8"):
        inspect(path)


def test_srt_with_broken_timing_is_refused(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:xx --> soon\nbad\n", "utf-8")
    with pytest.raises(MediaRejected, match="timing"):
        inspect(path)


def test_vtt_without_cues_is_refused(tmp_path):
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing here\n", "utf-8")
    with pytest.raises(MediaRejected, match="no cues"):
        inspect(path)


@pytest.mark.parametrize("head,fmt", [
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff\xe0", "jpeg"), (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
    (b"%PDF-1.4", "pdf"), (b"ID3\x04", "mp3"), (b"\xff\xfb\x90\x00", "mp3"), (b"OggS\0", "ogg"),
    (b"\0\0\0\x20ftypisom", "mp4"), (b"\0\0\0\x20ftypM4A ", "m4a"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm"),
])
def test_sniff_magic(head, fmt):
    assert sniff(head) == fmt


@pytest.mark.parametrize("head,msg", [
    (b"\0\0\0\x14ftypqt  ", "QuickTime"), (b"\0\0\0\x1cftypheic", "HEIC"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "Matroska"),
])
def test_sniff_refuses_lookalikes(head, msg):
    with pytest.raises(MediaRejected, match=msg):
        sniff(head)


def test_mp4_turning_out_audio_gets_the_audio_limit(tmp_path):
    path = ms.make_audio(tmp_path / "sound.mp4", container="mp4", codec="aac", rate=44100)
    size = path.stat().st_size
    with pytest.raises(MediaRejected, match="audio file is too large"):
        inspect(path, Limits(audio_bytes=size - 1))
