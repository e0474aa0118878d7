"""Light delivery for slow connections: versioned static URLs, cache headers, gzip.

``url_for('static', filename=...)`` gets ``?v=<content hash>``, so a browser
may keep those files for a year and still sees a new stylesheet the moment
it changes. Files reached without a version (the web font, referenced from
fonts.css by a relative URL) are cached for a month and revalidated by ETag.
Pages, stylesheets and other text responses are gzipped when the browser accepts it:
waitress serves the app directly in a county reading room, with no proxy in
front to compress for it.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from flask import request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
MONTH = 30 * 24 * 3600
DAY = 24 * 3600
COMPRESSIBLE = {"text/html", "text/css", "text/plain", "application/json", "application/javascript",
                "text/javascript", "image/svg+xml"}
MIN_COMPRESS = 1024  # bytes; below this gzip's own header eats the gain


def init_app(app) -> None:
    hashes: dict[str, str | None] = {}

    def version(filename: str) -> str | None:
        """First 12 hex digits of the file's SHA-256 (read once per process unless debugging)."""
        if app.debug or filename not in hashes:
            path = safe_join(app.static_folder, filename)
            try:
                data = Path(path).read_bytes() if path else None
                hashes[filename] = hashlib.sha256(data).hexdigest()[:12] if data is not None else None
            except OSError:
                hashes[filename] = None
        return hashes[filename]

    @app.url_defaults
    def add_static_version(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            v = version(values["filename"])
            if v:
                values["v"] = v

    @app.after_request
    def deliver(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            cc = response.cache_control
            cc.no_cache = None
            cc.public = True
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args["v"] == version(filename):
                cc.max_age, cc.immutable = YEAR, True
            else:
                cc.max_age = MONTH if request.path.endswith((".woff2", ".woff")) else DAY
            if response.status_code == 200 and response.mimetype in COMPRESSIBLE:
                response.direct_passthrough = False  # a small stylesheet: read it and compress it
                response.set_data(response.get_data())
                return _gzip(response)
            return response
        if response.mimetype == "text/html":
            # The same URL speaks the visitor's language: caches must key on what chose it.
            response.vary.update(("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", _content_language())
        return _gzip(response)


def _content_language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "").replace("_", "-")


def _gzip(response):
    """Compress a buffered text response in place when the browser accepts gzip."""
    if (response.direct_passthrough or response.is_streamed or response.status_code < 200
            or response.status_code in (204, 304) or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
        return response
    response.vary.add("Accept-Encoding")
    data = response.get_data()
    if len(data) < MIN_COMPRESS:
        return response
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:  # same content, other bytes: only a weak validator still holds
        response.set_etag(etag, weak=True)
    return response
