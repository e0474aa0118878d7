"""Who may fetch a stored file: the database decides, for originals and derived files alike.

A file is public only while a published media entry names it. A file that only
draft entries name (uploaded for a version not yet approved) is for the people
who may see drafts: editors, reviewers and admins. Anyone else is told it does
not exist, so a sha256 learnt elsewhere reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .accounts import User
from .model import MediaEntry


@dataclass(frozen=True)
class FileAccess:
    entry: MediaEntry   # the entry that names the file (content type, original name)
    public: bool        # False: a draft, to be served privately and never cached by others


def may_see_drafts(user: User | None) -> bool:
    return user is not None and (user.can("edit") or user.can("review"))


def file_access(store, sha256: str, user: User | None) -> FileAccess | None:
    """How ``user`` may receive the file ``sha256``; None when it must look absent."""
    named = [entry for _, entry in store.media_entries(sha256)]
    public = [e for e in named if not e.info.get("draft")]
    if public:
        return FileAccess(public[0], True)
    if named and may_see_drafts(user):
        return FileAccess(named[0], False)
    return None
