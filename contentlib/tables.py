"""Every table of the library, on one ``metadata`` (the migrations build exactly these).

Catalog: works, their language versions, terms, creators, media, the vocabulary.
Workflow: accounts, login failures, version editors and history, glossary, lists.
Operations: the search outbox with its consumers, and the job queue.
Interface strings editors confirmed; use counts (aggregates only); bundles and trusted keys.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

works = sa.Table(
    "works", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False, index=True),
    sa.Column("year", sa.Integer),
    sa.Column("duration_seconds", sa.Integer),
    sa.Column("pages", sa.Integer),
    sa.Column("license", sa.Text),
    sa.Column("attribution", sa.Text),
    sa.Column("source_url", sa.Text),
    sa.Column("added", sa.BigInteger, nullable=False, index=True),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# slot 'public' holds the published version; slot 'working' a draft or one in review.
versions = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("slot", sa.String(8), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("keywords", sa.JSON, nullable=False),
    sa.Column("updated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("review_comment", sa.Text),
    sa.UniqueConstraint("work_id", "lang", "slot", name="uq_versions_slot"),
)

work_terms = sa.Table(
    "work_terms", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("scheme", sa.String(16), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_work_terms_code", "scheme", "code"),
)

creators = sa.Table(
    "creators", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("name", sa.JSON, nullable=False),
)

media = sa.Table(
    "media", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("lang", sa.String(8)),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("size", sa.BigInteger),
    sa.Column("content_type", sa.String(100)),
    sa.Column("original_name", sa.Text),
    sa.Column("info", sa.JSON, nullable=False),
)

vocabulary_terms = sa.Table(
    "vocabulary_terms", metadata,
    sa.Column("scheme", sa.String(16), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("labels", sa.JSON, nullable=False),
)

# Per (work, language): when its published text last changed, by an "import" or an "editor"
# (migration 0003a). An import keeps an editor's version unless the record's copy is later.
version_origins = sa.Table(
    "version_origins", metadata,
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("changed_at", sa.Float, nullable=False),
    sa.Column("source", sa.String(8), nullable=False),
)

# The search outbox: every change to a work, in commit order. ``seq`` only grows
# (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so each index keeps a
# cursor and applies what is past it; rows go once every consumer has passed them.
outbox = sa.Table(
    "outbox", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sqlite_autoincrement=True,
)

# Each search index that follows the outbox: how far it has applied, and when it last said so.
outbox_consumers = sa.Table(
    "outbox_consumers", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("heartbeat", sa.Float, nullable=False),
)

# Background jobs (derived files, cover cards, bundles ...), claimed by any number of workers.
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(100)),
    sa.Column("claimed_at", sa.Float),
    sa.Column("error", sa.Text),
    sa.Index("ix_jobs_state", "state", "id"),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(64), unique=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
    # Bumped on logout (and when an account is disabled): sessions carry it and stop matching.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0", default=0),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False, index=True),  # pruning deletes the old ones by it
)

# Everyone who edited the working version of (work, lang) since it was last published.
version_editors = sa.Table(
    "version_editors", metadata,
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("user", sa.String(64), primary_key=True),
)

version_history = sa.Table(
    "version_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), nullable=False, index=True),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(64)),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("from_state", sa.String(16)),
    sa.Column("to_state", sa.String(16)),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("comment", sa.Text),
)

glossary = sa.Table(
    "glossary", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("zh", sa.Text, nullable=False),
    sa.Column("bo", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("updated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("zh", "bo", name="uq_glossary_pair"),
)

work_lists = sa.Table(
    "work_lists", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

work_list_items = sa.Table(
    "work_list_items", metadata,
    sa.Column("list_id", sa.Integer, sa.ForeignKey("work_lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)

# What harvesters need to learn that a work is gone (OAI-PMH ``deletedRecord`` persistent):
# written by ``Store._delete`` in the deletion's transaction (delete and mirror import); a work imported again under the
# same id simply outranks its tombstone.
deleted_works = sa.Table(
    "deleted_works", metadata,
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("subjects", sa.JSON, nullable=False),
    sa.Column("deleted_at", sa.Float, nullable=False, index=True),
)


# -- interface strings (migration 0003g) --------------------------------

# The interface strings editors have confirmed or corrected: one row per (locale, msgid);
# ``forms`` holds the translation (one string, or one per plural form).
interface_strings = sa.Table(
    "interface_strings", metadata,
    sa.Column("locale", sa.String(16), primary_key=True),
    sa.Column("msgid", sa.Text, primary_key=True),
    sa.Column("forms", sa.JSON, nullable=False),
    sa.Column("confirmed_by", sa.String(64), nullable=False),
    sa.Column("confirmed_at", sa.Float, nullable=False),
)

# -- interface string history (migration 0004c) -------------------------
# Every change to an interface string: who, when, the forms before (None: the shipped text) and after.
interface_string_history = sa.Table(
    "interface_string_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("locale", sa.String(16), nullable=False, index=True),
    sa.Column("msgid", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON, nullable=False),
)


# -- use counts (migration 0003h) ----------------------------------------
# Only aggregate numbers: a row is (day or month, work, language, kind) and a count.
# No visitor identifier, address, cookie or agent is stored anywhere for counting.

# This library's own counts: one row per day, work, language and kind of use.
usage_daily = sa.Table(
    "usage_daily", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)

# Counts other libraries exported (``contentlib report export``), per month, under their id.
usage_imported = sa.Table(
    "usage_imported", metadata,
    sa.Column("library_id", sa.String(64), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("work_id", sa.String(64), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)

# This library (local=True, one row, made on first use) and every library whose counts came in.
usage_libraries = sa.Table(
    "usage_libraries", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column("period_from", sa.String(7)),
    sa.Column("period_to", sa.String(7)),
    sa.Column("imported_at", sa.Float),
)


# -- bundles (migration 0003d) -------------------------------------------

# Public keys (base64 of the raw 32-byte Ed25519 key) of libraries whose bundles are accepted.
trusted_keys = sa.Table(
    "trusted_keys", metadata,
    sa.Column("public_key", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("added_at", sa.Float, nullable=False),
)

# Bundles made here ('export') or imported here ('import'): the previous-bundle chain and idempotence.
bundle_log = sa.Table(
    "bundle_log", metadata,
    sa.Column("bundle_id", sa.String(64), primary_key=True),
    sa.Column("direction", sa.String(8), primary_key=True),
    sa.Column("library_id", sa.String(64), nullable=False, index=True),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
)


# -- cross-language reach and demand (migration 0004j; asks for a translation are use counts of kind ``ask``) -------------------

# What the library learned from its own bilingual works: for each source unit, its weighted targets.
lexicon_entries = sa.Table(
    "lexicon_entries", metadata,
    sa.Column("direction", sa.String(8), primary_key=True),
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("target", sa.String(200), primary_key=True),
    sa.Column("weight", sa.Float, nullable=False),
)

# One row: which lexicon is live (its generation), and what it was built from.
lexicon_state = sa.Table(
    "lexicon_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("pairs", sa.Integer, nullable=False),
    sa.Column("works", sa.Integer, nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("built_at", sa.Float, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
)

# Searches that found fewer than three works in their own language: per month, normalised query text.
demand_unmet = sa.Table(
    "demand_unmet", metadata,
    sa.Column("library_id", sa.String(64), primary_key=True),  # "" for this library, else the one that sent them
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)


# -- settings (migration 0004e) -------------------------------------------

# Settings an admin changes while the library runs (``contentlib.site``): one row per key.
# The library's name and id are written once, at the first start, and change only when someone changes them.
settings = sa.Table(
    "settings", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)


# -- the translation workbench (migration 0004h) -------------------------

# The editor's draft, segment by segment: a target and a "done" mark per (work, language, sid).
# Title and description targets are also the draft's own fields (kept in step); cue targets live
# only here until a submit turns them into a subtitle track. ``source`` is the source text the
# target was written for (a changed source makes the segment not done).
translation_segments = sa.Table(
    "translation_segments", metadata,
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("lang", sa.String(8), primary_key=True),
    sa.Column("sid", sa.String(80), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("updated_by", sa.String(64)),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# What reviewers said about one segment of a version, oldest first.
translation_comments = sa.Table(
    "translation_comments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("work_id", sa.String(64), sa.ForeignKey("works.id", ondelete="CASCADE"), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("sid", sa.String(80), nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index("ix_translation_comments_version", "work_id", "lang"),
)

# The translation memory: every pair of segments published in two languages (titles, description
# sentences, time-overlapping subtitle cues), learned from the outbox like a search index.
# A source text is kept once (``memory_sources``, by its normalised form); pairs point at it.
# Source ids are never reused (AUTOINCREMENT), so a process's fuzzy index of them
# (``translation.memory.GramIndex``) can tell new sources, and a rebuilt memory, by their ids.
memory_sources = sa.Table(
    "memory_sources", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("norm", sa.Text, nullable=False),
    sa.Column("norm_hash", sa.BigInteger, nullable=False, index=True),
    sa.Column("length", sa.Integer, nullable=False),
    sqlite_autoincrement=True,
)

# Which sources are live (one row): those from ``live_from`` up, and while a rebuild writes the next
# memory beside the old one, only up to ``live_to`` (the rebuild's rows lie above it until it flips).
memory_state = sa.Table(
    "memory_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("live_from", sa.BigInteger, nullable=False),
    sa.Column("live_to", sa.BigInteger),
)

memory_pairs = sa.Table(
    "memory_pairs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.Integer, nullable=False, index=True),
    sa.Column("source_lang", sa.String(8), nullable=False),
    sa.Column("target_lang", sa.String(8), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("work_id", sa.String(64), nullable=False, index=True),
)
