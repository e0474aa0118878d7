"""One lexicon generation held whole in a process's memory, packed in two tries (a few MB).

A search's reading looked its units up in the database: about a millisecond a query the
first time, a tenth of the block's budget at 100,000 works. The server loads the table
before it forks its workers (``Reach.load``), so they share it and no search waits for it.
"""

from __future__ import annotations

import marisa_trie

_SEP, _ROW = "\x1f", "\x1e"  # between a target and its weight; between targets (neither is in a unit)


class Table:
    """``{(direction, source): [(target, weight), ...]}`` of one generation, best first.

    :param rows: (direction, source, target, weight), each source's rows together and best first
        (``Store.lexicon_rows``). Weights come back exactly (``repr`` of the float).
    """

    def __init__(self, generation: int, rows):
        self.generation = generation
        packed: dict[str, list[str]] = {}
        for direction, source, target, weight in rows:
            packed.setdefault(f"{direction}{_SEP}{source}", []).append(f"{target}{_SEP}{weight!r}")
        self.sources = len(packed)
        self._trie = marisa_trie.BytesTrie((k, _ROW.join(v).encode("utf-8")) for k, v in packed.items())

    def get(self, direction: str, source: str) -> list[tuple[str, float]]:
        found = self._trie.get(f"{direction}{_SEP}{source}")
        if not found:
            return []
        out = []
        for row in found[0].decode("utf-8").split(_ROW):
            target, _, weight = row.rpartition(_SEP)
            out.append((target, float(weight)))
        return out

    def lookup(self, direction: str, sources) -> dict[str, list[tuple[str, float]]]:
        return {s: self.get(direction, s) for s in sources}
