"""The Tibetan interface's key terms, one per concept, each with its public source (translations/bo/TERMS.md).

TERMS.md is written for people: a Markdown table, one row per concept. This module reads
that same table, so the file an editor reads is the one the review page and the tests use:
which concepts an interface string names (its English matches the row's patterns), the
Tibetan term chosen for each, where that choice comes from, and whether the string's
Tibetan uses it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

TERMS_FILE = "TERMS.md"
COLUMNS = ("concept", "english", "tibetan", "accepted", "rejected", "source")
_ENDS = "་།༎ "  # a term is looked for without its closing tsheg or shad: ཐོ་གཞུང། is used in ཐོ་གཞུང་དུ
# Not words of the sentence: placeholders (%(language)s) and addresses (https://library.example.org).
_TIBETAN_RUN = re.compile(r"[\u0f00-\u0fff][\u0f00-\u0fff ]*")
_TIBETAN_SPLIT = re.compile(r"([\u0f00-\u0fff][\u0f00-\u0fff ]*)")
_NOT_WORDS = re.compile(r"%\(\w+\)[sd]|\S+://\S+")


@dataclass(frozen=True)
class Term:
    """One concept's Tibetan term and why."""

    concept: str
    english: tuple[str, ...]  # patterns (regular expressions) matched as whole words, case-insensitive
    tibetan: str
    accepted: tuple[str, ...]  # other forms that count as using the term (inflections, compounds)
    rejected: tuple[str, ...]  # variants seen elsewhere and not used
    source: str

    @functools.cached_property
    def _pattern(self) -> re.Pattern:
        return re.compile("|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in self.english), re.IGNORECASE)

    @property
    def source_runs(self) -> list[tuple[str, str]]:
        """The source as ``(lang, text)`` runs, Tibetan apart from the rest: each is laid out in its own script."""
        text = self.source.replace("`", "")
        return [("bo" if _TIBETAN_RUN.fullmatch(run) else "en", run) for run in _TIBETAN_SPLIT.split(text) if run]

    def named_in(self, english: str) -> bool:
        """Whether an English interface string speaks of this concept."""
        return bool(self.english) and self._pattern.search(_NOT_WORDS.sub(" ", english)) is not None

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(f.strip(_ENDS) for f in (self.tibetan, *self.accepted) if f.strip(_ENDS))

    def used_in(self, tibetan: str) -> bool:
        """Whether a Tibetan text uses the term (or an accepted form of it)."""
        return any(form in tibetan for form in self.forms)


@dataclass(frozen=True)
class TermUse:
    """A term an interface string names, and whether its Tibetan uses it."""

    term: Term
    used: bool


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _items(cell: str) -> tuple[str, ...]:
    """A cell's comma-separated items, without Markdown code marks; a dash is none."""
    return tuple(i.strip().strip("`").strip() for i in cell.split(",") if i.strip() not in ("", "–", "-"))


def parse(text: str) -> list[Term]:
    """The terms of a TERMS.md text: the rows of its first table whose header names ``COLUMNS``.

    :raises ValueError: for a table without those columns or a row with a bad pattern.
    """
    lines = text.splitlines()
    terms: list[Term] = []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            continue
        header = [c.lower() for c in _cells(line)]
        if tuple(header) != COLUMNS:
            raise ValueError(f"line {i + 1}: the terms table's columns must be {', '.join(COLUMNS)}")
        for n, row in enumerate(lines[i + 2:], start=i + 3):
            if not row.lstrip().startswith("|"):
                break
            concept, english, tibetan, accepted, rejected, source = (_cells(row) + [""] * 6)[:6]
            term = Term(concept, _items(english), tibetan.strip("`").strip(), _items(accepted), _items(rejected),
                        source)
            try:
                _ = term._pattern  # compiled now, so a bad pattern is refused on loading
            except re.error as exc:
                raise ValueError(f"line {n}: a bad English pattern ({exc})") from None
            terms.append(term)
        return terms
    return terms


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[Term, ...]:
    return tuple(parse(Path(path).read_text(encoding="utf-8")))


def load(translations_dir: Path, locale: str) -> tuple[Term, ...]:
    """The terms of ``locale`` (none when it has no TERMS.md), read again when the file changes."""
    path = Path(translations_dir) / locale / TERMS_FILE
    if not path.is_file():
        return ()
    return _load(str(path), path.stat().st_mtime)


def uses(terms, english: str, translated: str) -> tuple[TermUse, ...]:
    """The terms an English string names, each with whether ``translated`` uses it."""
    return tuple(TermUse(t, t.used_in(translated)) for t in terms if t.named_in(english))
