"""The files a door sends: originals and derived files (if the user may have them), cover cards.

A mixin of ``Library`` (its ``store`` says who may have what, its ``media`` holds the bytes).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from .. import access, attachments
from ..accounts import User
from ..errors import DatabaseUnavailable, NoSpace

if TYPE_CHECKING:
    from ..jobs import JobQueue
    from ..media import MediaStore
    from ..store import Store


class Files:
    """Which file to send, decided by the database and found in the media store."""

    # the Library's, set by ``facade.Library``
    store: Store
    media: MediaStore
    jobs: JobQueue

    def file_access(self, sha256: str, user: User | None) -> access.FileAccess | None:
        """Whether ``user`` may have the file ``sha256`` (or its derived files), and the entry naming it.

        None for an unknown file, or a draft the user may not see.
        """
        return access.file_access(self.store, sha256, user)

    def media_file(self, sha256: str, user: User | None,
                   derived: str | None = None) -> tuple[access.FileAccess, Path] | None:
        """The original ``sha256`` (or its derived file named ``derived``) for ``user``, with its access.

        None when the file is unknown, a draft the user may not see, or not on disk (not made yet).
        ``derived`` is a flat name the renditions chose (never a path out of the file's folder).
        """
        if derived is not None and ("/" in derived or "\\" in derived or derived.startswith(".")):
            return None
        found = self.file_access(sha256, user)
        if found is None:
            return None
        path = self.media.derived_dir(sha256) / derived if derived else self.media.path(sha256)
        return (found, path) if path.is_file() else None

    def card_file(self, key: str, width: int) -> Path | None:
        """The drawn cover card ``key`` at ``width`` pixels, None while it is not drawn."""
        path = attachments.card_paths(self.media, key).get(width)
        return path if path is not None and path.is_file() else None

    def cover_card(self, work, width: int) -> str | None:
        """The key of the work's cover card when it is drawn; else a worker is asked to draw it (None)."""
        if attachments.card_path(self.media, work, width) is not None:
            return attachments.card_key(work)
        # The worker draws the card; a placeholder shows until then. On a full or read-only disk
        # the page still shows, and the card is asked for again next time.
        with contextlib.suppress(NoSpace, DatabaseUnavailable):
            self.jobs.put(work.id)
        return None
