"""Envelope nonces shared through the graph (``graph/queries/envelope.py``).

The envelope guard (``api/envelope_guard.py``) remembers nonces in its own
process first; this makes a nonce seen by one worker or host a replay for
all of them. One write per sealed request, and a bounded delete of expired
nonces at most once a minute per process.
"""

from __future__ import annotations

import secrets
import threading
import time

from graph.queries import envelope as q
from graph.store import Store

PRUNE_EVERY = 60.0  # seconds between deletes of expired nonces, per process


class SharedNonces:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pruned_at = 0.0

    def admit(self, store: Store, nonce: str, expires_at: int) -> bool:
        """True when no server of the graph has seen ``nonce`` (it is now recorded)."""
        now = time.time()
        with self._lock:
            prune = now - self._pruned_at >= PRUNE_EVERY
            if prune:
                self._pruned_at = now
        if prune:
            store.write(q.FORGET_EXPIRED, {"now": int(now)})
        params = {"id": nonce, "expires_at": expires_at, "mark": secrets.token_hex(8)}
        rows = store.write(q.ADMIT, params)
        return bool(rows and rows[0]["new"])
