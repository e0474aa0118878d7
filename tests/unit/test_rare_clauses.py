"""The other-language search leaves out the translated terms most works hold (they cost most and tell least)."""

from contentlib.search import policy
from contentlib.search.plan import And, Or, Term


class View:
    """A view that knows only how many works hold each term (a fake: the policy asks nothing else here)."""

    size = 100

    def __init__(self, freq):
        self.freq = freq

    def doc_frequency(self, field, text):
        return self.freq.get(text, 0)


def test_common_terms_leave_and_an_and_keeps_its_rare_ones():
    view = View({"科学": 90, "技术": 50, "火山": 3, "喷发": 5, "地震": 8})
    plan = Or((Term("zh2", "科学", 2.0), And((Term("zh2", "火山"), Term("zh2", "科学")), 1.5),
               And((Term("zh2", "喷发"), Term("zh2", "地震")), 1.2), Term("zh2", "技术", 1.0)))
    kept = policy._rare_clauses(view, plan)
    assert isinstance(kept, Or) and len(kept.clauses) == 2
    alone, both = kept.clauses
    assert (alone.text, alone.boost) == ("火山", 1.5)  # an And of one rare term: that term, the And's weight
    assert isinstance(both, And) and [t.text for t in both.clauses] == ["喷发", "地震"] and both.boost == 1.2


def test_when_every_term_is_common_the_rarest_clauses_stay():
    view = View({"a": 99, "b": 60, "c": 70, "d": 80, "e": 95})
    plan = Or(tuple(Term("zh2", t, 1.0) for t in "abcde"))
    assert [c.text for c in policy._rare_clauses(view, plan).clauses] == ["b", "c", "d"]


def test_rare_terms_pass_unchanged():
    view = View({"x": 1, "y": 2})
    plan = Or((Term("bo", "x", 1.0), Term("bo2", "y", 2.0)))
    assert policy._rare_clauses(view, plan).clauses == plan.clauses
    assert policy._rare_clauses(view, Term("bo", "x")) is not None


def test_past_the_budget_the_weaker_clauses_are_not_even_looked_up():
    """Best first, postings up to BUDGET x the works (20 of 100 here); the first clause always stays."""
    asked = []

    class Counting(View):
        def doc_frequency(self, field, text):
            asked.append(text)
            return super().doc_frequency(field, text)

    view = Counting({"a": 12, "b": 6, "c": 4, "d": 1, "e": 1})
    plan = Or(tuple(Term("zh2", t, 5.0 - i) for i, t in enumerate("abcde")))
    assert policy.BUDGET * view.size == 20
    assert [c.text for c in policy._rare_clauses(view, plan).clauses] == ["a", "b"]  # 12 + 6; c would make 22
    assert asked == ["a", "b", "c"]  # d and e, cheap as they are, come after c: never asked
    big = Counting({"a": 19, "b": 19})
    assert [c.text for c in policy._rare_clauses(big, Or((Term("zh2", "a"), Term("zh2", "b")))).clauses] == ["a"]
    first = Counting({"x": 30, "a": 15, "b": 10})  # a common first clause costs nothing: it is left out
    kept = policy._rare_clauses(first, Or((Term("zh2", "x"), Term("zh2", "a"), Term("zh2", "b"))))
    assert [c.text for c in kept.clauses] == ["a"]
