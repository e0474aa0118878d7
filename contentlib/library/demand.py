"""``Library`` methods for demand: asks for a translation, unmet searches, "most wanted", the demand report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..crosslang import demand, lexicon, reach
from ..crosslang import units as crossunits
from ..reports import Period, parse_period

if TYPE_CHECKING:
    from ..search import Search
    from ..store import Store

QUERIES_LINKED = 50  # unmet queries read across languages to find the works they want
WORKS_PER_QUERY = 3


class Demand:
    """Mixed into ``Library``; uses its store, index, reach and glossary."""

    # the Library's, set by ``facade.Library``
    store: Store
    index: Search
    reach: reach.Reach

    def wanted(self, period: Period, lang: str | None = None) -> tuple[list[dict], list[dict]]:
        """Works readers want in a language they lack, best first, and the unmet queries shown to anyone.

        A work's ``searches`` are the unmet searches (of the period) whose reading in the
        other language finds it among its first few works.
        """
        asks = self.store.ask_counts(period.first_day(), period.after_last_day(), period.months())
        unmet = self.store.unmet_rows(period.start, period.end)
        searches: dict[tuple[str, str], int] = {}
        for query, qlang, count in unmet[:QUERIES_LINKED]:
            other = self.reach.other_language(self.index, query, {}, {})
            if other is None:
                continue
            for hit in other.results[:WORKS_PER_QUERY]:
                key = (hit.id, qlang)
                searches[key] = searches.get(key, 0) + count
        keys = set(asks) | set(searches)
        if lang:
            keys = {k for k in keys if k[1] == lang}
        published = {w.id: w for w in self.store.get_works(sorted({k[0] for k in keys}))}
        rows: list[dict[str, Any]] = [{"work": w, "lang": lang, "asks": asks.get((w, lang), 0), "searches": searches.get((w, lang), 0)}
                for w, lang in keys if w in published and lang not in published[w].languages]
        rows.sort(key=lambda r: (-(r["asks"] + r["searches"]), -r["asks"], r["work"], r["lang"]))
        shown = [{"q": q, "lang": lang, "count": n} for q, lang, n in unmet if n >= demand.SHOWN_FROM]
        return rows, shown

    def demand_report(self, period: Period) -> dict:
        """``GET /api/v1/reports/demand``: the months, the wanted works, the unmet queries asked often enough."""
        wanted, unmet = self.wanted(period)
        return {"months": period.months(), "wanted": wanted, "unmet_queries": unmet}

    def lexicon_lookup(self, term: str, limit: int = 8) -> dict:
        """What the lexicon learned for ``term`` (either language): each unit's translations, weights and examples."""
        found = reach.query_language(term or "")
        if found is None:
            return {"lang": None, "units": [], "state": self.store.lexicon_state()}
        lang, text = found
        direction = lexicon.BO_ZH if lang == "bo" else lexicon.ZH_BO
        units = [u for u in dict.fromkeys(lexicon.query_units(lang, text)) if not u.startswith("#") or len(text) < 3]
        table = self.store.lexicon_targets(direction, units[:12])
        out = []
        for unit in units[:12]:
            rows = []
            for target, weight in table.get(unit, [])[:limit]:
                shown, src = crossunits.show(target), crossunits.show(unit)
                bo_part, zh_part = (src, shown) if lang == "bo" else (shown, src)
                rows.append({"target": shown, "weight": weight,
                             "examples": self.store.bilingual_examples(bo_part, zh_part)})
            out.append({"unit": crossunits.show(unit), "targets": rows})
        return {"lang": lang, "other": "zh" if lang == "bo" else "bo", "units": out,
                "state": self.store.lexicon_state()}

    def most_wanted(self, period: Period | None = None, lang: str | None = None, limit: int = 10) -> list[dict]:
        """The first ``limit`` wanted works with the works themselves (the editor queue and coverage page).

        :param period: by default the twelve months ending this one.
        """
        rows, _ = self.wanted(period or parse_period(None, None), lang)
        rows = rows[:limit]
        works = {w.id: w for w in self.store.get_works([r["work"] for r in rows])}
        return [{**r, "item": works[r["work"]]} for r in rows if r["work"] in works]
