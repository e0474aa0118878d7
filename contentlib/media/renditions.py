"""Derived files: thumbnails, poster frames, first pages, EPUB covers, cover cards.

These run outside a request (a background worker or a batch): they may take
seconds on a large file. :func:`make_renditions` is idempotent.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont, features

from contentlib.errors import MediaRejected

from ..disk import writing
from . import images, pdf, subtitles
from ._files import owner_tag
from .check import FileInfo
from .limits import Limits

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
TIBETAN_FONT = FONT_DIR / "NotoSerifTibetan-Regular.ttf"
CJK_FONT = FONT_DIR / "NotoSansCJKsc-Regular-GB2312.otf"
# The Han characters the GB2312 subset lacks (榅, 桲, 䲟 ...): CJK Unified Ideographs and Extension A.
CJK_EXTRA_FONT = FONT_DIR / "NotoSansCJKsc-Regular-Extra.otf"

THUMB_WIDTHS = (160, 320, 640)
THUMB_FORMATS = {"webp": "webp", "jpeg": "jpg"}
#: Width at which a PDF's first page is drawn, and at most a poster's width.
PAGE_WIDTH = 1280
MANIFEST = "renditions.json"
_VERSION = 1


# --- cover cards ---

def has_raqm() -> bool:
    """Tell whether Pillow can shape complex scripts (libraqm is present)."""
    return bool(features.check("raqm"))


@functools.lru_cache(maxsize=32)
def _font(path: str, size: int, layout) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=layout)


@functools.lru_cache(maxsize=8)
def covered(path: str) -> frozenset:
    """The code points a font file draws (its cmap)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


_TIBETAN = re.compile(r"[\u0F00-\u0FFF]")
_CLOSING = set("，。、；：？！）」』》〉】,.;:?!)]}%་།")


def _break_points(text: str) -> list[str]:
    """Split text into pieces that may each end a line."""
    pieces, cur = [], ""
    for i, ch in enumerate(text):
        cur += ch
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if not nxt:
            break
        if nxt in _CLOSING:
            continue
        if ch in "་། \u3000" or unicodedata.east_asian_width(ch) in "WF" or \
                unicodedata.east_asian_width(nxt) in "WF":
            pieces.append(cur)
            cur = ""
    if cur:
        pieces.append(cur)
    return pieces


def _wrap(pieces: list[tuple[str, float]], width: float) -> list[str]:
    """Break measured pieces ``(text, advance)`` into lines no wider than ``width``."""
    lines, cur, cur_w = [], "", 0.0
    for piece, piece_w in pieces:
        if cur and cur_w + piece_w > width:
            lines.append(cur.rstrip())
            cur, cur_w = piece.lstrip(), piece_w
        else:
            cur += piece
            cur_w += piece_w
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


# language, font, size as a share of the card's height, colour,
# line height and baseline offset in em (Tibetan stacks reach far below).
_CARD_LANGS = (("bo", TIBETAN_FONT, 0.13, (255, 255, 255), 1.75, 1.0),
               ("zh", CJK_FONT, 0.10, (233, 238, 245), 1.35, 1.0),
               ("en", CJK_FONT, 0.065, (190, 205, 222), 1.35, 1.0))
_LANG_TAGS = {"bo": "bo", "zh": "zh-Hans", "en": "en"}


def render_cover_card(titles: dict, out_path, size=(640, 360), *, layout=None) -> Path:
    """Draw a cover card (see :func:`cover_card_image`) and write it as PNG."""
    out_path = Path(out_path)
    images.save_image(cover_card_image(titles, size, layout=layout), out_path, "png")
    return out_path


def cover_card_image(titles: dict, size=(640, 360), *, layout=None) -> Image.Image:
    """Draw a cover card for a work without an image.

    The Tibetan title comes first, then the Chinese one (then English, if
    given), each wrapped to the card and shrunk together until all fit.
    Tibetan is shaped with libraqm so stacked letters are drawn as stacks.

    :param titles: language code (``bo``, ``zh``, ``en``) to title.
    :param size: ``(width, height)`` in pixels.
    :param layout: an ``ImageFont.Layout``; default RAQM. BASIC exists for
        comparison only: it draws Tibetan stacks wrongly.
    :raises RuntimeError: if Tibetan must be drawn and Pillow lacks raqm.
    """
    width, height = size
    if layout is None:
        if not has_raqm():
            if any(_TIBETAN.search(t or "") for t in titles.values()):
                raise RuntimeError("Pillow was built without libraqm; Tibetan titles cannot be shaped.")
            layout = ImageFont.Layout.BASIC
        else:
            layout = ImageFont.Layout.RAQM
    entries = [(lang, font, share, colour, em_h, em_base, titles[lang].strip())
               for lang, font, share, colour, em_h, em_base in _CARD_LANGS
               if (titles.get(lang) or "").strip()]
    margin = round(width * 0.07)
    text_w = width - 2 * margin
    max_h = height - 2 * margin

    # Each piece is shaped once at full size; advances scale with the font size,
    # so shrinking the card to fit needs no more shaping (long titles stay fast).
    measured = {}
    for lang, font_path, share, _colour, _h, _b, title in entries:
        px = max(8, round(height * share))
        font = _font(str(font_path), px, layout)
        measured[lang] = (px, [(p, font.getlength(p)) for p in _break_points(title)])

    scale = 1.0
    blocks: list[tuple] = []
    while True:
        blocks = []
        for lang, font_path, share, colour, em_h, em_base, _title in entries:
            px = max(8, round(height * share * scale))
            font = _font(str(font_path), px, layout)
            base_px, pieces = measured[lang]
            lines = _wrap([(p, w * px / base_px) for p, w in pieces], text_w)
            blocks.append((lang, font, colour, lines, round(px * em_h), round(px * em_base)))
        gap = round(height * 0.05 * scale)
        total = sum(len(b[3]) * b[4] for b in blocks) + gap * max(0, len(blocks) - 1)
        if total <= max_h or scale < 0.35:
            break
        scale *= 0.9
    # Still too tall at the smallest size: keep the lines that fit.
    while blocks and total > max_h:
        lang, font, colour, lines, lh, _ = max(blocks, key=lambda b: len(b[3]))
        if len(lines) <= 1:
            break
        lines.pop()
        total -= lh

    im = Image.new("RGB", (width, height), (31, 58, 95))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, height - round(height * 0.04), width, height), fill=(222, 160, 60))
    y = (height - total) / 2
    for lang, font, colour, lines, lh, base in blocks:
        # The Tibetan font has no Latin letters or digits: those runs take the CJK font; Han characters
        # outside GB2312 take the extra CJK font. Each character is drawn by the first font that has it.
        small = max(8, round(font.size * 0.8)) if lang == "bo" else font.size
        chain = [font] + ([_font(str(CJK_FONT), small, layout)] if lang == "bo" else [])
        chain.append(_font(str(CJK_EXTRA_FONT), small, layout))
        for line in lines:
            _draw_line(draw, width / 2, y + base, line, chain, colour, lang, layout)
            y += lh
        y += gap
    return im


def font_runs(line: str, chain) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """Split ``line`` into runs, each with the first font of ``chain`` that draws its characters.

    A space stays with the run before it; a character no font has stays with the first font.
    """
    runs: list[list] = []
    for ch in line:
        if ch.isspace() and runs:
            runs[-1][0] += ch
            continue
        font = next((f for f in chain if ord(ch) in covered(f.path)), chain[0])
        if runs and runs[-1][1] is font:
            runs[-1][0] += ch
        else:
            runs.append([ch, font])
    return [(text, font) for text, font in runs]


def _draw_line(draw, cx, baseline, line, chain, colour, lang, layout) -> None:
    """Draw one centred line, each run in the first font of ``chain`` that has its characters."""
    raqm = layout == ImageFont.Layout.RAQM
    runs = font_runs(line, chain)
    if len(runs) == 1:
        kwargs = {"language": _LANG_TAGS[lang]} if raqm else {}
        draw.text((cx, baseline), line, font=runs[0][1], fill=colour, anchor="ms", **kwargs)
        return
    widths = [f.getlength(run) for run, f in runs]
    x = cx - sum(widths) / 2
    for (run, f), w in zip(runs, widths):
        tag = _LANG_TAGS[lang] if f is chain[0] or lang != "bo" else "en"
        kwargs = {"language": tag} if raqm else {}
        draw.text((x, baseline), run, font=f, fill=colour, anchor="ls", **kwargs)
        x += w


# --- frames from video and audio ---

def _poster_frame(path, limits: Limits) -> Image.Image | None:
    """Return a frame a little into the video (or an audio file's cover art)."""
    with av.open(str(path)) as container:
        pics = [s for s in container.streams.video if s.disposition & av.stream.Disposition.attached_pic]
        videos = [s for s in container.streams.video if s not in pics]
        if not videos:
            if pics:
                for frame in container.decode(pics[0]):
                    return frame.to_image()
            return None
        stream = videos[0]
        duration = container.duration / av.time_base if container.duration else 0.0
        target = min(duration * 0.1, 5.0)
        if target > 0 and stream.time_base:
            with contextlib.suppress(av.FFmpegError):
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
        chosen = None
        for n, frame in enumerate(container.decode(stream)):
            chosen = frame
            if (frame.time or 0.0) >= target or n >= 300:
                break
        if chosen is None:
            return None
        im = chosen.to_image()
        if im.width * im.height > limits.max_pixels:
            raise MediaRejected("The video frame is too large to make a poster from.", reason="size")
        return im


def _epub_cover(path, entry, limits: Limits) -> Image.Image | None:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(entry)
        if info.file_size > limits.image_bytes:
            return None
        data = zf.read(info)
    try:
        return images.open_image(io.BytesIO(data), limits, what="The EPUB cover")
    except MediaRejected:
        return None  # a bad cover does not make the book bad; it gets a card


# --- all renditions of one stored file ---

def _rel(store, path: Path) -> str:
    return path.relative_to(store.root).as_posix()


def _load_manifest(store, sha256: str, widths) -> dict | None:
    final = store.derived_dir(sha256)
    try:
        data = json.loads((final / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != _VERSION or data.get("widths") != sorted(widths):
        return None
    files = [data.get("image"), data.get("vtt")]
    files += [p for fmts in data.get("thumbnails", {}).values() for p in fmts.values()]
    if not all((store.root / p).is_file() for p in files if p):
        return None
    data["thumbnails"] = {int(w): fmts for w, fmts in data.get("thumbnails", {}).items()}
    return data


def make_renditions(store, sha256: str, info: FileInfo, *, widths=THUMB_WIDTHS,
                    limits: Limits | None = None, force: bool = False) -> dict:
    """Make every derived file of one stored file, and return their metadata.

    Files go to ``store.derived_dir(sha256)``, all at once: a crash leaves the
    old set or none. Calling it again returns the recorded result without
    redoing the work (unless ``force``).

    :returns: a dict with ``sha256``, ``kind``, ``format``, ``width``,
        ``height`` (pixels of the picture, when there is one),
        ``duration_seconds`` (video, audio), ``pages`` (PDF), ``image`` (path
        of the full-size derived picture: clean image copy, video poster,
        PDF first page, EPUB cover; or None), ``thumbnails`` (``{width:
        {"webp": path, "jpeg": path}}``) and ``vtt`` (a WebVTT copy of an
        SRT file). Paths are relative to ``store.root``, with ``/``.
    :raises MediaRejected: if the file turns out to be unreadable.
    """
    limits = limits or Limits()
    if not force:
        done = _load_manifest(store, sha256, widths)
        if done is not None:
            return done
    src = store.path(sha256)
    if not src.is_file():
        raise FileNotFoundError(f"no stored file {sha256}")
    final = store.derived_dir(sha256)
    with writing("the media folder"):  # a full or read-only disk is NoSpace / ReadOnlyStorage
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{sha256[:12]}-{owner_tag()}-"))
    try:
        result = _build(store, src, sha256, info, work, final, tuple(widths), limits)
        with writing("the media folder"):
            (work / MANIFEST).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
        if final.exists():
            for apart in ("light.mp4", "book"):  # made apart (contentlib.lightvideo, contentlib.books): kept
                if (final / apart).exists():
                    os.replace(final / apart, work / apart)
            shutil.rmtree(final, ignore_errors=True)
        try:
            os.replace(work, final)
        except OSError:
            # Another worker put its set in place first: theirs is as good.
            done = _load_manifest(store, sha256, widths)
            if done is None:
                raise
            shutil.rmtree(work, ignore_errors=True)
            return done
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result["thumbnails"] = {int(w): f for w, f in result["thumbnails"].items()}
    return result


def _build(store, src: Path, sha256, info: FileInfo, work: Path, final: Path, widths, limits) -> dict:
    def rel(name: str) -> str:
        return _rel(store, final / name)

    result = {"version": _VERSION, "widths": sorted(widths), "sha256": sha256,
              "kind": info.kind, "format": info.format, "width": info.width, "height": info.height,
              "duration_seconds": info.duration_seconds, "pages": info.pages,
              "image": None, "thumbnails": {}, "vtt": None}
    picture, picture_name = None, None
    if info.kind == "image":
        picture = images.clean_copy(images.open_image(src, limits))
        picture_name = f"image.{THUMB_FORMATS.get(info.format, info.format)}"
        images.save_image(picture, work / picture_name, info.format, quality=90)
    elif info.kind in ("video", "audio"):
        try:
            frame = _poster_frame(src, limits)
        except (av.FFmpegError, OSError) as exc:
            raise MediaRejected(f"No poster frame could be read ({exc}).") from None
        if frame is not None:
            picture = images.clean_copy(images.thumbnail(frame, PAGE_WIDTH))
            picture_name = "poster.jpg"
            images.save_image(picture, work / picture_name, "jpeg", quality=88)
        if info.kind == "video" and frame is not None:
            result["width"], result["height"] = frame.width, frame.height
    elif info.format == "pdf":
        page_png = work / "page1.png"
        got = pdf.render_first_page(src, page_png, PAGE_WIDTH, limits)
        picture = images.clean_copy(images.open_image(page_png, limits, what="The rendered page"))
        picture_name = "page1.png"
        images.save_image(picture, page_png, "png")
        result["pages"] = got["pages"]
    elif info.format == "epub":
        cover = info.details.get("cover")
        frame = _epub_cover(src, cover, limits) if cover else None
        if frame is not None:
            picture = images.clean_copy(frame)
            picture_name = "cover.jpg"
            images.save_image(picture, work / picture_name, "jpeg", quality=90)
    elif info.format == "srt":
        subtitles.convert_srt_file(src, work / "subtitle.vtt")
        result["vtt"] = rel("subtitle.vtt")

    if picture is not None and picture_name is not None:
        result["image"] = rel(picture_name)
        if info.kind != "video":
            result["width"], result["height"] = picture.width, picture.height
        for w in widths:
            small = images.thumbnail(picture, w)
            result["thumbnails"][str(w)] = {}
            for fmt, ext in THUMB_FORMATS.items():
                name = f"thumb-{w}.{ext}"
                images.save_image(small, work / name, fmt, quality=80)
                result["thumbnails"][str(w)][fmt] = rel(name)
    return result
