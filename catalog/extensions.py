"""Flask extensions, created unbound and attached in ``init_app``."""

from importlib import resources
from pathlib import Path

from flask import request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from contentlib.settings import LOCALES, ROOT

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
LOCALE_COOKIE = "locale"


def select_locale() -> str:
    """The visitor's own choice, then Accept-Language, then the configured default."""
    from flask import current_app

    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    for value, quality in request.accept_languages:
        if quality <= 0:  # "en;q=0" means "not English"
            continue
        lang = value.lower().replace("_", "-")
        if lang.startswith("bo"):
            return "bo"
        if lang.startswith("zh"):
            return "zh_Hans"
        if lang.startswith("en"):
            return "en"
    return current_app.config["CONTENTLIB_DEFAULT_LOCALE"]


def translations_dir() -> str:
    """The compiled catalogs: inside the installed package (a wheel), else ``translations/`` of the checkout."""
    packaged = Path(str(resources.files("catalog").joinpath("translations")))
    return str(packaged if packaged.is_dir() else ROOT / "translations")


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translations_dir())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["CONTENTLIB_DEFAULT_LOCALE"])
    # A reading-room page may stay open for hours: the token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    babel.init_app(app, locale_selector=select_locale)
    from . import texts

    texts.init_app(app)  # translations are text in templates, not markup
    csrf.init_app(app)
    login_manager.init_app(app)
