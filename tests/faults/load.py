"""Visitors and editors hitting a server from threads, every answer kept with when it was asked."""

from __future__ import annotations

import itertools
import threading
import urllib.parse

from .serving import Answer, Server

QUERIES = ("原子核", "ལྟེ་ཉིང་", "atom", "yuanzihe", "中子", "physics")
# What the searching visitors ask, in turn: the JSON API, the search page, a work's page.
READS = ("api", "api", "page", "work")


class Load:
    """``searchers`` threads reading and one thread per editor saving drafts, until ``stop()``."""

    def __init__(self, server: Server, editors: list[tuple[dict, str, str]], searchers: int = 4,
                 pause: float = 0.05):
        self.server, self.editors, self.pause = server, editors, pause
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._search, args=(n,), daemon=True) for n in range(searchers)]
        self._threads += [threading.Thread(target=self._edit, args=(n, *e), daemon=True)
                          for n, e in enumerate(editors)]

    def _keep(self, answer: Answer, what: str, **extra) -> None:
        answer.what, answer.extra = what, extra
        with self._lock:
            self.answers.append(answer)

    def _search(self, n: int) -> None:
        for i in itertools.count(n):
            if self._stop.is_set():
                return
            q = urllib.parse.quote(QUERIES[i % len(QUERIES)])
            what = READS[i % len(READS)]
            path = {"api": f"/api/v1/search?q={q}", "page": f"/search?q={q}", "work": "/works/t-atom"}[what]
            self._keep(self.server.get(path), what)
            self._stop.wait(self.pause)

    def _edit(self, n: int, headers: dict, work_id: str, lang: str) -> None:
        for i in itertools.count():
            if self._stop.is_set():
                return
            title = f"editor {n} save {i}"
            answer = self.server.post(f"/api/v1/works/{work_id}/versions/{lang}", {"title": title}, headers=headers)
            self._keep(answer, "save", title=title, work_id=work_id, lang=lang)
            self._stop.wait(self.pause)

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=90)
        return sorted(self.answers, key=lambda a: a.started)
