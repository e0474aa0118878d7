"""Locale choice (a cookie set by the switcher) and the template helpers that follow it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, url_for
from flask_babel import get_locale

from contentlib.settings import LOCALES

from .extensions import LOCALE_COOKIE
from .resources import get_library
from .texts import lazy_gettext as _l

bp = Blueprint("i18n", __name__)

# Each language named in itself, so a reader finds their own whatever the page's locale.
NATIVE_NAMES = {"bo": "བོད་ཡིག", "zh_Hans": "中文", "en": "English"}
CONTENT_LANGUAGE_NAMES = {"bo": _l("Tibetan"), "zh": _l("Chinese"), "en": _l("English")}
ROLE_NAMES = {"author": _l("author"), "producer": _l("producer"), "translator": _l("translator"),
              "narrator": _l("narrator"), "illustrator": _l("illustrator"), "reviewer": _l("reviewer")}
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")
HTML_LANG = {"bo": "bo", "zh_Hans": "zh-Hans", "en": "en"}


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the switcher cannot be used as an open redirect.

    Control characters (CR/LF could split the Location header), backslashes
    (browsers read ``/\\host`` as ``//host``) and overlong values go home too.
    """
    if not target or len(target) > 2000 or _UNSAFE_IN_NEXT.search(target):
        return url_for("browse.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("browse.home")
    return target


@bp.post("/locale")
def set_locale():
    locale = request.form.get("locale", "")
    response = redirect(_safe_next(request.form.get("next")))
    if locale in LOCALES:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def ui_locale() -> str:
    return str(get_locale() or "bo")


def content_lang() -> str:
    """The content language matching the UI locale (zh_Hans -> zh)."""
    return ui_locale().split("_")[0]


def label(scheme: str, code: str) -> str:
    """A vocabulary term's label in the visitor's language."""
    term = get_library().vocabulary().get(scheme, code)
    return term.label(content_lang()) if term else code


def preferred_languages() -> tuple[str, ...]:
    first = content_lang()
    return (first,) + tuple(lang for lang in ("bo", "zh", "en") if lang != first)


@bp.app_context_processor
def helpers():
    locale = ui_locale()
    return {
        "ui_locale": locale,
        "html_lang": HTML_LANG.get(locale, locale),
        "html_dir": get_locale().text_direction if get_locale() else "ltr",
        "locales": [(code, NATIVE_NAMES[code]) for code in LOCALES],
        "label": label,
        "language_name": lambda code: CONTENT_LANGUAGE_NAMES.get(code, code),
        "role_name": lambda code: ROLE_NAMES.get(code, code),
        "preferred": preferred_languages(),
    }
