"""Full-text search of works in Tibetan, Chinese, EWTS, pinyin and English.

Every Whoosh import of the project lives in this package.
"""
from ..errors import IndexUnavailable
from .index import SearchIndex, prepare

__all__ = ["SearchIndex", "IndexUnavailable", "prepare"]
