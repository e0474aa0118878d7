"""Translations are text: escaped on output, and shown in English when one will not format.

Jinja's i18n extension (as Flask-Babel installs it) wraps each translation in ``Markup`` before
formatting it, and Flask-Babel's lazy strings give themselves out as HTML unescaped: an editor's
string would reach every visitor as markup. Here the template ``_``/``gettext``/``ngettext`` escape
the translation first (Markup's ``%`` then escapes the values), and ``lazy_gettext`` makes lazy
strings that escape themselves. A translation that will not format with the values given (a stray
``%``, a wrong placeholder: a bad row in the database, a bad .po) gives the source text instead and
is logged once per app, never a 500.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from flask_babel import get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import escape

log = logging.getLogger(__name__)
_FORMAT_ERRORS = (KeyError, ValueError, TypeError, IndexError, OverflowError)


def formatted(text: str, source: str, variables: dict, markup: bool = False):
    """``text % variables`` (``text`` escaped first with ``markup``); the source text if it will not format."""
    if markup:
        text, source = escape(text), escape(source)
    try:
        return text % variables
    except _FORMAT_ERRORS as exc:
        _warn(str(source), str(text), exc)
        return source % variables


def _warn(source: str, text: str, exc: Exception) -> None:
    seen = current_app.extensions.setdefault("contentlib_bad_strings", set()) if has_app_context() else set()
    key = (str(get_locale()), source, text)
    if key in seen:
        return
    if len(seen) > 1000:
        seen.clear()
    seen.add(key)
    log.warning("interface string %r in %s will not format (%s): the source text is shown instead of %r",
                source, key[0], exc, text)


def plural_source(singular: str, plural: str, num) -> str:
    """The English text for ``num`` (English has two forms)."""
    return singular if num == 1 else plural


@pass_context
def _gettext(context, string: str, /, **variables):
    return formatted(get_translations().ugettext(string), string, variables, context.eval_ctx.autoescape)


@pass_context
def _ngettext(context, singular: str, plural: str, num, /, **variables):
    variables.setdefault("num", num)
    return formatted(get_translations().ungettext(singular, plural, num), plural_source(singular, plural, num),
                     variables, context.eval_ctx.autoescape)


@pass_context
def _pgettext(context, ctx: str, string: str, /, **variables):
    variables.setdefault("context", ctx)
    return formatted(get_translations().upgettext(ctx, string), string, variables, context.eval_ctx.autoescape)


@pass_context
def _npgettext(context, ctx: str, singular: str, plural: str, num, /, **variables):
    variables.setdefault("context", ctx)
    variables.setdefault("num", num)
    return formatted(get_translations().unpgettext(ctx, singular, plural, num), plural_source(singular, plural, num),
                     variables, context.eval_ctx.autoescape)


class LazyText(LazyString):
    """A lazy translation that stays text in a template (Flask-Babel's marks itself safe HTML)."""

    def __html__(self):
        return escape(str(self))


def lazy_gettext(string: str, /, **variables) -> LazyText:
    return LazyText(gettext, string, **variables)


def init_app(app) -> None:
    """Replace the template gettext functions Flask-Babel installed (after ``babel.init_app``)."""
    app.jinja_env.globals.update(gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext)
