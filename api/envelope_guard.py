"""The SM envelope at the server: sealed requests opened, their answers sealed back.

An ASGI middleware on ``/graphql``, inside the body guard (so the body has
passed the size limit) and the authentication (a token is still required:
the envelope protects the body, not who may send it). A request with the
envelope's content type (``api/envelope.py``) is opened, checked and
handed on as the plain request it holds: a JSON body, or (version 2) a
multipart body with files, under the content type it was sealed with and
held to the body guard's limit for that type (413 as the same body sent
plain), so GraphQL's upload limits and type checks apply to it as to any.
The answer, whatever its status, goes back sealed under the request's SM4
key. A plain request that runs an operation the settings require to be
sealed (``api/envelope_rules.py``) is refused with 403 before GraphQL sees
it: a JSON body is judged by its operation, a multipart one by its
``operations`` field (read by the parser strawberry uses), anything else
refused whole.

Every refusal is a 4xx (503 only when the replay cache is full of live
nonces) with ``{"errors": [{"message", "extensions": {"code"}}]}`` and no
stack trace: ENVELOPE_REQUIRED, ENVELOPE_MALFORMED, ENVELOPE_UNKNOWN_KEY,
ENVELOPE_STALE, ENVELOPE_FUTURE, ENVELOPE_TAMPERED, ENVELOPE_REPLAYED,
ENVELOPE_UNAVAILABLE (no key on this server, or the graph cannot be asked
about nonces: 503). Replays are checked after the envelope has proved
authentic, so forged envelopes cannot fill the cache: first in this
process's cache (``api/replay_cache.py``), then, unless
GRAPHDESK_ENVELOPE_REPLAY_SHARED is off, in the graph (``resolvers/nonces.py``),
so one nonce passes once across every worker and host of the graph.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.body_guard import MULTIPART, BodyLimits, json_problem, refuse, replaying
from api.envelope import CONTENT_TYPE, EnvelopeError, Sealed, media_type, open_request
from api.envelope_key import ServerKey
from api.envelope_rules import Rules, required_by, required_by_query
from api.replay_cache import Full, ReplayCache, Seen
from resolvers.nonces import SharedNonces

if TYPE_CHECKING:
    from api.app import Runtime

log = logging.getLogger("graphdesk.envelope")
GUARDED_PATHS = frozenset({"/graphql"})
JSON = "application/json"


async def _refuse(send: Send, error: EnvelopeError, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(
        {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    ).encode("utf-8")
    raw = [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": error.status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _read(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _sealing(send: Send, sealed: Sealed) -> Send:
    """A send that holds the answer back, then sends it sealed."""
    start: Message = {}
    chunks: list[bytes] = []

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        status = int(start["status"])
        body = sealed.seal_response(status, b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", [])
                   if k.lower() not in (b"content-type", b"content-length")]  # fmt: skip
        headers += [(b"content-type", CONTENT_TYPE.encode()),
                    (b"content-length", str(len(body)).encode())]  # fmt: skip
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return sending


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return str(value.decode("latin-1")).split(";")[0].strip().lower()
    return ""


async def _operations(scope: Scope, body: bytes) -> bytes:
    """A multipart body's ``operations`` field, read as strawberry reads it (the
    same parser, the last field of the name); empty when the body does not parse,
    which GraphQL then refuses itself."""
    request = Request(scope, replaying(body, _nothing))
    try:
        form = await request.form()
    except Exception:  # any parse failure: strawberry cannot read it either
        return b""
    try:
        value = form.get("operations")
        return value.encode("utf-8") if isinstance(value, str) else b""
    finally:
        await form.close()


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class EnvelopeGuard:
    def __init__(
        self,
        app: ASGIApp,
        key: ServerKey | None,
        rules: Rules,
        max_skew: int,
        cache: ReplayCache,
        runtime: Runtime | None = None,
        limits: BodyLimits | None = None,
    ) -> None:
        """``runtime``: share nonces through its store (every worker and host of the
        graph); None: this process's cache alone. ``limits``: the body guard's."""
        self.app = app
        self.key, self.rules, self.max_skew, self.cache = key, rules, max_skew, cache
        self.limits = limits if limits is not None else BodyLimits()
        self.runtime = runtime
        self.shared = SharedNonces()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in GUARDED_PATHS:
            await self.app(scope, receive, send)
            return
        kind = _content_type(scope)
        if kind == CONTENT_TYPE:
            await self._sealed(scope, receive, send)
        elif scope["method"] == "POST" and self.rules.any:
            await self._plain_post(scope, receive, send, kind)
        elif scope["method"] == "GET" and self.rules.any:
            params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            query = params.get("query", [None])[0]
            name = params.get("operationName", [None])[0]
            reason = required_by_query(self.rules, query, name) if query else None
            if reason:
                await _refuse(send, self._required(reason))
                return
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _required(self, reason: str) -> EnvelopeError:
        return EnvelopeError(
            403, "ENVELOPE_REQUIRED",
            f"this server requires the SM envelope for {reason} (GRAPHDESK_ENVELOPE_REQUIRED="
            f"{self.rules.describe()}): seal the request with the key from GET /envelope/key "
            f"and send it as {CONTENT_TYPE}",
        )  # fmt: skip

    async def _plain_post(self, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
        if kind not in (JSON, MULTIPART):
            # Only a JSON or multipart body can be read for the operation it runs.
            await _refuse(send, self._required(f"every POST that is not {JSON} or {MULTIPART}"))
            return
        body = await _read(receive)
        if body is None:
            return
        if kind == MULTIPART:
            reason = required_by(self.rules, await _operations(scope, body))
        else:
            reason = required_by(self.rules, body)
        if reason:
            log.info("refused a plain request from %s: %s needs the envelope", _client(scope),
                     reason)  # fmt: skip
            await _refuse(send, self._required(reason))
            return
        await self.app(scope, replaying(body, receive), send)

    async def _admit_shared(self, sealed: Sealed) -> None:
        """Seen raised when another process of the graph admitted the nonce."""
        if self.runtime is None:
            return
        store = self.runtime.store
        if store is None:
            raise EnvelopeError(503, "ENVELOPE_UNAVAILABLE", "graphdesk is not started")
        try:
            new = await run_in_threadpool(
                self.shared.admit, store, sealed.nonce, sealed.ts + self.max_skew
            )
        except Exception as exc:  # any store failure: refuse, never let a replay pass
            log.warning("cannot check an envelope's nonce: %s", exc)
            raise EnvelopeError(
                503, "ENVELOPE_UNAVAILABLE", "graphdesk cannot check envelopes now; try again"
            ) from None
        if not new:
            raise Seen(sealed.nonce)

    async def _sealed(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _refuse(send, EnvelopeError(405, "ENVELOPE_MALFORMED",
                                              "an envelope is sent with POST"))  # fmt: skip
            return
        if self.key is None:
            await _refuse(send, EnvelopeError(
                400, "ENVELOPE_UNAVAILABLE",
                "this server has no envelope key (GRAPHDESK_ENVELOPE_KEY_FILE); send the "
                "request plain",
            ))  # fmt: skip
            return
        body = await _read(receive)
        if body is None:
            return
        try:
            plaintext, sealed = open_request(
                self.key.private, self.key.kid, scope["method"], scope["path"], body,
                self.max_skew,
            )  # fmt: skip
            if too_large := self.limits.problem(media_type(sealed.body_type), plaintext):
                log.warning("refused an envelope from %s: %s", _client(scope), too_large)
                await refuse(send, 413, too_large)  # as the same body sent plain
                return
            self.cache.admit(sealed.nonce, sealed.ts + self.max_skew)
            await self._admit_shared(sealed)
        except EnvelopeError as exc:
            log.warning("refused an envelope from %s: %s", _client(scope), exc.message)
            await _refuse(send, exc)
            return
        except Seen:
            log.warning("refused a replayed envelope from %s", _client(scope))
            await _refuse(send, EnvelopeError(
                409, "ENVELOPE_REPLAYED",
                f"this envelope's nonce was already used within the last {self.max_skew} s: "
                "a replay; seal every request anew",
            ))  # fmt: skip
            return
        except Full as full:
            log.error("envelope replay cache full (%d nonces)", self.cache.capacity)
            wait = str(int(full.wait) + 1)
            await _refuse(send, EnvelopeError(
                503, "ENVELOPE_BUSY",
                f"too many envelopes in the last {self.max_skew} s; retry in {wait} s "
                "(GRAPHDESK_ENVELOPE_REPLAY_CACHE_SIZE)",
            ), {"Retry-After": wait})  # fmt: skip
            return
        kind = media_type(sealed.body_type)
        problem = json_problem(plaintext) if kind == JSON else None
        if problem:
            await _refuse(send, EnvelopeError(400, "ENVELOPE_MALFORMED",
                                              f"the sealed body: {problem}"))  # fmt: skip
            return
        headers = [(k, v) for k, v in scope["headers"]
                   if k not in (b"content-type", b"content-length")]  # fmt: skip
        headers += [(b"content-type", sealed.body_type.encode("latin-1")),
                    (b"content-length", str(len(plaintext)).encode())]  # fmt: skip
        inner = {**scope, "headers": headers}
        await self.app(inner, replaying(plaintext, receive), _sealing(send, sealed))
