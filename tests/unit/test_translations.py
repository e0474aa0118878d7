"""The gettext catalogs are complete and in step with the code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"


def catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def ids(cat):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


def test_extract_finds_nothing_new(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as fh:
        fresh = ids(read_po(fh))
    for locale in ("bo", "zh_Hans", "en"):
        assert fresh - ids(catalog(locale)) == set(), f"{locale}: run make update-translations"


@pytest.mark.parametrize("locale", ["bo", "zh_Hans", "en"])
def test_every_string_is_translated_with_its_placeholders(locale):
    for m in catalog(locale):
        if not m.id:
            continue
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(s.strip() for s in strings), f"{locale}: untranslated {m.id!r}"
        source = m.id if isinstance(m.id, str) else m.id[0]
        wanted = set(re.findall(r"%\(\w+\)s", source))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)s", s)) == wanted, f"{locale}: placeholders of {source!r}"


def test_tibetan_translations_are_in_tibetan_script():
    for m in catalog("bo"):
        if m.id:
            text = m.string if isinstance(m.string, str) else m.string[0]
            assert re.search("[\u0f00-\u0fff]", text), m.id
