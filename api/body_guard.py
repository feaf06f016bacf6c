"""Request bodies checked before GraphQL sees them: size, encoding, shape.

A body over the limit is refused with 413 as soon as it is known to be too
large (by its Content-Length, or while it streams in), so ten clients sending
50 MB each cost the server no more than the limit each. A JSON body must be
UTF-8 and a JSON object (one GraphQL request); anything else is a 400 that
says what is wrong, never a 500. The body read here is handed on unchanged.

An SM envelope (``api/envelope.py``) may seal a multipart body, so it may be
as large as the largest multipart body sealed; what it opens to is held to
the limit of its own type again (:meth:`BodyLimits.problem`, applied by
``api/envelope_guard.py``), so a sealed body is never allowed more than the
same body sent plain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.envelope import CONTENT_TYPE as ENVELOPE
from api.envelope import envelope_size

DEFAULT_MAX_BYTES = 1_000_000  # a question is at most a few KB; 1 MB leaves room
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class BodyLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    # multipart/form-data (a GraphQL request with files): its own, larger limit
    max_multipart_bytes: int = 0

    def limit_for(self, kind: str) -> int:
        """The limit of a body of media type ``kind`` (lower case, no parameters)."""
        multipart = max(self.max_multipart_bytes, self.max_bytes)
        if kind == MULTIPART:
            return multipart
        if kind == ENVELOPE:
            return envelope_size(multipart)
        return self.max_bytes

    def too_large(self, size: int, limit: int, at_least: bool = False) -> str:
        of = "more than " if at_least else ""
        which = "GRAPHDESK_MAX_BODY_BYTES"
        if limit != self.max_bytes:
            which += " + GRAPHDESK_MAX_ATTACHMENTS x GRAPHDESK_MAX_UPLOAD_BYTES"
        if limit == self.limit_for(ENVELOPE) and limit != self.limit_for(MULTIPART):
            which += ", sealed"
        return f"request body of {of}{size} bytes is over the limit of {limit} bytes ({which})"

    def problem(self, kind: str, body: bytes) -> str | None:
        """Why a whole ``body`` of media type ``kind`` is refused with 413, or None."""
        limit = self.limit_for(kind)
        return self.too_large(len(body), limit) if len(body) > limit else None


class BodyGuard:
    def __init__(
        self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BYTES, max_multipart_bytes: int = 0
    ) -> None:
        self.app = app
        self.limits = BodyLimits(max_bytes, max_multipart_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        limit = self.limits.limit_for(kind)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await refuse(send, 413, self.limits.too_large(int(declared), limit))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await refuse(send, 413, self.limits.too_large(size, limit, at_least=True))
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if headers.get("content-type", "").split(";")[0].strip() == "application/json":
            problem = json_problem(body)
            if problem:
                await refuse(send, 400, problem)
                return
        await self.app(scope, replaying(body, receive), send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands on ``body`` whole, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, later
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def json_problem(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"request body is not UTF-8 (byte {exc.start} cannot be decoded)"
    try:
        value = json.loads(text)
    except ValueError:
        return None  # the GraphQL layer says "Unable to parse request body as JSON"
    if isinstance(value, list):
        return None  # a batch: the GraphQL layer says whether batching is on
    if not isinstance(value, dict):
        return f"request body must be a JSON object, not a JSON {_KINDS.get(type(value), 'value')}"
    return None


_KINDS = {int: "number", float: "number", str: "string", bool: "boolean", type(None): "null"}


async def refuse(send: Send, status: int, message: str) -> None:
    payload = json.dumps({"errors": [{"message": message}]}).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode("ascii"))],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": payload})
