"""Every ``CONTENTLIB_*`` setting with its default, in one place.

All state (database, search index, media) lives under ``CONTENTLIB_HOME`` when
it is set; otherwise the embedded default keeps the database and index under
``instance/`` and files under ``media/`` at the project root.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Outside a checkout (an installed wheel) state goes to the user's data folder, not site-packages.
CHECKOUT = (ROOT / "setup.cfg").is_file()
LOCALES = ("bo", "zh_Hans", "en")


def defaults(environ=None) -> dict:
    """Settings from the environment, each with its default."""
    env = os.environ if environ is None else environ
    home = env.get("CONTENTLIB_HOME")
    if home:
        home = Path(home).resolve()
        instance, media = home, home / "media"
    elif CHECKOUT:
        home, instance, media = ROOT, ROOT / "instance", ROOT / "media"
    else:
        home = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "contentlib"
        instance, media = home, home / "media"
    return {
        "CONTENTLIB_HOME": str(home),
        "CONTENTLIB_INSTANCE_DIR": str(instance),
        "CONTENTLIB_DATABASE_URL": env.get("CONTENTLIB_DATABASE_URL") or f"sqlite:///{instance / 'contentlib.db'}",
        # PostgreSQL: seconds to wait for a connection, and for one statement (0: no limit), so that no
        # request hangs on a database in trouble; it answers 503 instead (see the README's operations).
        "CONTENTLIB_DB_CONNECT_TIMEOUT": float(env.get("CONTENTLIB_DB_CONNECT_TIMEOUT", "5")),
        "CONTENTLIB_DB_STATEMENT_TIMEOUT": float(env.get("CONTENTLIB_DB_STATEMENT_TIMEOUT", "25")),
        # Warn (status, /readyz, the admin pages) when a disk the library writes to has less than this many MB free.
        "CONTENTLIB_MIN_FREE_MB": float(env.get("CONTENTLIB_MIN_FREE_MB", "1024")),
        "CONTENTLIB_INDEX_DIR": env.get("CONTENTLIB_INDEX_DIR") or str(instance / "index"),
        # whoosh (the default) or tantivy (pip install contentlib[tantivy]); checked when the library opens
        "CONTENTLIB_SEARCH_ENGINE": env.get("CONTENTLIB_SEARCH_ENGINE") or "whoosh",
        "CONTENTLIB_MEDIA_DIR": env.get("CONTENTLIB_MEDIA_DIR") or str(media),
        "CONTENTLIB_DEFAULT_LOCALE": env.get("CONTENTLIB_DEFAULT_LOCALE", "bo"),
        "CONTENTLIB_SECRET_KEY": env.get("CONTENTLIB_SECRET_KEY"),
        # Proxies in front of the server (1 behind the README's nginx): each adds one X-Forwarded-For entry, and
        # the client's address (what failed logins are counted by) is the one the outermost proxy saw. 0 (served
        # directly): the header is ignored, since any client can send it.
        "CONTENTLIB_PROXIES": int(env.get("CONTENTLIB_PROXIES", "0")),
        # Send session cookies over HTTPS only: set to 1 behind TLS (off so `make run` works on http).
        "CONTENTLIB_SECURE_COOKIES": env.get("CONTENTLIB_SECURE_COOKIES", "0") == "1",
        # 1: apply index changes inside the request that made them (one process, some tests).
        # Off by default: saves return at once and each server's applier follows the outbox.
        "CONTENTLIB_INDEX_SYNC": env.get("CONTENTLIB_INDEX_SYNC", "0") == "1",
        "CONTENTLIB_PER_PAGE": 20,
        # The address readers reach the site at (e.g. https://library.example.org), used by feeds, OAI-PMH,
        # sitemaps and QR handouts instead of whatever host a request came from; unset: the request's host.
        "CONTENTLIB_PUBLIC_URL": (env.get("CONTENTLIB_PUBLIC_URL") or "").rstrip("/") or None,
        # Who answers for the catalog (OAI-PMH Identify's adminEmail).
        "CONTENTLIB_ADMIN_EMAIL": env.get("CONTENTLIB_ADMIN_EMAIL", "admin@localhost"),
        # Records per OAI-PMH list response and entries per OPDS/Atom feed page.
        "CONTENTLIB_OAI_PAGE_SIZE": int(env.get("CONTENTLIB_OAI_PAGE_SIZE", "100")),
        "CONTENTLIB_FEED_PAGE_SIZE": int(env.get("CONTENTLIB_FEED_PAGE_SIZE", "50")),
        # Level of the log (access lines, errors with tracebacks): DEBUG, INFO, WARNING, ERROR.
        "CONTENTLIB_LOG_LEVEL": env.get("CONTENTLIB_LOG_LEVEL", "INFO").upper(),
        # Media limits: any field of contentlib.media.Limits, e.g. {"image_bytes": 20 * 2**20}.
        "CONTENTLIB_MEDIA_LIMITS": {},
        # Count page views, plays and downloads per work and day (aggregate numbers only); 0 turns it off.
        "CONTENTLIB_COUNT_USE": env.get("CONTENTLIB_COUNT_USE", "1") != "0",
        # Seconds between the background writes of those counts.
        "CONTENTLIB_COUNT_FLUSH_SECONDS": float(env.get("CONTENTLIB_COUNT_FLUSH_SECONDS", "10")),
        # Show a summary of /reports (collection, translation, use per month) to visitors who are not logged in.
        "CONTENTLIB_PUBLIC_REPORTS": env.get("CONTENTLIB_PUBLIC_REPORTS", "0") == "1",
        # "Take offline" limits: bundles one person may have in the making at once, new bundles one person may
        # ask for in 24 hours, and the bytes the whole offline folder may hold (the oldest finished go first).
        "CONTENTLIB_OFFLINE_PENDING": int(env.get("CONTENTLIB_OFFLINE_PENDING", "3")),
        "CONTENTLIB_OFFLINE_DAILY": int(env.get("CONTENTLIB_OFFLINE_DAILY", "20")),
        "CONTENTLIB_OFFLINE_MAX_BYTES": int(env.get("CONTENTLIB_OFFLINE_MAX_BYTES", str(5 * 2 ** 30))),
        # The translation workbench's reading-speed limit per language: characters a second of a subtitle cue
        # (spaces and combining marks not counted) above which the reading_speed check warns.
        "CONTENTLIB_READING_SPEED": env.get("CONTENTLIB_READING_SPEED", "bo=22,zh=9,en=20"),
        # This library's name in the use counts it exports (`contentlib report export`).
        "CONTENTLIB_LIBRARY_NAME": env.get("CONTENTLIB_LIBRARY_NAME") or None,
    }
