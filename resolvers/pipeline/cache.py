"""A small LRU cache of answers.

Support desks see the same questions again and again; an answer depends only
on the question and the graph, so it is kept until the graph changes (the
Answerer clears the cache whenever it rebuilds its index). A pinned answer is
kept under its pin's id and version, an unpinned one under the question
alone: pins change which key a question looks up, never what a key holds.
Answers handed out
from the cache are shared: callers must not modify them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from resolvers.pipeline.records import Answer

Key = tuple[str, int]


def cache_key(question: str, limit: int, variant: str = "") -> Key:
    """``variant`` names what else the answer depends on (a pinned answer's pin
    and version), so a pin added, replaced or removed never meets a stale entry."""
    text = " ".join(question.lower().split())
    return (f"{variant}\x00{text}" if variant else text, limit)


class AnswerCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Answer | None:
        if self.size <= 0:
            return None
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Key, answer: Answer) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
