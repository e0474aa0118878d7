"""A ZIM work page's index data: the text Kiwix's Xapian index gets, shaped so a reader finds what the site finds.

libzim indexes a page's own ``IndexData`` as given, but reads a query through ICU's
``Lower; NFD; [:M:] remove; NFC`` (libzim 9, python-libzim 3.6's ``Searcher``, current
Kiwix apps) and splits it at the tsheg: ``བཙའ་བ`` is looked up as ``བཙའ`` AND ``བ``,
``བཀྲ་ཤིས`` as ``བཀ`` AND ``ཤས`` (vowel signs and subjoined letters are marks). So each
Tibetan syllable is indexed the way such a query arrives (``query_form``), in every
form the site's analyser gives it: as written, folded (variants), without its affixed
particle (``བའི`` → ``བ``; ``ཁེནཌའི`` → ``ཁེནཌ`` unfolded too), with ``པ``/``བ`` both, and
each run Xapian keeps as one word (``34ལས``: digits and letters are word characters, the
tsheg is not). The marked forms stay too, for readers that keep marks in a query
(libzim 8, Debian 12's kiwix-serve 3.3). Chinese goes in as written, as Traditional, as
jieba words and as pinyin; Xapian's CJK n-grams find it (libzim 8 only when
``XAPIAN_CJK_NGRAM=1`` is set).

What no index text can give: libzim writes ``index_text_without_positions`` and parses with
only ``FLAG_CJK_NGRAM`` (AND, no phrases), so a reader ranks by BM25 over the bag of stripped
syllables; ``རྡེ་ཆི་ལི`` is ར AND ཆ AND ལ, and which of the works holding those letters says
them in a row is lost (bench/results.md, "ZIM full-text search").
"""

from __future__ import annotations

import re
import unicodedata

from .model import Work
from .search import tibetan

ORDER = ("bo", "zh", "en")
FIRST = 3  # a title's first syllables weigh more: readers type a title from its start
_SYLLABLE = re.compile("[\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f40-\u0fbc]+")
_NOT_WORD = re.compile(r"[^\w]+")  # Xapian's word characters: letters, marks, numbers, connectors (_)
_PA_BA = {"\u0f54": "\u0f56", "\u0f54\u0f7c": "\u0f56\u0f7c"}  # the site folds བ→པ; a query may say either


def without_marks(text: str) -> str:
    """The text with its combining marks (Tibetan vowel signs, subjoined letters ...) removed."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Mn")


def query_form(text: str) -> str:
    """What libzim makes of a query before Xapian splits it: lower case, no combining marks (ICU's rule)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M")))


def syllable_forms(syllable: str) -> list[str]:
    """A syllable's index terms: the site's forms of it, each as typed and as a libzim query arrives."""
    norm = tibetan.normalize_syllable(syllable)
    exact = tibetan.exact_form(syllable)
    # without its particle as written too: the site's form folds (ཌ→ད), a reader types ཁེནཌ for ཁེནཌའི
    forms = [syllable.lower(), exact, norm, tibetan.strip_affix(syllable), tibetan.strip_affix(exact)]
    if norm in _PA_BA:
        forms.append(_PA_BA[norm])
    forms += [query_form(f) for f in forms]
    return list(dict.fromkeys(f for f in forms if f))


def xapian_words(text: str) -> list[str]:
    """The words Xapian makes of ``text`` typed as a query: runs of letters, digits and ``_`` once marks are gone.

    A syllable written against digits or Latin letters (``34ལས``, ``4x4ཅན``) stays one word with them.
    """
    return [w for w in _NOT_WORD.split(query_form(text)) if w]


def tibetan_terms(text: str) -> str:
    """Every syllable of ``text`` in all its forms, each once, space separated (Xapian indexes each as a word)."""
    terms = [f for s in _SYLLABLE.findall(text) for f in syllable_forms(s)]
    terms += [w for w in xapian_words(text) if tibetan.has_tibetan(w)]
    return " ".join(dict.fromkeys(terms))


_S2T: list = []


def _s2t():
    if not _S2T:
        from opencc import OpenCC

        _S2T.append(OpenCC("s2t"))
    return _S2T[0]


def index_title(work: Work, line: str) -> str:
    """The title Xapian indexes (boosted): the titles ``line`` and its Tibetan syllables in all their forms."""
    bo = work.versions.get("bo")
    if bo is None or not bo.has_title:
        return line
    title = bo.title or ""
    start = tibetan_terms(" ".join(_SYLLABLE.findall(title)[:FIRST]))  # what a reader types first
    return f"{line} {tibetan_terms(title)} {start} {start}"


def search_text(work: Work, vocabulary=None) -> tuple[str, str]:
    """The ``(content, keywords)`` of a work page's IndexData."""
    from pypinyin import lazy_pinyin

    from .search.chinese import search_words, to_simplified

    texts, keywords, tibetan_text = [], [], []
    for v in (work.versions[lang] for lang in ORDER if lang in work.versions):
        for text in (v.title, v.description, *v.keywords):
            if not text:
                continue
            if tibetan.has_tibetan(text):
                tibetan_text.append(text)
                text = _SYLLABLE.sub(" ", text).strip()  # what else it says: DNA, 2024, a Chinese name
                if not text:
                    continue
            texts.append(text)
            if query_form(text) != text:  # accents too: é is found by é and by e
                texts.append(query_form(text))
            if v.lang == "zh":
                simple = to_simplified(text)
                found = search_words(simple)
                texts.append(_s2t().convert(simple))  # 漢字 finds 汉字
                texts.append(" ".join(found))
                texts.append(" ".join(lazy_pinyin(simple)))
                texts.append(" ".join("".join(lazy_pinyin(word)) for word in found))  # xinjishu for 新技术
        keywords += v.keywords
    texts.append(tibetan_terms(" ".join(tibetan_text)))
    for code in work.subjects:
        term = vocabulary.get("subjects", code) if vocabulary is not None else None
        if term:
            keywords += [label for label in term.labels.values() if label]
    keywords += [tibetan_terms(k) for k in keywords if tibetan.has_tibetan(k)]
    return "\n".join(texts), " ".join(dict.fromkeys(keywords))
