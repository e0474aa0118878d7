"""A query plan: what to look for, independent of any search engine.

The analysis (``query``) turns a typed query into a tree of these; an engine
(``engine.Engine``) runs the tree over the terms it indexed. Each node carries
a boost that multiplies the scores of everything below it.

Two rules every engine follows, so that plans score alike everywhere:

* an ``Or`` sums its matching clauses' scores; an ``And`` matches where every
  clause does and sums them there;
* an ``And`` or ``Or`` of a single clause is that clause alone, *without* its
  own boost (the query builder puts the boost on the clause instead).

A phrase is not a node: neighbouring syllables are indexed as pair terms
(``bo2``, ``py2``), so a phrase is the ``And`` of its pairs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Term:
    """One indexed term of one field."""

    field: str
    text: str
    boost: float = 1.0

    def __repr__(self):
        return f"Term({self.field}:{self.text}^{self.boost:g})"


@dataclass(frozen=True, eq=False)
class And:
    """Every clause (terms, or other nodes)."""

    clauses: tuple
    boost: float = 1.0

    def __repr__(self):
        return f"And({list(self.clauses)}^{self.boost:g})"


@dataclass(frozen=True, eq=False)
class Or:
    """Any of the clauses, their scores added."""

    clauses: tuple
    boost: float = 1.0

    def __repr__(self):
        return f"Or({list(self.clauses)}^{self.boost:g})"


def boosted(node, boost: float):
    """``node`` with its boost times ``boost`` (the same node when ``boost`` is 1)."""
    if boost == 1.0:
        return node
    if isinstance(node, Term):
        return Term(node.field, node.text, node.boost * boost)
    return type(node)(node.clauses, node.boost * boost)


def terms_of(node):
    """Every ``Term`` in the tree (for engines that look terms up ahead)."""
    if isinstance(node, Term):
        yield node
    else:
        for c in node.clauses:
            yield from terms_of(c)
