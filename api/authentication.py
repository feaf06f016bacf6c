"""Who sends a request: ``Authorization: Bearer <token>`` checked before GraphQL sees it.

An ASGI middleware over everything but ``/healthz`` (websockets are refused:
there is no GraphQL over them). A token is verified
(signature, expiry: ``api/tokens.py``), then looked up among the revoked
ones in the graph (``resolvers/revocation.py``: every worker and every host
sees a revocation at once); the caller's identity goes to the request's
state, where the GraphQL context takes it (``resolvers/policy.py`` decides
what it may do). Without a token: in development the request acts as the
developer (every role, ``resolvers.identity.DEVELOPMENT``); outside
development it is refused with 401.

A refused token gets 401 with ``WWW-Authenticate: Bearer error="invalid_token"``
and one message whatever was wrong (forged, expired, revoked, malformed):
the reason goes to the log with the token's id, never to the client.
Refused tokens count against the client address (``api/lockout.py``); a
locked-out address gets 429 with ``Retry-After`` for every request.
A graph that cannot be asked about revocations refuses the request (503):
a revoked token must not pass because the store was down.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.lockout import Lockout
from api.tokens import InvalidToken, unverified_claims, verify
from resolvers.identity import DEVELOPMENT, Identity
from resolvers.revocation import is_revoked, recent

if TYPE_CHECKING:
    from api.app import Runtime

log = logging.getLogger("graphdesk.auth")
OPEN_PATHS = frozenset({"/healthz"})
REALM = 'Bearer realm="graphdesk"'
MISSING = "authentication required: send a token as 'Authorization: Bearer <token>'"
REFUSED = "the token was refused (invalid, expired or revoked)"


async def _answer(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"errors": [{"message": message}]}).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _bearer(scope: Scope) -> str | None:
    """The Authorization header's value, or None when there is none."""
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None


def _token_id(token: str) -> str:
    try:
        return unverified_claims(token).token_id
    except InvalidToken:
        return "?"


class Authentication:
    def __init__(
        self, app: ASGIApp, runtime: Runtime, key: bytes, development: bool, lockout: Lockout
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.key = key
        self.development = development
        self.lockout = lockout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # graphdesk serves no GraphQL over websockets (no subscriptions): refused.
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http" or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        if (wait := self.lockout.retry_after(address)) is not None:
            await self._locked_out(send, wait)
            return
        header = _bearer(scope)
        if header is None:
            if not self.development:
                await _answer(send, 401, MISSING, {"WWW-Authenticate": REALM})
                return
            identity: Identity = DEVELOPMENT
        else:
            found = await self._identity(header, address)
            if found is None:
                if (wait := self.lockout.failed(address)) is not None:
                    log.warning("client %s locked out for %d s after failed logins", address, wait)
                    await self._locked_out(send, wait)
                    return
                await _answer(
                    send, 401, REFUSED, {"WWW-Authenticate": REALM + ', error="invalid_token"'}
                )
                return
            if isinstance(found, str):  # "unavailable"
                await _answer(send, 503, "graphdesk cannot check tokens now; try again", {})
                return
            identity = found
        scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)

    async def _locked_out(self, send: Send, wait: int) -> None:
        message = f"too many failed authentications from this address; retry in {wait} s"
        await _answer(send, 429, message, {"Retry-After": str(wait)})

    async def _identity(self, header: str, address: str) -> Identity | str | None:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            log.info("refused authentication from %s: not a Bearer token", address)
            return None
        try:
            claims = verify(self.key, token)
        except InvalidToken as exc:
            log.info("refused token %s from %s: %s", _token_id(token), address, exc)
            return None
        store = self.runtime.store
        if store is None:
            return "unavailable"
        if recent.fresh(claims.token_id):
            return claims.identity()
        try:
            revoked = await run_in_threadpool(is_revoked, store, claims.token_id)
        except Exception as exc:  # any store failure: refuse, never let a revoked token pass
            log.warning("cannot check token revocation: %s", exc)
            return "unavailable"
        if revoked:
            log.info("refused token %s from %s: revoked", claims.token_id, address)
            return None
        recent.passed(claims.token_id)
        return claims.identity()
