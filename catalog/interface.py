"""Tibetan editors review the interface: the strings page, and the confirmed strings used at once.

``ReviewedDomain`` is Flask-Babel's domain with the editors' confirmed strings laid over the
shipped catalog. Each request asks the database for a cheap stamp (count and newest time of
confirmations); the merged catalog is rebuilt only when it changed, so a confirmation shows on
the next page in every serving process, without a restart. Its ``gettext`` family formats like
the templates' (``catalog.texts``): a translation that will not format gives the English text.
Editors change the Tibetan strings; the Chinese and English ones need an admin (the page shows
them read-only to others).
"""

from __future__ import annotations

from pathlib import Path

from babel import support
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import Domain, get_locale

from contentlib.errors import InvalidRecord
from contentlib.settings import LOCALES

from .auth import acting_user, needs
from .feedback import done
from .resources import get_library
from .texts import formatted, plural_source

bp = Blueprint("interface", __name__, url_prefix="/editor/interface")


def translations_dir() -> Path:
    return Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])


class ReviewedDomain(Domain):
    """The shipped catalogs with the strings editors confirmed laid over them."""

    def __init__(self):
        super().__init__()
        self._merged: dict[str, tuple] = {}  # locale -> (stamp, Translations)

    def get_translations(self):
        base = super().get_translations()
        if not g or getattr(g, "_contentlib_no_overrides", False):
            return base
        locale = str(get_locale())
        mine = getattr(g, "_contentlib_ui", {})  # per locale: force_locale switches within a request
        if locale in mine:
            return mine[locale]
        try:
            strings = get_library().interface
            stamp = strings.stamp(locale)
        except Exception:  # noqa: BLE001  no database yet (or a CLI without one): the shipped strings
            g._contentlib_no_overrides = True
            return base
        if not stamp[0]:
            merged = base
        else:
            cached = self._merged.get(locale)
            if cached is None or cached[0] != stamp:
                merged = support.Translations()
                merged.merge(base)
                if hasattr(base, "plural"):
                    merged.plural = base.plural
                merged._catalog.update(strings.overrides(locale))
                self._merged[locale] = (stamp, merged)
            merged = self._merged[locale][1]
        g._contentlib_ui = {**mine, locale: merged}
        return merged

    def gettext(self, string, /, **variables):
        return formatted(self.get_translations().ugettext(string), string, variables)

    def ngettext(self, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        return formatted(self.get_translations().ungettext(singular, plural, num),
                         plural_source(singular, plural, num), variables)

    def pgettext(self, context, string, /, **variables):
        return formatted(self.get_translations().upgettext(context, string), string, variables)

    def npgettext(self, context, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        return formatted(self.get_translations().unpgettext(context, singular, plural, num),
                         plural_source(singular, plural, num), variables)


def init_app(app) -> None:
    domain = ReviewedDomain()

    @app.before_request
    def reviewed_strings():
        domain.as_default()


def _page(locale, values, status=200, failed=None, **extra):
    """The review page that ``values`` (the request's query, or the confirm form) ask for."""
    review = get_library().interface.review(acting_user(), translations_dir(), locale, values.get("state"),
                                            values.get("q"), values.get("start"), values.get("keep"), failed)
    return render_template("editor/interface.html", page=review, locale=locale, ui_locales=LOCALES,
                           may_change=review.may_change, failed=failed, **extra), status


@bp.get("/")
@needs("edit")
def page():
    locale = request.args.get("locale", "bo")
    if locale not in LOCALES:
        abort(404)
    return _page(locale, request.args)


@bp.post("/<locale>")
@needs("edit")
def confirm(locale):
    """Save one string; back to the same filter, search and page, at the saved string (its anchor is its msgid's)."""
    if locale not in LOCALES:
        abort(404)
    msgid = request.form.get("msgid", "")
    forms = request.form.getlist("form")
    try:
        saved = get_library().interface.confirm(acting_user(), translations_dir(), locale, msgid, forms)
    except InvalidRecord as exc:
        return _page(locale, request.form, 400, problems=exc.problems, failed=msgid, tried=forms,
                     placeholders=any(f.endswith(" placeholders") for f, _ in exc.problems))
    review = {k: request.form.get(k, "") for k in ("state", "q", "start")}
    back = url_for("interface.page", locale=locale, **{k: v for k, v in review.items() if v}, keep=saved.anchor)
    return redirect(done(back, "string-saved", saved.anchor))
