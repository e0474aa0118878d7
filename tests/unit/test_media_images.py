"""Images: format allowlist, bomb checks, verify-then-reopen, clean re-encoding."""

import io

import pytest
from PIL import Image

from contentlib.errors import MediaRejected
from contentlib.media import Limits, open_image, sanitize_image
from contentlib.media.images import ALLOWED_FORMATS, thumbnail
from tests.unit import media_samples as ms


def test_pillow_bomb_ceiling_is_set():
    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS <= 89_478_485


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_open_image_reads_allowed_formats(tmp_path, fmt):
    path = ms.make_image(tmp_path / f"p.{fmt.lower()}", fmt)
    with open_image(path, Limits()) as im:
        assert im.format == fmt and im.size == (200, 120)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_formats_are_refused_even_if_pillow_reads_them(tmp_path, fmt):
    path = tmp_path / "p.img"
    ms.picture((64, 64)).save(path, format=fmt)
    assert fmt not in ALLOWED_FORMATS
    with pytest.raises(MediaRejected, match="not a JPEG, PNG or WebP"):
        open_image(path, Limits())


def test_decompression_bomb_warning_becomes_refusal(tmp_path):
    # 10,000 x 10,000 is over Pillow's MAX_IMAGE_PIXELS but under twice it:
    # Pillow only warns; we refuse.
    path = ms.make_png_bomb_header(tmp_path / "warn.png", 10_000, 10_000)
    assert Image.MAX_IMAGE_PIXELS < 100_000_000 < 2 * Image.MAX_IMAGE_PIXELS
    with pytest.raises(MediaRejected, match="too many pixels"):
        open_image(path, Limits(max_pixels=10**9, max_side=10**6))


def test_long_side_limit(tmp_path):
    path = ms.make_image(tmp_path / "strip.png", "PNG", size=(1000, 2))
    with pytest.raises(MediaRejected, match="too large"):
        open_image(path, Limits(max_side=999))


def test_open_image_accepts_file_objects(tmp_path):
    buf = io.BytesIO()
    ms.picture().save(buf, format="PNG")
    buf.seek(0)
    assert open_image(buf, Limits()).size == (200, 120)


def test_sanitize_drops_exif_and_keeps_pixels(tmp_path):
    src = ms.make_image(tmp_path / "p.jpg", "JPEG", exif_text="GPS 29.65N 91.13E")
    with Image.open(src) as im:
        assert im.getexif()  # the source really has EXIF
    out = tmp_path / "clean.jpg"
    fmt, w, h = sanitize_image(src, out, Limits())
    assert (fmt, w, h) == ("jpeg", 200, 120)
    raw = out.read_bytes()
    assert b"Exif" not in raw and b"GPS 29.65N" not in raw
    with Image.open(out) as im:
        assert not im.getexif() and "icc_profile" not in im.info
        assert im.getpixel((10, 10)) == pytest.approx((30, 120, 200), abs=6)
    assert src.read_bytes().count(b"GPS 29.65N") == 1  # the original is untouched


def test_sanitize_drops_png_text_chunks(tmp_path):
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    src = tmp_path / "p.png"
    ms.picture().save(src, format="PNG", pnginfo=info)
    out = tmp_path / "clean.png"
    sanitize_image(src, out, Limits())
    assert b"script" not in out.read_bytes()


def test_sanitize_writes_nothing_on_refusal(tmp_path):
    out = tmp_path / "out.png"
    with pytest.raises(MediaRejected):
        sanitize_image(ms.make_truncated_jpeg(tmp_path / "half.jpg"), out, Limits())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half.jpg"]


def test_exif_orientation_is_applied_before_it_is_dropped(tmp_path):
    src = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    ms.picture((200, 120)).save(src, format="JPEG", exif=exif.tobytes())
    _, w, h = sanitize_image(src, tmp_path / "upright.jpg", Limits())
    assert (w, h) == (120, 200)


def test_thumbnail_never_enlarges():
    im = ms.picture((200, 100))
    assert thumbnail(im, 100).size == (100, 50)
    assert thumbnail(im, 640).size == (200, 100)


def test_png_with_bad_checksum_is_refused(tmp_path):
    path = ms.make_image(tmp_path / "p.png", "PNG")
    data = bytearray(path.read_bytes())
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # flip bits inside the compressed pixels, leave the CRC
    path.write_bytes(bytes(data))
    with pytest.raises(MediaRejected):
        open_image(path, Limits())


def test_jpeg_with_html_appended_is_cleaned(tmp_path):
    src = ms.make_image(tmp_path / "polyglot.jpg", "JPEG")
    src.write_bytes(src.read_bytes() + b"<html><script>alert(1)</script></html>")
    out = tmp_path / "clean.jpg"
    sanitize_image(src, out, Limits())
    assert b"<script" not in out.read_bytes()
