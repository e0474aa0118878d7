"""The Flask shell around contentlib: create_app() and its blueprints."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from contentlib.settings import defaults


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: settings from the environment, then the instance file or test config."""
    app = Flask(__name__)
    app.config.from_mapping(defaults())
    if test_config is None:
        app.config.from_pyfile(str(Path(app.config["CONTENTLIB_INSTANCE_DIR"]) / "config.py"), silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["SECRET_KEY"] = app.config.get("CONTENTLIB_SECRET_KEY") or _instance_secret(app)
    if not app.config.get("TESTING"):
        _refuse_weak_secret(app.config["SECRET_KEY"])
    secure = bool(app.config["CONTENTLIB_SECURE_COOKIES"])
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure)
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * 1024 ** 3)

    from . import counting, delivery, extensions, ops, public, resources
    ops.init_app(app)
    extensions.init_app(app)
    public.init_app(app)
    resources.init_app(app)
    counting.init_app(app)
    delivery.init_app(app)

    app.url_map.converters["int"] = BoundedInt
    from . import admin, api, auth, browse, coverage, editor, errors, glossary, i18n, lists, media, search, workflow_api, works
    from . import reports, reports_api
    for module in (ops, i18n, browse, works, search, media, api, auth, editor, workflow_api, coverage, glossary, lists,
                   admin, reports, reports_api):
        app.register_blueprint(module.bp)
    from . import feeds, metadata, oai, openapi, opds
    for module in (oai, opds, feeds, openapi):  # open doors for other readers and harvesters
        app.register_blueprint(module.bp)
    metadata.init_app(app)
    from . import offline  # "Take offline" and bundle import (issue 13)
    app.register_blueprint(offline.bp)
    from . import interface  # editors review the interface strings (issue 16)
    app.register_blueprint(interface.bp)
    interface.init_app(app)
    errors.init_app(app)
    media.init_app(app)
    return app


class BoundedInt(IntegerConverter):
    """``<int:...>`` up to 2**31 - 1: a longer number is a 404, not an overflow in the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 31 - 1)
        super().__init__(map, *args, **kwargs)


# Keys seen in tutorials and sample configs: anyone could sign sessions with them.
WEAK_SECRETS = {"dev", "development", "changeme", "change-me", "change_me", "secret", "secret-key", "secretkey",
                "default", "test", "testing", "password", "key", "flask", "contentlib", "your-secret-key"}


def _refuse_weak_secret(key: str) -> None:
    """Refuse a known or short secret key outside tests (sessions and CSRF rely on it)."""
    if not key or key.strip().lower() in WEAK_SECRETS or len(key.strip()) < 16:
        raise RuntimeError("CONTENTLIB_SECRET_KEY is a known or too short value; unset it to have one "
                           "generated for this installation, or set at least 16 random characters")


def _instance_secret(app: Flask) -> str:
    """Read (or make once) the installation's own secret key under the instance folder."""
    path = Path(app.config["CONTENTLIB_INSTANCE_DIR"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
