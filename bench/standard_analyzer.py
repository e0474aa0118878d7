"""A baseline for relevance comparisons: the same index with Whoosh's StandardAnalyzer everywhere.

Benchmark-only (``search_eval_direct.py --analyzer standard``); the library's
``SearchIndex`` knows nothing of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh.analysis import StandardAnalyzer  # noqa: E402
from whoosh.fields import TEXT  # noqa: E402
from whoosh.qparser import MultifieldParser  # noqa: E402

from contentlib.search import Search  # noqa: E402
from contentlib.search import index as search_index  # noqa: E402
from contentlib.search.index import TEXT_FIELDS, WhooshEngine  # noqa: E402
from contentlib.search.query import clean  # noqa: E402


def standard_schema():
    """The library's schema with every text field analysed by Whoosh's default analyzer."""
    schema = search_index.make_schema()
    for name in list(schema.names()):
        if name in search_index.TEXT_FIELDS or name in ("bo2", "py2"):
            schema.remove(name)
            schema.add(name, TEXT(analyzer=StandardAnalyzer(), phrase=True))
    return schema


class StandardEngine(WhooshEngine):
    """The Whoosh engine with the standard analyzers."""

    def _schema(self):
        return standard_schema()


class StandardIndex(Search):
    """``SearchIndex`` with the standard analyzers and Whoosh's own query parser (answers as JSON)."""

    def __init__(self, path):
        super().__init__(StandardEngine(path))

    def search(self, *args, **kwargs):
        return super().search(*args, **kwargs).as_dict()

    def plans(self, view, q, readings, expansions):
        parser = MultifieldParser(list(TEXT_FIELDS), standard_schema())
        try:
            return [parser.parse(clean(q))]
        except Exception:  # the baseline parser gives up on odd syntax
            return []
