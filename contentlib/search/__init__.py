"""Full-text search of works in Tibetan, Chinese, EWTS, pinyin and English, in three layers.

*Analysis* (``tibetan``, ``chinese``, ``tokens``, ``query``) reads text and
queries into terms and a query plan (``plan``); the *policy* (``policy``)
decides what a search means above an engine-neutral seam (``engine``); the
*engines* (Whoosh: ``index``, ``analysis``, ``bulk``, ``segwriter``; tantivy:
``tantivy_engine``) index token lists and run plans. Only the engines'
modules import an engine's package (``tests/unit/test_imports.py``).
"""
from ..errors import IndexUnavailable
from .engines import SearchIndex, open_engine
from .policy import Search, prepare

__all__ = ["SearchIndex", "Search", "IndexUnavailable", "open_engine", "prepare"]
