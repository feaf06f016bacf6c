"""Revoking API tokens: the graph remembers their ids (``graph/queries/tokens.py``).

Used by ``graphdesk token revoke`` and by the ``revokeToken`` mutation. A
revocation is one idempotent write; records of tokens that have expired
anyway are forgotten on the way.
"""

from __future__ import annotations

import re
import secrets
import time

from starlette.concurrency import run_in_threadpool

from graph.queries import tokens as q
from graph.store import Store
from resolvers import audit
from resolvers.context import Context
from resolvers.errors import InvalidArgument

TOKEN_ID = re.compile(r"[0-9a-f]{32}")


def checked_token_id(token_id: str) -> str:
    text = token_id.strip().lower()
    if not TOKEN_ID.fullmatch(text):
        raise InvalidArgument("id", "is not a token id (32 hexadecimal characters)")
    return text


def revoke(store: Store, token_id: str, expires_at: int | None = None) -> bool:
    """Revoke one token by id; True when it was not revoked before."""
    now = int(time.time())
    store.write(q.FORGET_EXPIRED, {"now": now})
    params = {"id": token_id, "now": now, "expires_at": expires_at, "nonce": secrets.token_hex(8)}
    rows = store.write(q.REVOKE, params)
    return bool(rows and rows[0]["new"])


def is_revoked(store: Store, token_id: str) -> bool:
    return bool(store.read(q.IS_REVOKED, {"id": token_id}))


class RecentChecks:
    """Tokens found not revoked in the last ``seconds``: their next requests skip
    the graph (a lookup per request cost a cache-hit answer most of its time).

    A revocation through this process's ``revokeToken`` takes effect at once;
    one made elsewhere (another worker, ``graphdesk token revoke``) within
    ``seconds``. 0 checks every request. A revoked token is never remembered.
    """

    MAX = 10_000  # tokens remembered at once (the oldest go first)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ok: dict[str, float] = {}

    def fresh(self, token_id: str) -> bool:
        checked = self._ok.get(token_id)
        return checked is not None and time.monotonic() - checked < self.seconds

    def passed(self, token_id: str) -> None:
        if self.seconds <= 0:
            return
        self._ok.pop(token_id, None)
        self._ok[token_id] = time.monotonic()
        if len(self._ok) > self.MAX:
            self._ok.pop(next(iter(self._ok)), None)

    def forget(self, token_id: str) -> None:
        self._ok.pop(token_id, None)


# This process's checks (the authentication middleware fills it; revokeToken empties an entry).
recent = RecentChecks(seconds=2.0)


async def revoke_token(context: Context, token_id: str) -> bool:
    """The ``revokeToken`` mutation: True when the token was not revoked before."""
    tid = checked_token_id(token_id)
    recent.forget(tid)
    done = await run_in_threadpool(revoke, context.store, tid)
    recent.forget(tid)  # a request that passed meanwhile must not keep it fresh
    await audit.admin_action(context, "token.revoke", tid, "revoked" if done else "already")
    return done
