"""The site's public address for links that leave the site.

``CONTENTLIB_PUBLIC_URL`` when set, else the address an admin stored on the settings page
(``Library.site.public_url``), else the request's own host.

Feeds, OAI-PMH identifiers, sitemaps and printed QR codes are read elsewhere and
later, so they must not carry whatever host a request came in by (a handout
printed on the server itself would otherwise encode 127.0.0.1).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import has_app_context, has_request_context, request, url_for

from .resources import get_library

_KEY = "contentlib.public_url"


def configured() -> str | None:
    """The public address set for this library (variable or settings page), read once per request."""
    if not has_app_context():
        return None
    if not has_request_context():
        return get_library().site.public_url()
    if _KEY not in request.environ:
        request.environ[_KEY] = get_library().site.public_url()
    return request.environ[_KEY]


def base() -> str:
    """The public base URL without a trailing slash: the setting, else the request's host."""
    address = configured()
    if address:
        return address.rstrip("/")
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
    app.jinja_env.globals.update(public_url=public_url, public_address=configured, public_base=base)


def absolute(path: str | None) -> str | None:
    """A path the app made (``url_for``) as an absolute URL under the public base URL."""
    if path is None or "://" in path:
        return path
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base() + path
