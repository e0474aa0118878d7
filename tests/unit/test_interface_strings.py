"""Editors confirm interface strings in the library; exports carry them back un-fuzzied."""

import pytest
from babel.messages.pofile import read_po

from contentlib import accounts
from contentlib import interface_strings as ui
from contentlib.errors import InvalidRecord, NotAllowed
from contentlib.settings import ROOT

TRANSLATIONS = ROOT / "translations"


@pytest.fixture
def people(store):
    accounts.create_user(store, "dolma", "editor", "a long enough password")
    accounts.create_user(store, "li", "teacher", "a long enough password")
    return {n: accounts.get_user(store, n) for n in ("dolma", "li")}


def _first_fuzzy(store):
    return next(s for s in ui.strings(store, TRANSLATIONS, "bo") if s.fuzzy and not s.plural)


def test_drafts_come_first_beside_english_and_chinese(store):
    listed = ui.strings(store, TRANSLATIONS, "bo")
    assert listed[0].fuzzy and not listed[-1].fuzzy
    search = next(s for s in listed if s.msgid == "Search")
    assert search.english == "Search" and search.chinese == "搜索" and search.shipped[0]


def test_a_confirmed_string_is_kept_with_who_and_when_and_exports_unfuzzied(store, people, tmp_path):
    draft = _first_fuzzy(store)
    fixed = draft.shipped[0] + "།" if not draft.shipped[0].endswith("།") else draft.shipped[0]
    done = ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", draft.msgid, [fixed], now=1_800_000_000.0)
    assert done.confirmed == (fixed,) and done.confirmed_by == "dolma" and done.confirmed_at == 1_800_000_000.0
    assert ui.strings(store, TRANSLATIONS, "bo")[-1].msgid == draft.msgid  # reviewed ones go last
    assert ui.overrides(store, "bo")[draft.msgid] == fixed
    # A second confirmation replaces the first (the second run changes the row, adds none).
    ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", draft.msgid, [fixed], now=1_800_000_100.0)
    assert len(ui.confirmed(store, "bo")) == 1

    out = tmp_path / "bo.po"
    assert ui.export_po(store, TRANSLATIONS, "bo", out) == 1
    exported = read_po(out.open("rb"))
    message = exported.get(draft.msgid)
    assert message.string == fixed and not message.fuzzy
    shipped = ui.shipped_catalog(TRANSLATIONS, "bo")
    assert len(exported) == len(shipped)  # every other string as shipped, drafts still flagged
    assert sum(m.fuzzy for m in exported if m.id) == sum(m.fuzzy for m in shipped if m.id) - 1


def test_bad_confirmations_are_refused_and_change_nothing(store, people):
    draft = next(s for s in ui.strings(store, TRANSLATIONS, "bo") if "%(" in s.msgid and not s.plural)
    with pytest.raises(InvalidRecord) as err:
        ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", draft.msgid, ["ཡིག་ཆ།"])  # placeholder lost
    assert "placeholders" in str(err.value.problems)
    with pytest.raises(InvalidRecord):
        ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", draft.msgid, [" "])
    with pytest.raises(InvalidRecord):
        ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", "Not a string of ours", ["ཡིག"])
    with pytest.raises(NotAllowed):
        ui.confirm(store, people["li"], TRANSLATIONS, "bo", draft.msgid, list(draft.shipped))
    assert ui.confirmed(store, "bo") == {}


def test_plural_strings_keep_their_forms(store, people):
    plural = next(s for s in ui.strings(store, TRANSLATIONS, "bo") if s.plural)
    ui.confirm(store, people["dolma"], TRANSLATIONS, "bo", plural.msgid, list(plural.shipped))
    assert ui.overrides(store, "bo")[(plural.msgid, 0)] == plural.shipped[0]
