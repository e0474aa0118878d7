"""The Flask shell around contentlib: create_app() and its blueprints."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from contentlib import secret_key
from contentlib.settings import defaults


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: settings from the environment, then the instance file or test config."""
    app = Flask(__name__)
    app.config.from_mapping(defaults())
    if test_config is None:
        app.config.from_pyfile(str(Path(app.config["CONTENTLIB_INSTANCE_DIR"]) / "config.py"), silent=True)
    else:
        app.config.from_mapping(test_config)
    # Always checked (tests pass a strong key too): no setting switches the check off.
    configured = app.config.get("CONTENTLIB_SECRET_KEY")
    if configured:
        secret_key.check(configured)
    app.config["SECRET_KEY"] = configured or secret_key.instance_key(Path(app.config["CONTENTLIB_INSTANCE_DIR"]))
    secure = bool(app.config["CONTENTLIB_SECURE_COOKIES"])
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure)
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * 1024 ** 3)
    if app.config["CONTENTLIB_PROXIES"] > 0:  # behind nginx every request comes from 127.0.0.1 otherwise
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["CONTENTLIB_PROXIES"])

    from . import bodies, counting, delivery, extensions, headers, ops, public, resources
    bodies.init_app(app)
    ops.init_app(app)
    extensions.init_app(app)
    public.init_app(app)
    resources.init_app(app)
    counting.init_app(app)
    delivery.init_app(app)
    headers.init_app(app)

    app.url_map.converters["int"] = BoundedInt
    from . import (
        admin,
        api,
        auth,
        browse,
        coverage,
        editor,
        errors,
        glossary,
        i18n,
        lists,
        media,
        reports,
        reports_api,
        search,
        workflow_api,
        works,
    )
    for module in (ops, i18n, browse, works, search, media, api, auth, editor, workflow_api, coverage, glossary, lists,
                   admin, reports, reports_api):
        app.register_blueprint(module.bp)
    from . import feeds, metadata, oai, opds, openapi
    for module in (oai, opds, feeds, openapi):  # open doors for other readers and harvesters
        app.register_blueprint(module.bp)
    metadata.init_app(app)
    from . import offline  # "Take offline" and bundle import (issue 13)
    app.register_blueprint(offline.bp)
    from . import reader  # the in-page book reader (issue 28)
    app.register_blueprint(reader.bp)
    from . import interface  # editors review the interface strings (issue 16)
    app.register_blueprint(interface.bp)
    interface.init_app(app)
    from . import lexicon  # what the library learned across languages (issue 24)
    app.register_blueprint(lexicon.bp)
    from . import settings_page  # the admin's settings: the library's name, its public address (issue 26)
    app.register_blueprint(settings_page.bp)
    from . import translate, translation_api  # the translation workbench and its API (issue 23)
    app.register_blueprint(translation_api.bp)
    app.register_blueprint(translate.bp)
    from . import feedback  # what an action did, said on the page it returns to (issue 26)
    app.register_blueprint(feedback.bp)
    errors.init_app(app)
    media.init_app(app)
    return app


class BoundedInt(IntegerConverter):
    """``<int:...>`` up to 2**31 - 1: a longer number is a 404, not an overflow in the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 31 - 1)
        super().__init__(map, *args, **kwargs)
