"""Interface strings reviewed by the library's own Tibetan editors, over the shipped catalogs.

The shipped ``translations/<locale>/LC_MESSAGES/messages.po`` keep unreviewed Tibetan drafts
flagged fuzzy. An editor confirms or corrects each one in the library itself (no gettext tools);
the confirmed string is kept in the database with who confirmed it and when, is used at once
over the shipped catalog, and ``export_po`` writes it un-fuzzied for merging back into the code.

A string is text, never markup (the web shell escapes it), and it must format exactly like the
English: ``format_problem`` checks its placeholders with Babel's own parser before it is saved.
Editors may change the Tibetan strings; the Chinese and English ones are the developers' reference,
so changing them needs an admin. Every change is kept in the history, in the change's transaction.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog, TranslationError
from babel.messages.checkers import _validate_format
from babel.messages.pofile import read_po, write_po

from . import interface_terms
from .accounts import require
from .atomic import atomic_open
from .errors import InvalidRecord

MAX_LENGTH = 2000
# Who may change which locale's strings: editors the Tibetan drafts; any other locale needs "interface" (admins).
PERMISSION = {"bo": "edit"}
# A value of each conversion type, to try a translation with before it is saved.
_SAMPLES = {**dict.fromkeys("sra", "x"), **dict.fromkeys("diouxXc", 1), **dict.fromkeys("eEfFgG", 1.5)}


@dataclass(frozen=True)
class InterfaceString:
    """One interface string as an editor reviews it."""

    msgid: str
    plural: str | None
    shipped: tuple[str, ...]  # the shipped translation, one string per form
    fuzzy: bool  # shipped as an unreviewed draft
    english: str
    chinese: str
    confirmed: tuple[str, ...] | None = None
    confirmed_by: str | None = None
    confirmed_at: float | None = None
    terms: tuple[interface_terms.TermUse, ...] = ()  # the key terms it names (translations/<locale>/TERMS.md)

    @property
    def current(self) -> tuple[str, ...]:
        """What the interface shows now: the confirmed text, else the shipped one."""
        return self.confirmed or self.shipped

    @property
    def anchor(self) -> str:
        return anchor(self.msgid)


def anchor(msgid: str) -> str:
    """A string's element id on the review page: ``s-`` and 10 hex digits of its msgid's SHA-1.

    The same on every page, filter and release, unlike a row number, which named another string
    once the list changed.
    """
    return "s-" + hashlib.sha1(msgid.encode("utf-8")).hexdigest()[:10]


def po_path(translations_dir: Path, locale: str) -> Path:
    return Path(translations_dir) / locale / "LC_MESSAGES" / "messages.po"


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def shipped_catalog(translations_dir: Path, locale: str) -> Catalog:
    """The shipped .po catalog of ``locale`` (read once per change of the file)."""
    path = po_path(translations_dir, locale)
    if not path.is_file():
        raise InvalidRecord([("locale", f"no catalog for {locale!r}")])
    return _read(str(path), path.stat().st_mtime)


def _forms(message) -> tuple[str, ...]:
    s = message.string
    return tuple(s) if isinstance(s, (list, tuple)) else (s or "",)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def confirmed(store, locale: str) -> dict[str, dict]:
    """The confirmed strings of ``locale``: msgid -> {forms, confirmed_by, confirmed_at}."""
    rows = store.confirmed_strings(locale)
    return {r.msgid: {"forms": tuple(r.forms), "confirmed_by": r.confirmed_by, "confirmed_at": r.confirmed_at}
            for r in rows}


def stamp(store, locale: str) -> tuple:
    """A cheap value that changes whenever a string of ``locale`` is confirmed (for caches)."""
    return store.confirmed_stamp(locale)


def strings(store, translations_dir: Path, locale: str) -> list[InterfaceString]:
    """Every interface string of ``locale`` beside its English and Chinese; unreviewed drafts first.

    Each carries the key terms its English names and whether its current text uses them.
    """
    catalog = shipped_catalog(translations_dir, locale)
    zh, en = (shipped_catalog(translations_dir, other) for other in ("zh_Hans", "en"))
    done = confirmed(store, locale)
    terms = interface_terms.load(translations_dir, locale)
    out = []
    for message in catalog:
        if not message.id:
            continue
        msgid = _msgid(message)
        key = message.id
        english = _forms(en.get(key))[0] if en.get(key) is not None else msgid
        chinese = _forms(zh.get(key))[0] if zh.get(key) is not None else ""
        c = done.get(msgid, {})
        plural = message.id[1] if message.pluralizable else None
        current = c.get("forms") or _forms(message)
        out.append(InterfaceString(msgid, plural, _forms(message), message.fuzzy, english or msgid, chinese,
                                   c.get("forms"), c.get("confirmed_by"), c.get("confirmed_at"),
                                   interface_terms.uses(terms, f"{msgid} {plural or ''}", " ".join(current))))
    # Still to review first (shipped as drafts, then the rest), confirmed ones last.
    out.sort(key=lambda s: (s.confirmed is not None, not s.fuzzy, s.msgid.lower()))
    return out


def permission(locale: str) -> str:
    """The permission changing ``locale``'s strings needs."""
    return PERMISSION.get(locale, "interface")


def may_change(user, locale: str) -> bool:
    return user is not None and user.can(permission(locale))


def _placeholders(text: str) -> list[tuple[str | None, str, str]]:
    """``(name or None, conversion, as written)`` of each placeholder, by Babel's parser; ``%%`` is text."""
    return [(m.group(1), m.group(3), m.group(0)) for m in PYTHON_FORMAT.finditer(text)
            if not (m.group(3) == "%" and m.group(1) is None)]


def format_problem(source: str, form: str) -> str | None:
    """Why ``form`` would not format as a translation of ``source``; None when it would.

    Babel's own parser and checker (``_validate_format``) compare the placeholders; the form must
    keep every one of the English and add none (a lone ``%`` included: a percent sign is ``%%``),
    and it is tried with a value of each placeholder's type, as the interface will format it.
    """
    wanted = _placeholders(source)
    positional = any(name is None for name, _, _ in wanted)
    shown = ", ".join(sorted({w for _, _, w in wanted}))
    keep = (f"keep the placeholders of the English as they are ({shown}) and write a percent sign as %%" if shown
            else "the English has no placeholders; write a percent sign as %%")
    found = _placeholders(form)
    if not positional:
        names = {name for name, _, _ in wanted}
        for name, _, written in found:
            if name not in names:
                return f"{written} is not a placeholder of the English: {keep}"
    as_written = {w for _, _, w in wanted}
    for _, _, written in found:
        # A width or precision the English lacks (``%(num)999999999s``) would build a huge string.
        if written not in as_written:
            return f"{written} is not written as in the English: {keep}"
    if "%" in PYTHON_FORMAT.sub("", form):
        return f"has a % that is not a placeholder: {keep}"
    try:
        _validate_format(source, form)
    except TranslationError as exc:
        return f"{exc}: {keep}"
    if not positional and {n for n, _, _ in found} != {n for n, _, _ in wanted}:
        return f"must keep the placeholders of the English ({shown})"
    values = (tuple(_SAMPLES.get(c, "x") for _, c, _ in wanted) if positional
              else {name: _SAMPLES.get(c, "x") for name, c, _ in wanted})
    try:
        form % values
    except (KeyError, ValueError, TypeError, IndexError, OverflowError) as exc:
        return f"would not display ({exc}): {keep}"
    return None


def _check(message, locale: str, forms: list[str]) -> tuple[str, ...]:
    problems = []
    want = len(_forms(message))
    forms = [(f or "").strip() for f in forms]
    if len(forms) != want:
        problems.append(("forms", f"expected {want} form(s), got {len(forms)}"))
    ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
    for i, form in enumerate(forms):
        if not form:
            problems.append((f"forms[{i}]", "is empty"))
        elif len(form) > MAX_LENGTH:
            problems.append((f"forms[{i}]", f"is longer than {MAX_LENGTH} characters"))
        else:
            # The first form against the singular, the others against the plural; a locale with one form
            # for every number (Tibetan, Chinese) against the plural, which names the count.
            problem = format_problem(ids[-1] if len(forms) == 1 else ids[min(i, len(ids) - 1)], form)
            if problem:
                problems.append((f"forms[{i}] placeholders", problem))
    if problems:
        raise InvalidRecord(problems)
    return tuple(forms)


def confirm(store, user, translations_dir: Path, locale: str, msgid: str, forms: list[str],
            now: float | None = None) -> InterfaceString:
    """Confirm (or correct) one interface string; it is used from the next request on, and kept in the history.

    :raises NotAllowed: unless the user may change ``locale``'s strings (``permission``).
    :raises InvalidRecord: for an unknown string, an empty text, or one that would not format like the English.
    """
    require(user, permission(locale))
    catalog = shipped_catalog(translations_dir, locale)
    message = next((m for m in catalog if m.id and _msgid(m) == msgid), None)
    if message is None:
        raise InvalidRecord([("msgid", "is not an interface string of this library")])
    clean = _check(message, locale, forms)
    store.put_confirmed_string(locale, msgid, list(clean), user.name, time.time() if now is None else now)
    return next(s for s in strings(store, translations_dir, locale) if s.msgid == msgid)


def history(store, locale: str, msgid: str | None = None) -> list[dict]:
    """Every change to ``locale``'s strings (or one of them), oldest first: who, when, before and after."""
    return [{"msgid": r.msgid, "at": r.at, "actor": r.actor,
             "before": None if r.before is None else tuple(r.before), "after": tuple(r.after)}
            for r in store.interface_history_rows(locale, msgid)]


def overrides(store, locale: str) -> dict:
    """The confirmed strings as a gettext ``_catalog`` update: msgid, or (msgid, n) for plurals."""
    out = {}
    for msgid, forms in ((r.msgid, r.forms) for r in store.confirmed_strings(locale)):
        if len(forms) == 1:
            out[msgid] = forms[0]
        for n, form in enumerate(forms):
            out[(msgid, n)] = form
    return out


def export_po(store, translations_dir: Path, locale: str, out_path: Path) -> int:
    """Write the shipped catalog with every confirmed string in it, un-fuzzied; return how many.

    The file replaces ``translations/<locale>/LC_MESSAGES/messages.po`` (or merges into it with
    msgcat): the editors' review goes back into the code. Written atomically.
    """
    catalog = shipped_catalog(translations_dir, locale)
    done = confirmed(store, locale)
    out = Catalog(locale=catalog.locale, domain=catalog.domain, project=catalog.project,
                  version=catalog.version, msgid_bugs_address=catalog.msgid_bugs_address,
                  creation_date=catalog.creation_date, header_comment=catalog.header_comment,
                  fuzzy=False)
    out.mime_headers = catalog.mime_headers  # plural forms and the rest, as shipped
    count = 0
    for message in catalog:
        if not message.id:
            continue
        flags = set(message.flags)
        string = message.string
        c = done.get(_msgid(message))
        if c is not None:
            string = list(c["forms"]) if message.pluralizable else c["forms"][0]
            flags.discard("fuzzy")
            count += 1
        out.add(message.id, string, locations=message.locations, flags=flags,
                auto_comments=message.auto_comments, user_comments=message.user_comments,
                context=message.context)
    out_path = Path(out_path)
    with atomic_open(out_path, prefix=".export-", suffix=".po") as fh:
        write_po(fh, out, width=76, omit_header=False)
    return count
