"""The workflow's tables, now declared in ``contentlib.tables`` (kept so older imports still work)."""

from .tables import glossary, login_failures, users, version_editors, version_history, work_list_items, work_lists

__all__ = ["users", "login_failures", "version_editors", "version_history", "glossary", "work_lists",
           "work_list_items"]
