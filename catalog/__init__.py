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

    app.url_map.converters["int"] = BoundedInt  # before any route is added
    for part in parts():
        if hasattr(part, "bp"):
            app.register_blueprint(part.bp)
        if hasattr(part, "init_app"):
            part.init_app(app)
    return app


def parts() -> tuple:
    """The app's parts in the order they hook in: each one's blueprint (``bp``) is registered, its ``init_app`` run.

    The one place a feature joins the app: add its module here.
    """
    from . import (
        admin,
        api,
        auth,
        bodies,
        browse,
        counting,
        coverage,
        delivery,
        editor,
        errors,
        extensions,
        feedback,
        feeds,
        glossary,
        headers,
        i18n,
        interface,
        lexicon,
        lists,
        media,
        metadata,
        oai,
        offline,
        opds,
        openapi,
        ops,
        public,
        pwa,
        reader,
        reports,
        reports_api,
        resources,
        search,
        settings_page,
        translate,
        translation_api,
        workflow_api,
        works,
    )
    return (bodies, ops, extensions, public, resources, counting, delivery, headers,  # request plumbing first
            i18n, browse, works, search, media, api, auth, editor, workflow_api, coverage, glossary, lists, admin,
            reports, reports_api,
            oai, opds, feeds, openapi, metadata,  # open doors for other readers and harvesters
            offline,  # "Take offline" and bundle import (issue 13)
            reader,  # the in-page book reader (issue 28)
            interface,  # editors review the interface strings (issue 16)
            lexicon,  # what the library learned across languages (issue 24)
            settings_page,  # the admin's settings: the library's name, its public address (issue 26)
            translation_api, translate,  # the translation workbench and its API (issue 23)
            pwa,  # an installable app that keeps a list on the phone (issue 27)
            feedback,  # what an action did, said on the page it returns to (issue 26)
            errors)  # last: the error pages of every part above


class BoundedInt(IntegerConverter):
    """``<int:...>`` up to 2**31 - 1: a longer number is a 404, not an overflow in the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 31 - 1)
        super().__init__(map, *args, **kwargs)
