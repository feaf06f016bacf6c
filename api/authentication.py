"""Who sends a request: ``Authorization: Bearer <token>`` checked before GraphQL sees it.

An ASGI middleware over everything but ``/healthz`` and ``/envelope/key``
(the envelope's public key, public by design); websockets are refused (there
is no GraphQL over them). A token is verified
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
Refused tokens count against the client address (``api/lockout.py``), on
every worker and host of the graph together; a locked-out address gets 429
with ``Retry-After`` for every request, answered from this process's view.
A graph that cannot be asked about revocations refuses the request (503):
a revoked token must not pass because the store was down.

Logins go to the audit trail (``resolvers/audit.py``): every refused token,
and an accepted token's first use per process per hour (not every request:
that would add a graph write to each). Requests refused for a missing token
or during a lockout are not recorded (no credentials were checked). Each
request gets an id (a client's ``X-Request-ID`` when it is plain, else a new
one), which audit records carry and the response echoes.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.lockout import UNAVAILABLE, SharedLockout
from api.tokens import InvalidToken, VerifiedTokens, unverified_claims
from resolvers import audit
from resolvers.identity import DEVELOPMENT, Identity
from resolvers.revocation import is_revoked, recent

if TYPE_CHECKING:
    from api.app import Runtime

log = logging.getLogger("graphdesk.auth")
OPEN_PATHS = frozenset({"/healthz", "/envelope/key"})  # the envelope's key is public
REALM = 'Bearer realm="graphdesk"'
MISSING = "authentication required: send a token as 'Authorization: Bearer <token>'"
REFUSED = "the token was refused (invalid, expired or revoked)"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


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


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            if REQUEST_ID.fullmatch(text):
                return str(text)
    return audit.new_request_id()


def _echo_request_id(send: Send, request_id: str) -> Send:
    async def sending(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers") or [])  # type: ignore[call-overload]
            headers.append((b"x-request-id", request_id.encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return sending  # type: ignore[return-value]


def _token_id(token: str) -> str:
    try:
        return unverified_claims(token).token_id
    except InvalidToken:
        return "?"


class Authentication:
    def __init__(
        self,
        app: ASGIApp,
        runtime: Runtime,
        key: bytes,
        development: bool,
        lockout: SharedLockout,
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.key = key
        self.tokens = VerifiedTokens(key)
        self.development = development
        self.lockout = lockout
        audit.trail.retention_days = runtime.settings.audit_retention_days

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
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        send = _echo_request_id(send, request_id)
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
            await self._audit(header, found, address, request_id)
            if found is None:
                if (wait := await self.lockout.failed(address)) is not None:
                    log.warning("client %s locked out for %d s after failed logins", address, wait)
                    await self._locked_out(send, wait)
                    return
                await _answer(
                    send, 401, REFUSED, {"WWW-Authenticate": REALM + ', error="invalid_token"'}
                )
                return
            if not isinstance(found, str):  # locked out by another worker or host?
                if (admitted := await self.lockout.admitted(address)) == UNAVAILABLE:
                    found = UNAVAILABLE
                elif isinstance(admitted, int):
                    await self._locked_out(send, admitted)
                    return
            if isinstance(found, str):  # "unavailable"
                await _answer(send, 503, "graphdesk cannot check tokens now; try again", {})
                return
            identity = found
        scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)

    async def _audit(
        self, header: str, found: Identity | str | None, address: str, request_id: str
    ) -> None:
        """Record a refusal, or an accepted token's first use in the interval."""
        store = self.runtime.store
        if store is None or isinstance(found, str):
            return
        if found is None:
            token_id = _token_id(header.strip().partition(" ")[2].strip())
            event = audit.Event("login", "login", "", "none", token_id, "refused", address,
                                request_id)  # fmt: skip
        elif found.token_id is None or not audit.logins.first_use(found.token_id):
            return
        else:
            event = audit.Event("login", "login", found.subject, audit.role_of(found),
                                found.token_id, "ok", address, request_id)  # fmt: skip
        try:
            await run_in_threadpool(audit.record, store, event)
        except Exception as exc:  # the request is answered; the log says what is missing
            if found is not None and found.token_id is not None:
                audit.logins.forget(found.token_id)  # recorded at its next use instead
            log.error("audit: cannot record a login from %s: %s", address, exc)

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
            claims = self.tokens.verify(token)
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
