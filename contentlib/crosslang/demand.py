"""What readers look for and do not find: unmet searches, counted privately.

A Tibetan or Chinese search that finds fewer than ``UNMET_BELOW`` works in its
own language is counted under its normalised text, per month: no visitor,
address, agent or cookie is stored, only the aggregate number. A query is
shown to anyone only once it was asked ``SHOWN_FROM`` times in the period, so
a one-off search never is. Counts are held in memory and written in batches
off the request, as use counts are (``usage.Counter``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter as Tally

from .. import usage
from ..errors import BadParameter
from ..search import chinese, tibetan

log = logging.getLogger("contentlib.demand")

UNMET_BELOW = 3
SHOWN_FROM = 3
MAX_QUERY = 60  # longer texts are pasted passages, not topics


def normalise(lang: str, text: str) -> str:
    """The form a query is counted under: Tibetan search-form syllables, or Simplified Chinese."""
    if lang == "bo":
        return "\u0f0b".join(tibetan.syllables(text))
    return "".join(ch for ch in chinese.to_simplified(text) if chinese.is_cjk(ch) or ch.isalnum())


def is_unmet(result, lang: str) -> bool:
    """Fewer than ``UNMET_BELOW`` works in the query's own language."""
    return (result.facets.get("language") or {}).get(lang, 0) < UNMET_BELOW


class UnmetCounter(usage.Counter):
    """Unmet searches, held in memory and written in batches (``usage.Counter``'s writer thread and retries)."""

    counted = "unmet search"

    def add_query(self, lang: str, text: str) -> None:
        """Count one unmet search. Never raises."""
        try:
            query = normalise(lang, text)
            if not query or len(query) > MAX_QUERY:
                return
            self._tally((usage.month_of(usage.today()), lang, query))
        except Exception:
            log.exception("could not count an unmet search")

    def _write(self, batch: Tally) -> int:
        self.store.add_unmet_counts(batch)
        return sum(batch.values())


MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ASK_LANGS = ("bo", "zh")


class Bucket:
    """A token bucket: at most ``burst`` at once, refilled at ``rate`` a second (one per process).

    Asking is open to anyone without an account, so a flood is refused here
    rather than written: the counts stay bounded whatever arrives.
    """

    def __init__(self, rate: float = 5.0, burst: int = 100, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._tokens, self._at = float(burst), clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self.clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


def check_ask(work, lang: str) -> None:
    """A reader may ask for a version a published work lacks, in Tibetan or Chinese.

    :raises BadParameter: for another language, or one the work already has.
    """
    if lang not in ASK_LANGS:
        raise BadParameter("lang", "must be bo or zh")
    if lang in work.languages:
        raise BadParameter("lang", f"the work already has a version in {lang}")
