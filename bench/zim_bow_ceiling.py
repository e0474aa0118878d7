#!/usr/bin/env python3
"""How far a ZIM's Tibetan search can go with libzim 9 readers, whatever the index text says.

A libzim 9 reader (python-libzim 3.6's ``Searcher``, current Kiwix apps) strips every
combining mark from a query, lets Xapian split it at the tsheg, ANDs the words and ranks
by BM25 over an index written without positions: a query reaches the index as a bag of
mark-stripped syllables, and a work's score is a sum of one weight per (work, word).
This script measures, on the bag-of-words model and without libzim, for the ``bo-run``
queries of ``bench/zim_search_eval.py`` (2-3 syllables of a phrase, 1-3 relevant works):

* ``bayes``: the best recall@10 *any* answer to the stripped query could get (queries
  with the same bag get the same answer; the best 10 works per bag, weighted by how
  often the eval's generator draws each query). High: stripping loses little.
* ``fitted``: recall@10 of per-(work, word) weights started from a unigram language
  model (log count/length) and fitted by a perceptron on every bo-run query the
  generator can draw (which includes the test queries, so this is optimistic), tested
  on seeded queries of all Tibetan classes. This bounds what shaping the index text
  (which only sets those weights) can do.

Usage: bench/zim_bow_ceiling.py CATALOG.jsonl [--epochs 3] [--seeds 7,11,13]
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from zim_search_eval import _PHRASES, TSHEG, _bo, make_queries  # noqa: E402

from contentlib.search import tibetan  # noqa: E402
from contentlib.zimsearch import _SYLLABLE, syllable_forms, xapian_words  # noqa: E402


def bag(query: str) -> tuple:
    """What Xapian gets from a libzim 9 reader: the query's words, marks stripped (order does not count)."""
    return tuple(sorted(xapian_words(query)))


def work_words(records: list[dict]) -> tuple[dict, dict]:
    """``(postings word → works, weights (work, word) → log(count/length))`` from the works' Tibetan texts."""
    postings, weights = collections.defaultdict(set), {}
    for r in records:
        text, counts = _bo(r), collections.Counter[str]()
        syllables = _SYLLABLE.findall(text)
        for s in syllables:
            counts.update({w for f in syllable_forms(s) for w in xapian_words(f)})
        for w in xapian_words(text):
            counts[w] = max(counts[w], 1)
        for w, n in counts.items():
            postings[w].add(r["id"])
            weights[(r["id"], w)] = math.log(n / max(1, len(syllables)))
    return postings, weights


def population(records: list[dict]) -> dict:
    """Every bo-run query the eval's generator can draw: ``{query: (probability, relevant works)}``."""
    forms = {r["id"]: tibetan.syllables(_bo(r)) for r in records}
    grams = collections.defaultdict(set)
    for work, f in forms.items():
        for n in (2, 3):
            for k in range(len(f) - n + 1):
                grams[tuple(f[k:k + n])].add(work)
    out: dict = {}
    for r in records:
        phrases = [p.strip(TSHEG) for p in _PHRASES.split(_bo(r)) if p.strip(TSHEG)]
        phrases = [p.split(TSHEG) for p in phrases if len(p.split(TSHEG)) >= 3]
        for syl in phrases:
            for n in (2, 3):
                starts = len(syl) - n + 1
                for start in range(starts):
                    q = TSHEG.join(syl[start:start + n])
                    relevant = grams.get(tuple(tibetan.syllables(q)), set())
                    if 0 < len(relevant) <= 3:
                        p, _ = out.get(q, (0.0, relevant))
                        out[q] = (p + 1 / len(records) / len(phrases) / 2 / starts, relevant)
    return out


def bayes(pop: dict) -> float:
    groups: dict[tuple, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for q, (p, relevant) in pop.items():
        for work in relevant:
            groups[bag(q)][work] += p / len(relevant)
    return sum(g for gains in groups.values() for _, g in gains.most_common(10)) / sum(p for p, _ in pop.values())


class Ranker:
    def __init__(self, postings, weights):
        self.postings, self.weights = postings, weights

    def candidates(self, words) -> set:
        found = [self.postings.get(w, set()) for w in words]
        return set.intersection(*found) if found else set()

    def top(self, words, k=10) -> list:
        return sorted(self.candidates(words), key=lambda d: -sum(self.weights[(d, w)] for w in words))[:k]


def recall(ranker: Ranker, queries: list[dict]) -> dict:
    per = collections.defaultdict(list)
    for q in queries:
        if q["class"].startswith("bo"):
            got = len(set(ranker.top(bag(q["q"]))) & set(q["relevant"])) / len(q["relevant"])
            per[q["class"]].append(got)
            per["bo"].append(got)
    return {cls: round(sum(v) / len(v), 3) for cls, v in sorted(per.items())}


def fit(ranker: Ranker, pop: dict, epochs: int, rate: float = 0.3) -> None:
    """Perceptron: a relevant work outside the top 10 gains on its words, the 10th loses on them."""
    items, rng = sorted(pop.items()), random.Random(1)
    for epoch in range(epochs):
        rng.shuffle(items)
        missed = 0
        for q, (_, relevant) in items:
            words = bag(q)
            found, top = ranker.candidates(words), ranker.top(words)
            for work in relevant:
                if work in top or work not in found:  # not found at all: no weight can help
                    continue
                missed += 1
                for w in words:
                    ranker.weights[(work, w)] += rate / len(words)
                    ranker.weights[(top[-1], w)] -= rate / len(words)
        pairs = sum(len(r) for _, r in pop.values())
        print(f"epoch {epoch}: {missed} of {pairs} (query, work) pairs of the population outside the top 10")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalog", type=Path)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seeds", default="7,11,13")
    args = ap.parse_args(argv)
    records = [json.loads(line) for line in args.catalog.read_text("utf-8").splitlines() if line.strip()]
    pop = population(records)
    print(f"bo-run population: {len(pop)} queries, {len({bag(q) for q in pop})} stripped bags")
    print(f"bayes (any answer to the stripped query): {bayes(pop):.3f}")
    ranker = Ranker(*work_words(records))
    queries = [q for seed in args.seeds.split(",") for q in make_queries(records, 30, int(seed))]
    print("unigram model:", recall(ranker, queries))
    fit(ranker, pop, args.epochs)
    print("fitted weights:", recall(ranker, queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
