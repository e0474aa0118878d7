"""The Flask shell around contentlib: create_app() and its blueprints."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

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
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * 1024 ** 3)

    from . import delivery, extensions, resources
    extensions.init_app(app)
    resources.init_app(app)
    delivery.init_app(app)

    from . import api, browse, errors, i18n, media, search, works
    for module in (i18n, browse, works, search, media, api):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    media.init_app(app)
    return app


def _instance_secret(app: Flask) -> str:
    """Read (or make once) the installation's own secret key under the instance folder."""
    path = Path(app.config["CONTENTLIB_INSTANCE_DIR"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
