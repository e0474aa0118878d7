"""Write translations/places.json (where each interface string appears) from a .pot extracted with locations.

    python tools/interface_places.py extracted.pot translations/places.json

``make extract`` runs it; see contentlib/interface_places.py.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from contentlib.interface_places import dumps, from_catalog  # noqa: E402


def main(pot: str, out: str) -> None:
    with open(pot, "rb") as fh:
        places = from_catalog(read_po(fh))
    Path(out).write_text(dumps(places), encoding="utf-8")
    print(f"{out}: {len(places)} strings")


if __name__ == "__main__":
    main(*sys.argv[1:3])
