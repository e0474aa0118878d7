"""Derived files: thumbnails, posters, first pages, EPUB covers, cover cards."""

import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFont, ImageStat, features

from contentlib.errors import MediaRejected
from contentlib.media import MediaStore, has_raqm, make_renditions, render_cover_card
from contentlib.media.renditions import CJK_FONT, TIBETAN_FONT
from tests.unit import media_samples as ms

DATA = Path(__file__).resolve().parent.parent / "data"
# Made by: render_cover_card({"bo": ms.TIBETAN, "zh": ms.CHINESE}, DATA / "cover-card-bo-zh.png")
# and looked at by a person: the Tibetan stacks (ལྟེ, རྫས, རྡུལ) are drawn stacked.
REFERENCE = DATA / "cover-card-bo-zh.png"


@pytest.fixture
def store(tmp_path):
    return MediaStore(tmp_path / "store")


def ingest(store, path):
    info, stored = store.ingest(path)
    return info, stored.sha256


def check_thumbnails(store, result, max_width):
    assert sorted(result["thumbnails"]) == [160, 320, 640]
    for width, files in result["thumbnails"].items():
        assert set(files) == {"webp", "jpeg"}
        for fmt, rel in files.items():
            with Image.open(store.root / rel) as im:
                assert im.format == fmt.upper()
                assert im.width == min(width, max_width)
                assert not im.getexif()


def test_image_renditions(store, tmp_path):
    info, sha = ingest(store, ms.make_image(tmp_path / "p.jpg", "JPEG", size=(800, 400), exif_text="secret"))
    result = make_renditions(store, sha, info)
    assert (result["width"], result["height"]) == (800, 400)
    assert result["image"] == f"derived/{sha}/image.jpg"
    assert b"secret" not in (store.root / result["image"]).read_bytes()
    check_thumbnails(store, result, 800)
    with Image.open(store.root / result["thumbnails"][320]["webp"]) as im:
        assert im.size == (320, 160)


def test_video_poster_duration_and_size(store, tmp_path):
    info, sha = ingest(store, ms.make_video(tmp_path / "v.mp4", size=(96, 64)))
    result = make_renditions(store, sha, info)
    assert result["duration_seconds"] == pytest.approx(1.0, abs=0.15)
    assert (result["width"], result["height"]) == (96, 64)
    with Image.open(store.root / result["image"]) as poster:
        assert poster.format == "JPEG" and poster.size == (96, 64)
        # The sample's frames are bluish with a yellow bar: a real frame, not a blank.
        r, g, b = poster.convert("RGB").getpixel((90, 60))
        assert b > r
    check_thumbnails(store, result, 96)


def test_webm_poster(store, tmp_path):
    info, sha = ingest(store, ms.make_video(tmp_path / "v.webm", codec="libvpx", container="webm"))
    assert make_renditions(store, sha, info)["image"].endswith("poster.jpg")


@pytest.mark.parametrize("maker", [ms.make_mp3, ms.make_ogg, ms.make_m4a])
def test_audio_duration_without_picture(store, tmp_path, maker):
    info, sha = ingest(store, maker(tmp_path / "a.snd"))
    result = make_renditions(store, sha, info)
    assert result["duration_seconds"] == pytest.approx(1.0, abs=0.15)
    assert result["image"] is None and result["thumbnails"] == {}


def test_pdf_first_page_and_page_count(store, tmp_path):
    info, sha = ingest(store, ms.make_pdf(tmp_path / "b.pdf", pages=4, size=(300, 400)))
    result = make_renditions(store, sha, info)
    assert result["pages"] == 4
    with Image.open(store.root / result["image"]) as page:
        assert page.width == 1280 and abs(page.height - 1707) <= 2
        # The first page of the sample carries the blue picture.
        assert page.convert("RGB").getpixel((40, 40)) == pytest.approx((30, 120, 200), abs=10)
    check_thumbnails(store, result, 1280)


def test_epub_cover(store, tmp_path):
    info, sha = ingest(store, ms.make_epub(tmp_path / "b.epub"))
    result = make_renditions(store, sha, info)
    assert result["image"].endswith("cover.jpg")
    assert (result["width"], result["height"]) == (300, 450)
    check_thumbnails(store, result, 300)


def test_epub_without_cover_has_no_picture(store, tmp_path):
    info, sha = ingest(store, ms.make_epub(tmp_path / "b.epub", cover=False))
    result = make_renditions(store, sha, info)
    assert result["image"] is None and result["thumbnails"] == {}


def test_srt_gets_a_vtt_copy(store, tmp_path):
    src = tmp_path / "bo.srt"
    src.write_bytes(ms.SRT.encode("utf-8"))
    info, sha = ingest(store, src)
    result = make_renditions(store, sha, info)
    vtt = (store.root / result["vtt"]).read_bytes()
    assert vtt.startswith(b"WEBVTT") and ms.TIBETAN.encode("utf-8") in vtt


def test_renditions_are_idempotent_and_recorded(store, tmp_path):
    info, sha = ingest(store, ms.make_image(tmp_path / "p.png", "PNG"))
    first = make_renditions(store, sha, info)
    thumb = store.root / first["thumbnails"][160]["webp"]
    stamp = thumb.stat().st_mtime_ns
    again = make_renditions(store, sha, info)
    assert again == first and thumb.stat().st_mtime_ns == stamp
    manifest = json.loads((store.derived_dir(sha) / "renditions.json").read_text("utf-8"))
    assert manifest["sha256"] == sha
    # A lost file makes the next call redo the set.
    thumb.unlink()
    redone = make_renditions(store, sha, info)
    assert redone == first and thumb.is_file()
    # Nothing but the final folder is left in derived/.
    assert [p.name for p in (store.root / "derived").iterdir()] == [sha]


def test_failed_renditions_leave_nothing(store, tmp_path):
    info, sha = ingest(store, ms.make_pdf(tmp_path / "b.pdf"))
    from contentlib.media import Limits
    with pytest.raises(MediaRejected):
        make_renditions(store, sha, info, limits=Limits(pdf_timeout=0.001))
    assert list((store.root / "derived").iterdir()) == []


def test_delete_removes_renditions(store, tmp_path):
    info, sha = ingest(store, ms.make_image(tmp_path / "p.png", "PNG"))
    make_renditions(store, sha, info)
    store.delete(sha)
    assert not store.derived_dir(sha).exists()


# --- cover cards ---

def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean[0]


def test_fonts_are_bundled_with_licences():
    for font in (TIBETAN_FONT, CJK_FONT):
        assert font.is_file()
        assert font.with_name(font.stem + ".OFL.txt").read_text("utf-8").count("SIL OPEN FONT LICENSE") >= 1
    assert TIBETAN_FONT.stat().st_size == 595_476
    assert CJK_FONT.stat().st_size < 3_500_000


def test_bundled_cjk_font_covers_the_titles():
    from fontTools.ttLib import TTFont  # noqa: PLC0415 (dev dependency)
    cmap = TTFont(CJK_FONT).getBestCmap()
    assert all(ord(ch) in cmap for ch in ms.CHINESE)
    cmap = TTFont(TIBETAN_FONT).getBestCmap()
    assert all(ord(ch) in cmap for ch in ms.TIBETAN)


def test_raqm_is_available():
    assert features.check("raqm") and has_raqm()


def test_cover_card_matches_reference(tmp_path):
    out = render_cover_card({"bo": ms.TIBETAN, "zh": ms.CHINESE}, tmp_path / "card.png")
    with Image.open(out) as card, Image.open(REFERENCE) as ref:
        assert card.size == (640, 360) and card.format == "PNG"
        assert mean_difference(card, ref) < 1.5


def test_basic_layout_differs_markedly_from_reference(tmp_path):
    out = render_cover_card({"bo": ms.TIBETAN, "zh": ms.CHINESE}, tmp_path / "basic.png",
                            layout=ImageFont.Layout.BASIC)
    with Image.open(out) as card, Image.open(REFERENCE) as ref:
        assert mean_difference(card, ref) > 3.0


def test_cover_card_text_is_drawn(tmp_path):
    blank = render_cover_card({}, tmp_path / "blank.png")
    with_title = render_cover_card({"zh": ms.CHINESE}, tmp_path / "zh.png")
    with Image.open(blank) as a, Image.open(with_title) as b:
        assert mean_difference(a, b) > 2.0


def test_cover_card_fits_long_titles(tmp_path):
    long_bo = "་".join([ms.TIBETAN] * 6)
    out = render_cover_card({"bo": long_bo, "zh": ms.CHINESE * 4, "en": "A long English title " * 5},
                            tmp_path / "long.png", size=(320, 180))
    with Image.open(out) as card:
        assert card.size == (320, 180)
        # The margins stay clear: the top rows are the background colour only.
        top = card.convert("RGB").crop((0, 0, 320, 8))
        assert top.getcolors() == [(320 * 8, (31, 58, 95))]


def test_other_widths_make_a_new_set(store, tmp_path):
    info, sha = ingest(store, ms.make_image(tmp_path / "p.png", "PNG", size=(500, 300)))
    make_renditions(store, sha, info)
    result = make_renditions(store, sha, info, widths=(100, 200))
    assert sorted(result["thumbnails"]) == [100, 200]
    with Image.open(store.root / result["thumbnails"][100]["jpeg"]) as im:
        assert im.size == (100, 60)
    assert not (store.derived_dir(sha) / "thumb-640.webp").exists()


def test_digits_and_latin_in_a_tibetan_title_are_drawn_not_boxed():
    from PIL import ImageChops

    from contentlib.media.renditions import cover_card_image

    # Missing glyphs all draw the same box: with boxes, different digits would give the same card.
    a = cover_card_image({"bo": "ལོ་28་ལ་སོན་པ།"}, (320, 180))
    b = cover_card_image({"bo": "ལོ་93་ལ་སོན་པ།"}, (320, 180))
    assert ImageChops.difference(a, b).getbbox() is not None
