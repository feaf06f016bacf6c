"""Nonces already seen, for as long as their envelopes would be accepted: replays refused.

An envelope is accepted only while its timestamp is within the skew of the
server's clock, so a nonce needs remembering until ``ts + skew`` and no
longer. The cache is bounded: full of nonces that are all still live, it
refuses new envelopes (503 with Retry-After, said by the guard) rather than
forget one early, which would let its envelope be replayed.

It is this process's memory, checked first (a replay to the same process
costs no graph call). Across workers and hosts the guard then records the
nonce in the graph too (``resolvers/nonces.py``), unless
GRAPHDESK_ENVELOPE_REPLAY_SHARED is off: then an envelope caught on the
wire could be replayed once to each other process within the skew.
"""

from __future__ import annotations

import heapq
import time


class Seen(Exception):
    """The nonce was seen within its envelope's lifetime: a replay."""


class Full(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"replay cache full for {wait:.0f} s")
        self.wait = wait


class ReplayCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._expiry: dict[str, float] = {}
        self._order: list[tuple[float, str]] = []  # a heap of (expiry, nonce)

    def __len__(self) -> int:
        return len(self._expiry)

    def _expire(self, now: float) -> None:
        while self._order and self._order[0][0] <= now:
            expiry, nonce = heapq.heappop(self._order)
            if self._expiry.get(nonce) == expiry:
                del self._expiry[nonce]

    def admit(self, nonce: str, until: float, now: float | None = None) -> None:
        """Remember a new ``nonce`` until ``until``; Seen when it was seen, Full (with
        the seconds until there is room) when the cache holds only live nonces."""
        clock = time.time() if now is None else now
        self._expire(clock)
        if nonce in self._expiry:
            raise Seen(nonce)
        if len(self._expiry) >= self.capacity:
            raise Full(max(1.0, self._order[0][0] - clock))
        self._expiry[nonce] = until
        heapq.heappush(self._order, (until, nonce))
