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


async def revoke_token(context: Context, token_id: str) -> bool:
    """The ``revokeToken`` mutation: True when the token was not revoked before."""
    tid = checked_token_id(token_id)
    return await run_in_threadpool(revoke, context.store, tid)
