"""Failed authentications per client address, and the lockout they lead to.

``max_failures`` failures within ``window`` seconds lock the address out for
``lockout`` seconds: every request from it is then answered 429 with
``Retry-After``, a valid token or not, until the time is up. A success does
not wipe the count (a valid token must not buy more guesses). The counts are
the process's own (each worker of ``serve --workers N`` counts for itself)
and bounded: beyond ``max_addresses`` the address seen longest ago is
forgotten. Used from the event loop only, so it takes no lock.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_ADDRESSES = 100_000


class Lockout:
    def __init__(
        self,
        max_failures: int,
        window: float,
        lockout: float,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = MAX_ADDRESSES,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self.max_addresses = max_addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._locked: dict[str, float] = {}

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until ``address`` may try again, or None when it is not locked out."""
        until = self._locked.get(address)
        if until is None:
            return None
        left = until - self.clock()
        if left <= 0:
            del self._locked[address]
            return None
        return max(1, math.ceil(left))

    def failed(self, address: str) -> int | None:
        """Count a failure; the lockout's Retry-After when this one starts it."""
        now = self.clock()
        seen = self._failures.pop(address, None) or deque()
        seen.append(now)
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        self._failures[address] = seen  # now the most recently seen
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)
        if len(seen) < self.max_failures:
            return None
        del self._failures[address]
        self._locked[address] = now + self.lockout
        if len(self._locked) > self.max_addresses:
            for gone in [a for a, until in self._locked.items() if until <= now]:
                del self._locked[gone]
        return self.retry_after(address)
