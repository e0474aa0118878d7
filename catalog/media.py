"""Media delivery: originals and derived files by sha256, and cover cards.

Werkzeug's ``send_file`` answers Range requests (206), conditional requests and
writes RFC 5987 ``filename*=`` for names in Tibetan or Chinese. Whether a file
may be sent at all is decided by the database (``contentlib.access``), for an
original and its derived files alike: published files are content-addressed and
cached for a year; draft files go only to editors and reviewers, never cached.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, make_response, redirect, request, send_file, url_for

from contentlib.attachments import CARD_WIDTHS

from .auth import acting_user
from .resources import get_library

bp = Blueprint("media", __name__)

YEAR = 365 * 24 * 3600
SHA = re.compile(r"^[0-9a-f]{64}$")
# Derived files are flat names the renditions code chooses (thumb-320.webp, poster.jpg, subtitle.vtt).
DERIVED_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")
DERIVED_TYPES = {".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png", ".vtt": "text/vtt",
                 ".mp4": "video/mp4"}  # light.mp4: the light video (contentlib.lightvideo)
DATA_SAVER_COOKIE = "data_saver"


def _cache(response, public: bool):
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if public else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _file(sha256: str, derived: str | None = None):
    """The file's access and path for this request's user, or 404 (unknown, a draft they may not see, not made)."""
    if not SHA.match(sha256):
        abort(404)
    found = get_library().media_file(sha256, acting_user(), derived)
    if found is None:
        abort(404)
    return found


@bp.get("/media/<sha256>")
def original(sha256):
    access, path = _file(sha256)
    entry = access.entry
    download = request.args.get("download") == "1"
    response = send_file(path, mimetype=entry.content_type or "application/octet-stream", conditional=True,
                         as_attachment=download, download_name=entry.original_name or sha256, max_age=YEAR)
    return _cache(response, access.public)


@bp.get("/media/<sha256>/derived/<path:name>")
def derived(sha256, name):
    suffix = name[name.rfind("."):]
    if not DERIVED_NAME.match(name) or suffix not in DERIVED_TYPES:
        abort(404)
    access, path = _file(sha256, name)
    response = send_file(path, mimetype=DERIVED_TYPES[suffix], conditional=True, max_age=YEAR,
                         as_attachment=request.args.get("download") == "1", download_name=name)
    return _cache(response, access.public)


@bp.get("/media/<sha256>/book/<name>")
def book(sha256, name):
    """A picture of the reader's copy of a book (a PDF page, an EPUB's picture), under the file's own access."""
    if not SHA.match(sha256):
        abort(404)
    found = get_library().book_file(sha256, name, acting_user())
    if found is None:
        abort(404)
    access, path = found
    return _cache(send_file(path, mimetype="image/webp", conditional=True, max_age=YEAR), access.public)


@bp.get("/cards/<key>-<int:width>.webp")
def card(key, width):
    if not SHA.match(key) or width not in CARD_WIDTHS:
        abort(404)
    path = get_library().card_file(key, width)
    if path is None:
        abort(404)
    return _cache(send_file(path, mimetype="image/webp", conditional=True, max_age=YEAR), public=True)


def _derived_url(sha256: str, rel: str | None) -> str | None:
    """URL of a derived file given its path relative to the media store root."""
    prefix = f"derived/{sha256}/"
    if not rel or not rel.startswith(prefix):
        return None
    return url_for("media.derived", sha256=sha256, name=rel[len(prefix):])


def describe(entry) -> dict:
    """A media entry as the API and the work page show it: record fields plus URLs and facts."""
    file = entry.info.get("file") or {}
    made = entry.info.get("renditions") or {}
    kind = file.get("kind")
    out = {"path": entry.path, "role": entry.role}
    if entry.lang:
        out["lang"] = entry.lang
    out.update(sha256=entry.sha256, size=entry.size, content_type=entry.content_type, kind=kind,
               url=url_for("media.original", sha256=entry.sha256),
               download_url=url_for("media.original", sha256=entry.sha256, download="1"),
               name=entry.original_name, ready="renditions" in entry.info)
    if kind == "image" and made.get("image"):  # the re-encoded copy: no EXIF, nothing appended
        out["url"] = _derived_url(entry.sha256, made["image"])
    if kind in ("image", "video", "book"):
        thumbs = made.get("thumbnails") or {}
        small = thumbs.get(320) or thumbs.get("320") or {}
        out["thumbnail_url"] = _derived_url(entry.sha256, small.get("webp"))
        out["thumbnail_jpeg_url"] = _derived_url(entry.sha256, small.get("jpeg"))
        out["image_url"] = _derived_url(entry.sha256, made.get("image"))
        out["width"], out["height"] = made.get("width") or file.get("width"), made.get("height") or file.get("height")
    if kind in ("video", "audio"):
        seconds = made.get("duration_seconds") or file.get("duration_seconds")
        out["duration_seconds"] = round(seconds) if seconds is not None else None
    if kind == "video":
        out["renditions"] = _renditions(entry, out, made)
        light = next((r for r in out["renditions"] if r["role"] == "light"), None)
        out["light_url"] = light["url"] if light else None
        out["light_size"] = light["size"] if light else None
    if kind == "book":
        out["pages"] = made.get("pages") or file.get("pages")
    if kind == "subtitle":
        out["vtt_url"] = _derived_url(entry.sha256, made.get("vtt")) if file.get("format") == "srt" else out["url"]
    return out


def _renditions(entry, out: dict, made: dict) -> list[dict]:
    """The original and (once made) the light copy of a video, each with role, height, bitrate, size, url."""
    seconds = out.get("duration_seconds")
    original = {"role": "original", "height": out.get("height"), "size": entry.size,
                "bitrate": int(entry.size * 8 / seconds) if entry.size and seconds else None,
                "url": out["url"], "download_url": out["download_url"], "content_type": entry.content_type}
    light = made.get("light") or {}
    if not light.get("sha256"):
        return [original]
    if light.get("same"):
        url, download = out["url"], out["download_url"]
    else:
        url = _derived_url(entry.sha256, light.get("path"))
        download = url and url + "?download=1"
    if url is None:
        return [original]
    return [original, {"role": "light", "height": light.get("height"), "bitrate": light.get("bitrate"),
                       "size": light.get("size"), "url": url, "download_url": download, "content_type": "video/mp4"}]


def data_saver() -> bool:
    """Whether to play light videos: the visitor's choice (a cookie), else the browser's ``Save-Data: on``.

    ``?light=1`` asks for the light copy whatever the cookie says: "Keep on this phone" keeps the
    page as it plays from the phone (keep.js).
    """
    if request.args.get("light") == "1":
        return True
    chosen = request.cookies.get(DATA_SAVER_COOKIE)
    if chosen in ("1", "0"):
        return chosen == "1"
    return request.headers.get("Save-Data", "").strip().lower() == "on"


@bp.post("/data-saver")
def set_data_saver():
    """Remember the visitor's data saver choice for a year, then go back to the page."""
    from .i18n import _safe_next

    on = request.form.get("on") == "1"
    response = make_response(redirect(_safe_next(request.form.get("next"))))
    response.set_cookie(DATA_SAVER_COOKIE, "1" if on else "0", max_age=YEAR, samesite="Lax", httponly=True)
    return response


def cover_url(work, width: int = 320) -> str | None:
    """The work's picture: a thumbnail of its cover, poster, video frame or first page, else its card."""
    for role in ("cover", "poster", "original", "document", "dub"):
        for entry in work.media:
            if entry.role == role:
                url = describe(entry).get("thumbnail_url")
                if url:
                    return url
    key = get_library().cover_card(work, width)  # not drawn yet: a worker is asked to, a placeholder shows meanwhile
    return url_for("media.card", key=key, width=width) if key else None


def init_app(app) -> None:
    app.jinja_env.globals.update(cover_url=cover_url, data_saver=data_saver)
    app.jinja_env.filters["describe_media"] = describe

    @app.after_request
    def nosniff(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
