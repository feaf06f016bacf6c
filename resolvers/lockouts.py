"""Failed authentications shared through the graph (``graph/queries/lockout.py``).

The authentication (``api/lockout.py``) counts failures in its own process
first; this makes the count one for every worker and host of the graph.

Bounds, whatever an attacker sends: one node per client address, holding
fewer than ``max_failures`` (at most 100, a setting's bound) failure times;
one write of that constant size per refused token; expired records deleted
at most once a minute per process, or sooner once this process has created
``prune_after`` new ones, and then, if more than ``max_records`` remain
(addresses that all failed recently: many addresses, e.g. an IPv6 range),
those that would expire first are evicted. An attacker who controls that
many addresses gets a full count of guesses on each of them anyway, so
evicting costs nothing the addresses did not already give; the graph stays
within ``max_records`` plus what the processes create between two prunes.
"""

from __future__ import annotations

import secrets
import threading

from graph.queries import lockout as q
from graph.store import Store

PRUNE_EVERY = 60.0  # seconds between prunes, per process
PRUNE_AFTER = 1_000  # new records this process creates before it prunes anyway
MAX_RECORDS = 100_000


class SharedFailures:
    def __init__(
        self,
        max_failures: int,
        window: float,
        lockout: float,
        max_records: int = MAX_RECORDS,
        prune_after: int = PRUNE_AFTER,
    ) -> None:
        self.max_failures, self.window, self.lockout = max_failures, window, lockout
        self.max_records, self.prune_after = max_records, prune_after
        self._lock = threading.Lock()
        self._pruned_at: float | None = None
        self._created = 0

    def failed(self, store: Store, key: str, now: float) -> float | None:
        """Count one failure of the address ``key``; when it is locked out (by this
        failure or an earlier one, on any server), the Unix time the lockout ends."""
        self._maybe_prune(store, now)
        params = {
            "id": key, "now": now, "window": self.window, "max": self.max_failures,
            "lockout": self.lockout, "mark": secrets.token_hex(8),
        }  # fmt: skip
        rows = store.write(q.FAILED, params)
        if rows and rows[0]["new"]:
            with self._lock:
                self._created += 1
        until = float(rows[0]["locked_until"]) if rows else 0.0
        return until if until > now else None

    def locked_until(self, store: Store, key: str, now: float) -> float | None:
        """When the lockout of ``key`` ends, or None when it is not locked out."""
        rows = store.read(q.LOCKED_UNTIL, {"id": key, "now": now})
        return float(rows[0]["locked_until"]) if rows else None

    def _maybe_prune(self, store: Store, now: float) -> None:
        with self._lock:
            due = (
                self._pruned_at is None
                or now - self._pruned_at >= PRUNE_EVERY
                or self._created >= self.prune_after
            )
            if due:
                self._pruned_at, self._created = now, 0
        if due:
            self.prune(store, now)

    def prune(self, store: Store, now: float) -> int:
        """Delete expired records, then the soonest-expiring beyond the cap; how many went."""
        rows = store.write(q.FORGET_EXPIRED, {"now": now})
        gone = int(rows[0]["forgotten"]) if rows else 0
        counted = store.read(q.COUNT)
        excess = (int(counted[0]["records"]) if counted else 0) - self.max_records
        if excess > 0:
            rows = store.write(q.EVICT, {"excess": excess})
            gone += int(rows[0]["evicted"]) if rows else 0
        return gone
