"""Count use as responses leave: work page views, plays and downloads (see ``contentlib.usage``).

Which request is which use:

- a view: ``GET /works/<id>`` answered 200, under the visitor's interface language;
- plays and downloads count under the language of the file (a dub, a subtitle track, a translated
  leaflet), or under the visitor's interface language when the file has none (most videos), never
  under "no language", so they show in each language's figures;
- a play: ``GET /media/<sha256>`` of a video or audio file with no ``Range`` header or one
  starting at byte 0 (``bytes=0-``): what a player asks for when someone presses play
  (the page's players have ``preload="none"``); the later range requests of the same play
  and seeks start elsewhere and are not counted;
- a download: ``GET /media/<sha256>?download=1`` (the page's download links), and
  ``download_light`` the same on a light rendition (``/media/<sha256>/derived/light...``).

Requests from robots that say so (``bot``, ``crawler``, ``spider`` in their agent) and
browser prefetches are not counted. The agent is read, never stored.
"""

from __future__ import annotations

import re

from flask import current_app, request

from contentlib.usage import Counter

from .i18n import content_lang

ROBOT = re.compile(r"bot|crawl|spider|slurp|preview", re.I)
FIRST_BYTES = re.compile(r"^\s*bytes\s*=\s*0\s*-")


def get_counter() -> Counter | None:
    return current_app.extensions.get("contentlib_usage")


def _starts_playing() -> bool:
    header = request.headers.get("Range")
    return header is None or bool(FIRST_BYTES.match(header))


def _count(response) -> None:
    if request.method != "GET" or response.status_code not in (200, 206):
        return
    if ROBOT.search(request.headers.get("User-Agent", "")) or "prefetch" in (
            request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")).lower():
        return
    endpoint, args = request.endpoint, request.view_args or {}
    counter = current_app.extensions["contentlib_usage"]
    if endpoint == "works.show":
        counter.add("view", work_id=args.get("work_id"), lang=content_lang())
        return
    light = endpoint == "media.derived" and args.get("name", "").startswith("light")
    if endpoint != "media.original" and not light:
        return
    if request.args.get("download") == "1":
        counter.add("download_light" if light else "download", sha256=args.get("sha256"), lang=content_lang())
    elif response.mimetype.startswith(("video/", "audio/")) and _starts_playing():
        counter.add("play", sha256=args.get("sha256"), lang=content_lang())


def init_app(app) -> None:
    lib = app.extensions["contentlib"]
    # This library's name and id are written here at its first start, before requests race to make them;
    # reports and exports use them (``library.site``).
    lib.local_library()
    if not app.config["CONTENTLIB_COUNT_USE"]:
        return
    app.extensions["contentlib_usage"] = lib.use_counter(app.config["CONTENTLIB_COUNT_FLUSH_SECONDS"])

    @app.after_request
    def count_use(response):
        try:
            _count(response)
        except Exception:  # counting never breaks a page
            app.logger.exception("could not count this request")
        return response
