"""Controlled vocabularies (subjects, audiences, grades, types) with zh/bo/en labels.

The shipped ``data/vocabulary.json`` seeds the database; after that the labels
live in the database so an editor can correct a Tibetan label without a code
change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

SCHEME_KEYS = ("subjects", "audiences", "grades", "types")


@dataclass(frozen=True)
class Term:
    scheme: str
    code: str
    labels: dict

    def label(self, locale: str) -> str:
        lang = "zh" if locale.startswith("zh") else locale
        return self.labels.get(lang) or self.labels.get("en") or self.code


class Vocabulary:
    """Terms by scheme, in their shipped order."""

    def __init__(self, terms):
        self._terms: dict[str, dict[str, Term]] = {s: {} for s in SCHEME_KEYS}
        for t in terms:
            self._terms.setdefault(t.scheme, {})[t.code] = t

    def has(self, scheme: str, code: str) -> bool:
        return code in self._terms.get(scheme, {})

    def terms(self, scheme: str) -> list[Term]:
        return list(self._terms.get(scheme, {}).values())

    def get(self, scheme: str, code: str) -> Term | None:
        return self._terms.get(scheme, {}).get(code)

    def codes(self, scheme: str) -> list[str]:
        return list(self._terms.get(scheme, {}))


def load_shipped() -> Vocabulary:
    """Read the vocabulary bundled with the package."""
    raw = json.loads(resources.files("contentlib").joinpath("data/vocabulary.json").read_text("utf-8"))
    return Vocabulary(
        Term(scheme, item["code"], dict(item["labels"]))
        for scheme in SCHEME_KEYS
        for item in raw.get(scheme, [])
    )
