"""``library.site``: this library's name, id and public address (``contentlib.site`` over its store)."""

from __future__ import annotations

from pathlib import Path

from .. import keys, site, usage
from ..site import Setting


class SiteSettings:
    """The settings an admin changes while the library runs; the environment's variables win."""

    def __init__(self, store, settings: dict):
        self._store = store
        self._settings = settings

    def ensure(self) -> tuple[str, str]:
        """Write the name and id the first time the library starts (then never again); return ``(id, name)``.

        An older library keeps the id its signing key or its use counts already carry.
        """
        home = self._settings.get("CONTENTLIB_INSTANCE_DIR")
        earlier = (keys.stored_id(Path(home)) if home else None) or self._store.local_library_id()
        return site.ensure_identity(self._store, earlier)

    def get(self, key: str) -> Setting:
        """:raises InvalidRecord: for an unknown key."""
        site.check_key(key)
        if key in ("name", "id"):
            self.ensure()
        return site.resolve(self._store, self._settings, key)

    def all(self) -> list[Setting]:
        return [self.get(key) for key in site.KEYS]

    def set(self, key: str, value: str | None) -> str | None:
        """Check and store one setting; return what was stored.

        :raises InvalidRecord: for an unknown key or a bad value; nothing was stored then.
        """
        return self.update({key: value})[key]

    def update(self, values: dict[str, str | None]) -> dict[str, str | None]:
        """Set several settings at once: every value is checked first, so one bad value stores none.

        The use counts' record of this library follows its name and id.

        :raises InvalidRecord: naming every bad value; nothing was stored then.
        """
        self.ensure()
        stored = site.store_settings(self._store, values)
        if "name" in stored or "id" in stored:
            usage.local_library(self._store, self.name(), self.library_id())
        return stored

    def public_url(self) -> str | None:
        """The address readers reach the library at: ``CONTENTLIB_PUBLIC_URL``, else the stored one, else None."""
        return self.get("public-url").value

    def name(self) -> str:
        """``CONTENTLIB_LIBRARY_NAME``, else the stored name (the bilingual default until someone changes it)."""
        return self._written("name")

    def library_id(self) -> str:
        return self._written("id")

    def _written(self, key: str) -> str:
        """The name or the id: ``get`` has them written first (``ensure``), so neither is ever missing."""
        value = self.get(key).value
        if value is None:
            raise LookupError(f"the library's {key} is not stored")
        return value
