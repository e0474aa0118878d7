"""translations/places.json says where each interface string appears, and is in step with the code."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from contentlib import interface_places

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_map_is_what_extraction_finds_now(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as fh:
        fresh = interface_places.dumps(interface_places.from_catalog(read_po(fh)))
    shipped = (ROOT / "translations" / interface_places.PLACES_FILE).read_text(encoding="utf-8")
    assert shipped == fresh, "translations/places.json is stale: run make places"


def test_each_string_names_the_files_that_use_it():
    places = interface_places.load(ROOT / "translations")
    assert "catalog/templates/editor/interface.html" in places["Interface strings"]
    assert all(not p.startswith("/") and ".." not in p for files in places.values() for p in files)
    assert interface_places.load(ROOT / "no-such-folder") == {}
