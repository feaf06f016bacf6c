"""The pins this process answers with, held in memory so an unpinned question
costs no graph round trip.

Loaded from the graph at start; ``refresh`` reloads them at once in the process
that changed a pin (the ``pinAnswer`` and ``unpinAnswer`` mutations call it),
and ``is_stale`` (one small query, looked at with the answer pipeline's other
freshness checks every few seconds) notices a change made by another process.
With no pins, matching a question costs nothing; with some, one normalisation
and tokenisation of the question and a few set look-ups per pin.
"""

from __future__ import annotations

import threading

from graph.store import Store
from resolvers.pipeline import pins
from resolvers.pipeline.pattern import View
from resolvers.pipeline.pins import Pin


class PinBoard:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._pins: tuple[Pin, ...] = ()
        self.version: tuple[object, ...] = ()
        self.refresh()

    def __len__(self) -> int:
        return len(self._pins)

    def refresh(self) -> None:
        with self._lock:
            version = pins.version(self.store)
            found = sorted(pins.pinned(self.store), key=lambda p: p.order)
            self._pins, self.version = tuple(found), version

    def is_stale(self) -> bool:
        return pins.version(self.store) != self.version

    def match(self, question: str) -> Pin | None:
        """The pin that answers ``question``, if any: of several, the first by
        ``Pin.order`` (the narrowest pattern, then the newest, then the id)."""
        held = self._pins
        if not held:
            return None
        view = View.of(question)
        return next((p for p in held if p.rule.matches(view)), None)
