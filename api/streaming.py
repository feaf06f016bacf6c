"""``POST /conversations/stream``: a message, and the bot's reply as server-sent events.

The same as the ``sendMessage`` mutation (same checks, same stored turns),
for clients that show the reply while the LLM writes it: the body is JSON
``{"conversationId": ..., "text": ...}`` (attachments go through
``sendMessage``), the answer is ``text/event-stream``. Events: ``token``
(``data`` a JSON string, a piece of the reply, only when an LLM is
configured), then one ``state`` (``data`` the turn's state as JSON, with the
final ``reply``, which replaces what streamed: a reply that cites a fact it
was not given is replaced by the extractive one, and a turn that escalates
ends with the handoff message), or one ``error`` (``data``
``{"message", "extensions"}``, as GraphQL would give it). Without an LLM the
reply comes in one piece, in ``state``. Authentication, rate limits and the
body checks are the middleware's, as for ``/graphql``; websockets stay refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from resolvers import conversations
from resolvers.context import Context
from resolvers.errors import FORBIDDEN, InvalidArgument
from resolvers.policy import Operation, may

log = logging.getLogger("graphdesk.api")


def _error(message: str, extensions: dict[str, Any], status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status)


def _event(kind: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _arguments(request: Request) -> tuple[str | None, str]:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidArgument("body", "is not JSON") from None
    if not isinstance(body, dict):
        raise InvalidArgument("body", 'must be a JSON object {"conversationId": ..., "text": ...}')
    cid, text = body.get("conversationId"), body.get("text")
    if cid is not None and not isinstance(cid, str):
        raise InvalidArgument("conversationId", "must be a string or null")
    if not isinstance(text, str):
        raise InvalidArgument("text", "is required, a string")
    return cid, text


async def stream_message(request: Request) -> Response:
    runtime = request.app.state.runtime
    identity = getattr(request.state, "identity", None)  # api/authentication.py
    if not may(identity, Operation.SEND_MESSAGE):
        op = Operation.SEND_MESSAGE.value
        return _error(f"not allowed: your role may not use {op}", {"code": FORBIDDEN}, 403)
    if runtime.store is None or runtime.answerer is None:
        return _error("graphdesk is not started", {"code": "UNAVAILABLE"}, 503)
    try:
        cid, text = await _arguments(request)
    except InvalidArgument as exc:
        return _error(str(exc), exc.extensions, 400)
    context = Context(
        store=runtime.store, answerer=runtime.answerer,
        max_question_chars=runtime.settings.max_question_chars, request=request,
        identity=identity, desk=runtime.desk,
    )  # fmt: skip
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def on_token(piece: str) -> None:  # called on the pipeline's thread
        loop.call_soon_threadsafe(queue.put_nowait, _event("token", piece))

    async def work() -> None:
        try:
            state = await conversations.send_message(context, cid, text, [], on_token)
            await queue.put(_event("state", asdict(state)))
        except InvalidArgument as exc:
            await queue.put(_event("error", {"message": str(exc), "extensions": exc.extensions}))
        except Exception:  # unexpected: logged here, masked for the client
            log.exception("conversation stream failed")
            await queue.put(_event("error", {"message": "Unexpected error.", "extensions": {}}))
        finally:
            await queue.put(None)

    async def events() -> AsyncIterator[str]:
        task = asyncio.create_task(work())
        while (item := await queue.get()) is not None:
            yield item
        await task

    return StreamingResponse(
        events(), media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )  # fmt: skip
