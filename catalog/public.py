"""The site's public address (``CONTENTLIB_PUBLIC_URL``) for links that leave the site.

Feeds, OAI-PMH identifiers, sitemaps and printed QR codes are read elsewhere and
later, so they must not carry whatever host a request came in by (a handout
printed on the server itself would otherwise encode 127.0.0.1).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def base() -> str:
    """The public base URL without a trailing slash: the setting, else the request's host."""
    configured = current_app.config.get("CONTENTLIB_PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") + request.script_root if has_request_context() else "http://localhost"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL for ``endpoint`` under the public base URL."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base() + path


def host() -> str:
    """The public host name (OAI identifiers use it as the repository's name)."""
    return urlsplit(base()).hostname or "localhost"


def init_app(app) -> None:
    app.jinja_env.globals.update(public_url=public_url)


def absolute(path: str | None) -> str | None:
    """A path the app made (``url_for``) as an absolute URL under the public base URL."""
    if path is None or "://" in path:
        return path
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base() + path
