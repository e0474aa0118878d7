"""The library's use cases behind one object: every door (web pages, JSON API, CLI) calls these.

``Library`` (``facade``) holds the store, the search (policy over an engine), the media store,
the limits and the job queue. What it reads for pages and feeds is in
``reading``, the figures in ``reporting``; accounts, the glossary, teachers'
lists, the interface strings and the library's own settings are small parts reached from it
(``library.accounts``, ``library.glossary``, ``library.lists``, ``library.interface``, ``library.site``).
"""

from .facade import Editing, Library, Reviewing, Status
from .reading import Overview
from .reporting import ToTranslate

__all__ = ["Editing", "Library", "Overview", "Reviewing", "Status", "ToTranslate"]
