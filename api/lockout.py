"""Failed authentications per client address, and the lockout they lead to.

``max_failures`` failures within ``window`` seconds lock the address out for
``lockout`` seconds: every request from it is then answered 429 with
``Retry-After``, a valid token or not, until the time is up. A success does
not wipe the count (a valid token must not buy more guesses).

:class:`Lockout` is this process's own view, bounded (beyond
``max_addresses`` the address seen longest ago is forgotten) and used from
the event loop only, so it takes no lock. :class:`SharedLockout` makes the
count one for every worker and host of the graph (``resolvers/lockouts.py``),
unless GRAPHDESK_AUTH_LOCKOUT_SHARED is off: a locked-out address is
answered from this process's view, without a graph call; a refused token is
counted here and in the graph, whose answer (locked out by whichever server)
this process then adopts; an accepted token's address is looked up in the
graph at most once per ``check_seconds`` (GRAPHDESK_REVOCATION_CHECK_SECONDS,
the same staleness a revocation made elsewhere has).

When the graph cannot be reached, fail closed: an accepted token is refused
with 503 (its address's lockout cannot be checked, as its revocation cannot),
so no request is let in on a stale view; a refused token is still counted in
this process, so the lockout holds per process (at most ``max_failures``
guesses per process and window, the bound before the count was shared)
rather than not at all, and its answer stays 401 or 429 as that count says.
Times are Unix seconds (``time.time``), the one clock hosts share.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from resolvers.lockouts import MAX_RECORDS, SharedFailures

if TYPE_CHECKING:
    from api.app import Runtime

log = logging.getLogger("graphdesk.auth")
MAX_ADDRESSES = 100_000
UNAVAILABLE = "unavailable"
KEY_PURPOSE = "auth-address"  # the graph holds a keyed hash of the address, never the address


class Lockout:
    def __init__(
        self,
        max_failures: int,
        window: float,
        lockout: float,
        clock: Callable[[], float] = time.time,
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

    def adopt(self, address: str, until: float) -> None:
        """Take over a lockout another process started (found in the graph)."""
        self._failures.pop(address, None)
        self._locked[address] = until


class SharedLockout:
    def __init__(
        self,
        local: Lockout,
        runtime: Runtime | None,
        check_seconds: float,
        max_records: int = MAX_RECORDS,
    ) -> None:
        """``runtime``: share the count through its store; None: this process alone."""
        self.local, self.runtime, self.check_seconds = local, runtime, check_seconds
        self.graph = SharedFailures(
            local.max_failures, local.window, local.lockout, max_records=max_records
        )
        self._clear: OrderedDict[str, float] = OrderedDict()  # address -> found unlocked at

    def retry_after(self, address: str) -> int | None:
        """This process's view alone: the fast path, no graph call."""
        return self.local.retry_after(address)

    def _key(self, address: str) -> str:
        assert self.runtime is not None
        return self.runtime.sealer.keyed(KEY_PURPOSE, address)

    async def failed(self, address: str) -> int | None:
        """Count a refused token; the Retry-After when the address is now locked out."""
        wait = self.local.failed(address)  # what holds if the graph cannot be reached
        self._clear.pop(address, None)
        if self.runtime is None:
            return wait
        store, now = self.runtime.store, self.local.clock()
        try:
            if store is None:
                raise RuntimeError("graphdesk is not started")
            until = await run_in_threadpool(self.graph.failed, store, self._key(address), now)
        except Exception as exc:  # any store failure: this process's count still holds
            log.warning("cannot share a failed authentication from %s (counted in this process "
                        "only): %s", address, exc)  # fmt: skip
            return wait
        if until is None:
            return wait
        self.local.adopt(address, until)
        return self.local.retry_after(address)

    async def admitted(self, address: str) -> int | str | None:
        """For an accepted token: the Retry-After when some server locked the address
        out, UNAVAILABLE when the graph cannot say, None when it may pass."""
        if self.runtime is None:
            return None
        now = self.local.clock()
        seen = self._clear.get(address)
        if seen is not None and 0 <= now - seen < self.check_seconds:
            return None
        store = self.runtime.store
        try:
            if store is None:
                raise RuntimeError("graphdesk is not started")
            until = await run_in_threadpool(self.graph.locked_until, store, self._key(address), now)
        except Exception as exc:  # any store failure: refuse, never pass on a stale view
            log.warning("cannot check the lockout of %s: %s", address, exc)
            return UNAVAILABLE
        if until is None:
            self._clear.pop(address, None)
            self._clear[address] = now
            while len(self._clear) > self.local.max_addresses:
                self._clear.popitem(last=False)
            return None
        self.local.adopt(address, until)
        return self.local.retry_after(address)
