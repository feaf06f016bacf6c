"""The conversation fields: ``sendMessage``, ``conversation``, ``closeConversation``,
``feedback``. Thin adapters over ``resolvers/conversation/desk.py``.

Who may do what is ``resolvers/policy.py``'s: a customer holds their own
conversations; agents read, reply to and close escalated ones of their
queue (``ConversationScope``); experts and editors read all, experts reply
to and close any escalated one. A conversation outside the caller's scope is
"not found", never "forbidden", so its existence does not leak. Turns come
in clear (their sealed text opened) to the customer and the agents, partly
masked to experts and editors, as tickets do (``conversations_in_clear``); a
read in clear is audited as a personal-data read. Uploads are read here, at
most the size limit plus one byte each, before any work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from graph.types import Row
from resolvers import audit, redaction
from resolvers.context import Context
from resolvers.conversation import desk as desks
from resolvers.conversation import history, turn_text
from resolvers.conversation.handoff import citations_from_json
from resolvers.conversation.history import ConversationError
from resolvers.conversation.records import Attachment, Speaker, TurnState
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.identity import Identity, Role
from resolvers.pipeline.errors import BadQuestion
from resolvers.policy import (
    ConversationScope,
    Operation,
    conversation_scope,
    conversations_in_clear,
    speaks_as,
)


class Upload(Protocol):
    """What strawberry hands over for an ``Upload`` (Starlette's ``UploadFile``)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


def _desk(context: Context, operation: Operation) -> tuple[desks.Desk, Identity]:
    if context.identity is None:
        raise Forbidden(operation.value)
    if context.desk is None:
        raise RuntimeError("this server holds no conversations (no desk in its context)")
    return context.desk, context.identity


def _speaker(identity: Identity) -> Speaker:
    return Speaker(speaks_as(identity), identity.subject)


def _sees_all(identity: Identity) -> bool:
    return conversation_scope(identity) is ConversationScope.ALL


def _bad(exc: ConversationError | BadQuestion) -> InvalidArgument:
    return InvalidArgument(exc.argument, exc.problem)


async def _read_uploads(uploads: Sequence[Upload], limit: int, count: int) -> list[Attachment]:
    if len(uploads) > count:
        raise InvalidArgument(
            "attachments", f"{len(uploads)} files are more than the limit of {count} per message"
        )
    out = []
    for i, up in enumerate(uploads):
        name = up.filename or f"attachment {i + 1}"
        data = await up.read(limit + 1)
        if len(data) > limit:
            raise InvalidArgument(
                "attachments", f"attachment {name!r} is over the limit of {limit} bytes "
                "(GRAPHDESK_MAX_UPLOAD_BYTES)",
            )  # fmt: skip
        out.append(Attachment(name, data))
    return out


async def send_message(
    context: Context,
    conversation_id: str | None,
    text: str,
    uploads: Sequence[Upload],
    on_token: Callable[[str], None] | None = None,
) -> TurnState:
    desk, who = _desk(context, Operation.SEND_MESSAGE)
    files = await _read_uploads(uploads, desk.max_upload_bytes, desk.max_attachments)
    cid = conversation_id.strip() if conversation_id is not None else None
    if cid == "":
        raise InvalidArgument("conversationId", "is empty; leave it out to start a conversation")
    try:
        return await run_in_threadpool(
            desks.send, desk, _speaker(who), cid, text, files, _sees_all(who), on_token
        )
    except (ConversationError, BadQuestion) as exc:
        raise _bad(exc) from exc


def _visible(context: Context, who: Identity, found: Row) -> bool:
    scope = conversation_scope(who)
    if scope is ConversationScope.ALL:
        return True
    if scope is ConversationScope.OWN:
        return bool(found["customer"] == who.subject)
    cid = str(found["conversation"]["id"])
    return history.visible_to_agent(context.desk.store, cid, who.subject) if context.desk else False


def _turn_shown(context: Context, who: Identity, turn: Row) -> Row:
    """A stored turn as ``who`` may read it: the sealed text opened, then masked
    for the roles that do not read personal data in clear (as tickets are)."""
    sealer = context.sealer
    opened = turn_text.opened(turn, sealer) if sealer else turn_text.as_stored(turn)
    return opened if conversations_in_clear(who) else redaction.turn(opened)


def _history(context: Context, who: Identity, conversation_id: str) -> Row | None:
    store = context.desk.store if context.desk else context.store
    found = history.load(store, conversation_id)
    if found is None or not _visible(context, who, found):
        return None
    turns = history.turns(store, conversation_id, context.sealer)
    conv = turn_text.conversation_opened(found["conversation"], context.sealer)
    if not conversations_in_clear(who):
        turns = [redaction.turn(t) for t in turns]
        conv["resolution"] = redaction.masked_text(conv.get("resolution"))
    for t in turns:
        t["citation_list"] = citations_from_json(t.get("citations"))
    return {**found, "conversation": conv, "turns": turns}


async def _audited(context: Context, who: Identity, operation: str, cid: str) -> None:
    """Reads in clear are personal-data reads, as for tickets; staff's masked reads
    are recorded too, saying so."""
    if conversations_in_clear(who):
        await audit.personal_data_read(context, operation, [cid])
    elif who.role is not Role.CUSTOMER:
        await audit.record_for(context, "personal_data", operation, cid, "masked")


async def conversation(context: Context, conversation_id: str) -> Row | None:
    """A conversation's history, or null when there is none the caller may read."""
    _, who = _desk(context, Operation.CONVERSATIONS)
    cid = conversation_id.strip()
    if not cid:
        raise InvalidArgument("id", "is empty")
    row = await run_in_threadpool(_history, context, who, cid)
    if row is not None:
        await _audited(context, who, "conversation.read", cid)
    return row


async def close_conversation(context: Context, conversation_id: str, resolution: str) -> Row:
    desk, who = _desk(context, Operation.CLOSE_CONVERSATION)
    try:
        await run_in_threadpool(
            desks.close, desk, _speaker(who), conversation_id.strip(), resolution, _sees_all(who)
        )
    except ConversationError as exc:
        raise _bad(exc) from exc
    row = await run_in_threadpool(_history, context, who, conversation_id.strip())
    assert row is not None
    await _audited(context, who, "conversation.read", conversation_id.strip())
    return row


async def feedback(
    context: Context, turn_id: str, helpful: bool | None, resolved: bool | None,
    csat: int | None, comment: str | None,
) -> dict[str, Any]:  # fmt: skip
    desk, who = _desk(context, Operation.FEEDBACK)
    try:
        turn = await run_in_threadpool(
            desks.feedback, desk, who.subject, turn_id.strip(), helpful, resolved, csat, comment,
            who.development,
        )  # fmt: skip
    except ConversationError as exc:
        raise _bad(exc) from exc
    return _turn_shown(context, who, turn)  # the customer's own turn: in clear
