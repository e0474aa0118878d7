"""Open, check and re-encode images with Pillow, refusing anything hostile."""

from __future__ import annotations

import contextlib
import io
import warnings

from PIL import Image, ImageCms, ImageFile, ImageOps

from contentlib.errors import MediaRejected

from ._files import atomic_output
from .limits import Limits

#: Pillow plugins we accept, and nothing else (no SVG, no PSD, no EPS ...).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")

# Pillow's own bomb check reads this global. Keep it no larger than Pillow's
# default; a caller's stricter Limits.max_pixels is checked on top of it.
_PILLOW_PIXEL_CEILING = 89_478_485
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > _PILLOW_PIXEL_CEILING:
    Image.MAX_IMAGE_PIXELS = _PILLOW_PIXEL_CEILING
# A truncated image is an error, not a grey bottom half.
ImageFile.LOAD_TRUNCATED_IMAGES = False

_SAVE_FORMAT = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}


@contextlib.contextmanager
def _strict():
    """Turn Pillow's decompression-bomb warning into an error while inside."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _check_size(size, limits: Limits, what: str):
    w, h = size
    if w <= 0 or h <= 0:
        raise MediaRejected(f"{what} has no pixels ({w} x {h}).")
    if w > limits.max_side or h > limits.max_side or w * h > limits.max_pixels:
        raise MediaRejected(
            f"{what} is too large: {w} x {h} pixels "
            f"(at most {limits.max_pixels:,} pixels, {limits.max_side:,} on a side).",
            reason="size",
        )


def open_image(source, limits: Limits, *, what: str = "The image") -> Image.Image:
    """Open an image, check it fully, and return it decoded in memory.

    The file is opened with the JPEG/PNG/WebP plugins only, its declared size
    is checked against ``limits`` before any pixel is decoded, ``verify()``
    runs on a first handle, and a second handle decodes every pixel (which is
    what finds truncated files).

    :param source: a path or a binary file object.
    :raises MediaRejected: for anything that is not a sound image within limits.
    """
    try:
        with _strict():
            with Image.open(source, formats=ALLOWED_FORMATS) as im:
                _check_size(im.size, limits, what)
                im.verify()
            if hasattr(source, "seek"):
                source.seek(0)
            im = Image.open(source, formats=ALLOWED_FORMATS)
            _check_size(im.size, limits, what)
            if getattr(im, "n_frames", 1) > 1:
                # Animated WebP/PNG: we keep stills only (covers, posters).
                im.close()
                raise MediaRejected(f"{what} is animated; only still images are accepted.", reason="format")
            im.load()
            return im
    except MediaRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise MediaRejected(f"{what} claims too many pixels to be opened safely ({exc}).", reason="size") from None
    except Image.DecompressionBombWarning as exc:
        raise MediaRejected(f"{what} claims too many pixels to be opened safely ({exc}).", reason="size") from None
    except Image.UnidentifiedImageError:
        raise MediaRejected(f"{what} is not a JPEG, PNG or WebP image.", reason="format") from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, MemoryError) as exc:
        raise MediaRejected(f"{what} is damaged or truncated ({exc}).") from None


def _to_srgb(im: Image.Image) -> Image.Image:
    """Convert an image with an embedded ICC profile to sRGB, then forget it."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(im, src, dst, outputMode=out_mode)
        return converted if converted is not None else im  # None only for inPlace=True
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile: the pixels as they are are the best we have.
        return im


def clean_copy(im: Image.Image) -> Image.Image:
    """Return a new image with the pixels only: upright, sRGB, no metadata."""
    im = ImageOps.exif_transpose(im)  # orientation is applied, then EXIF goes
    im = _to_srgb(im)
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA")
    elif im.mode == "CMYK":
        im = im.convert("RGB")
    elif im.mode not in ("RGB", "RGBA", "L", "LA"):
        im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
    fresh = Image.new(im.mode, im.size)
    fresh.paste(im)
    return fresh


def save_image(im: Image.Image, out_path, fmt: str, *, quality: int = 85):
    """Write ``im`` to ``out_path`` as ``fmt`` (``jpeg``, ``png``, ``webp``) atomically.

    No EXIF, ICC, XMP or text chunks are written.
    """
    fmt = fmt.lower()
    if fmt == "jpeg" and im.mode not in ("RGB", "L"):
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.getchannel("A") if "A" in im.getbands() else None)
        im = bg
    params = {}
    if fmt == "jpeg":
        params = {"quality": quality, "optimize": True, "progressive": True}
    elif fmt == "webp":
        params = {"quality": quality, "method": 4}
    elif fmt == "png":
        params = {"optimize": True}
    with atomic_output(out_path) as fh:
        im.save(fh, format=fmt.upper(), **params)


def sanitize_image(src_path, out_path, limits: Limits, *, fmt: str | None = None) -> tuple[str, int, int]:
    """Check an image and write a fresh re-encoded copy without embedded data.

    :param fmt: output format (``jpeg``, ``png``, ``webp``); default: the input's.
    :returns: ``(format, width, height)`` of the written copy.
    :raises MediaRejected: if the image is refused (nothing is written then).
    """
    with open(src_path, "rb") as fh:
        im = open_image(fh, limits)
        src_fmt = im.format or ""  # one of ALLOWED_FORMATS: open_image opens no other
        clean = clean_copy(im)
        im.close()
    fmt = (fmt or _SAVE_FORMAT[src_fmt]).lower()
    save_image(clean, out_path, fmt, quality=90)
    return fmt, clean.width, clean.height


def thumbnail(im: Image.Image, width: int) -> Image.Image:
    """Return ``im`` scaled to ``width`` (never enlarged), keeping its proportions."""
    if im.width <= width:
        return im.copy()
    height = max(1, round(im.height * width / im.width))
    return im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
