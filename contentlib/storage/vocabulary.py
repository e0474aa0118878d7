"""The vocabulary's terms (subjects, audiences, ...), seeded from the shipped lists and kept in the database."""

from __future__ import annotations

import sqlalchemy as sa

from ..tables import vocabulary_terms
from ..vocabulary import SCHEME_KEYS, Term, Vocabulary, load_shipped
from .generations import GenerationsStore


class VocabularyStore(GenerationsStore):

    def seed_vocabulary(self) -> None:
        """Insert shipped terms that the database does not have yet; keep edited labels."""
        shipped = load_shipped()
        with self.transaction() as conn:
            have = {(r.scheme, r.code) for r in conn.execute(sa.select(vocabulary_terms.c.scheme, vocabulary_terms.c.code))}
            rows = [
                {"scheme": s, "code": t.code, "position": i, "labels": t.labels}
                for s in SCHEME_KEYS
                for i, t in enumerate(shipped.terms(s))
                if (s, t.code) not in have
            ]
            if rows:
                conn.execute(vocabulary_terms.insert(), rows)
                self.bump_table_generation(conn, "vocabulary")
        self.table_cache("vocabulary", self._load_vocabulary).forget()

    def vocabulary(self) -> Vocabulary:
        """The terms, cached in this process and re-read within a second of an edit by any process."""
        return self.table_cache("vocabulary", self._load_vocabulary).get()

    def _load_vocabulary(self) -> Vocabulary:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(vocabulary_terms).order_by(vocabulary_terms.c.scheme, vocabulary_terms.c.position))
            return Vocabulary(Term(r.scheme, r.code, dict(r.labels)) for r in rows)

    def set_label(self, scheme: str, code: str, lang: str, label: str) -> None:
        """Correct one label of a vocabulary term (e.g. a draft Tibetan label)."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(vocabulary_terms.c.labels).where(
                vocabulary_terms.c.scheme == scheme, vocabulary_terms.c.code == code)).first()
            if row is None:
                raise LookupError(f"no term {scheme}/{code}")
            labels = dict(row.labels)
            labels[lang] = label
            conn.execute(vocabulary_terms.update().where(
                vocabulary_terms.c.scheme == scheme, vocabulary_terms.c.code == code).values(labels=labels))
            self.bump_table_generation(conn, "vocabulary")  # other processes re-read it within a second
        self.table_cache("vocabulary", self._load_vocabulary).forget()
