"""The review page's list (issue 26): filtered, paged from a string on, each string at an anchor of its own."""

import re

from contentlib import interface_review as review
from contentlib.interface_review import Query
from contentlib.interface_strings import InterfaceString, anchor

PER = 25


def _string(n: int, fuzzy: bool = True, confirmed: bool = False, text: str | None = None) -> InterfaceString:
    msgid = f"String {n:03d}"
    return InterfaceString(msgid, None, (f"ཡི་གེ་{n}" if text is None else text,), fuzzy, msgid, f"文字{n}",
                           confirmed=(f"ཡི་གེ་{n}།",) if confirmed else None, confirmed_by="dolma" if confirmed else None)


def _page(strings, **query):
    return review.review(strings, Query.parse(**query), {}, "bo", per_page=PER)


def _ids(page):
    return [r.string.msgid for r in page.rows]


def test_an_anchor_comes_from_the_msgid_alone():
    assert anchor("Source") == anchor("Source") != anchor("Source ")
    assert re.fullmatch(r"s-[0-9a-f]{10}", anchor("Page %(page)s of %(last)s"))
    assert re.fullmatch(r"s-[0-9a-f]{10}", anchor("ཚོལ། <script>"))  # any text: the id stays plain


def test_pages_of_25_from_a_string_on_with_previous_and_next():
    strings = [_string(n) for n in range(60)]
    first = _page(strings)
    assert _ids(first) == [f"String {n:03d}" for n in range(25)]
    assert (first.first, first.last, first.total, first.previous) == (1, 25, 60, None)
    assert first.next == anchor("String 025")
    second = _page(strings, start=first.next)
    assert _ids(second)[0] == "String 025" and (second.first, second.last) == (26, 50)
    assert second.previous == ""  # the first page: no start in its address
    third = _page(strings, start=second.next)
    assert len(third.rows) == 10 and third.next is None and third.previous == anchor("String 025")


def test_filters_by_state_and_by_a_search_in_every_language():
    strings = [_string(0), _string(1, fuzzy=False), _string(2, confirmed=True), _string(3, text="")]
    assert _ids(_page(strings, state="draft")) == ["String 000"]
    assert _ids(_page(strings, state="confirmed")) == ["String 002"]
    assert _ids(_page(strings, state="untranslated")) == ["String 003"]
    assert len(_page(strings, state="all").rows) == 4
    assert _ids(_page(strings, q="文字1")) == ["String 001"]  # the Chinese
    assert _ids(_page(strings, q="ཡི་གེ་2།")) == ["String 002"]  # the Tibetan as it is now (confirmed)
    assert _ids(_page(strings, q="string 003")) == ["String 003"]  # the msgid and English, any case
    page = _page(strings, q="nothing like it")
    assert page.rows == () and page.total == 0 and page.first == 0
    assert _page(strings).counts == {"draft": 1, "untranslated": 1, "confirmed": 1, "shipped": 1}


def test_confirming_moves_nothing_and_the_saved_string_stays_on_its_page():
    before = [_string(n) for n in range(60)]
    page = _page(before, state="draft")
    after = [_string(n, confirmed=(n == 3)) for n in range(60)]  # String 003 confirmed: no longer a draft
    kept = _page(after, state="draft", keep=anchor("String 003"))
    assert _ids(kept) == _ids(page) and kept.next == page.next  # the same page, "next" skips nothing
    assert kept.saved.string.msgid == "String 003" and kept.rows[3].kept and kept.rows[3].state == "confirmed"
    assert (kept.first, kept.last, kept.total) == (1, 24, 59)  # counted among the drafts no more
    again = _page(after, state="draft")  # reloaded: it has left the drafts, the next one moves up
    assert "String 003" not in _ids(again) and _ids(again)[-1] == "String 025"
    nxt = _page(after, state="draft", start=kept.next)
    assert _ids(nxt)[0] == "String 025"


def test_the_order_does_not_depend_on_what_was_confirmed():
    strings = [_string(n, fuzzy=n % 2 == 0, confirmed=n in (0, 5)) for n in range(10)]
    assert _ids(_page(strings)) == [f"String {n:03d}" for n in (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)]  # drafts as shipped first


def test_values_of_the_wrong_shape_are_ignored():
    q = Query.parse(state="drop table", q="  a \n b " + "x" * 500, start="s287", keep="s-ZZZ")
    assert (q.state, q.start, q.keep) == ("all", "", "")
    assert q.q.startswith("a b x") and len(q.q) == review.MAX_QUERY
    strings = [_string(n) for n in range(30)]
    assert _ids(_page(strings, start=anchor("gone")))[0] == "String 000"  # an unknown start: the first page
    assert Query.parse(state="draft", q="x", start=anchor("a")).params(start="") == {"state": "draft", "q": "x"}


def test_past_the_end_gives_the_last_page():
    strings = [_string(n, confirmed=n >= 25) for n in range(30)]
    page = _page(strings, state="draft", start=anchor("String 027"))  # the page's strings were all confirmed
    assert _ids(page)[0] == "String 000" and page.next is None


def test_the_kept_string_is_shown_even_when_the_page_asked_for_is_another():
    strings = [_string(n) for n in range(60)]
    page = _page(strings, keep=anchor("String 040"))  # a refusal posted without its page
    assert _ids(page)[0] == "String 040" and page.first == 41 and page.previous == anchor("String 015")
