"""Reading and writing conversations and turns (the Cypher is in graph/queries).

One message's writes (its turns, their links, the conversation's new state,
and the handoff ticket when it escalates) commit together or not at all.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from extractors.text.crypto.sealer import Sealer
from graph.errors import ConstraintViolation
from graph.queries import blind_index as bq
from graph.queries import conversations as cq
from graph.store import Store
from graph.types import Row
from resolvers.conversation import turn_text
from resolvers.conversation.records import Finding

EXTRACTOR = "graphdesk.conversation/1"


class ConversationError(Exception):
    """Bad input to a conversation: names the argument and what is wrong."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument, self.problem = argument, problem
        super().__init__(f"argument '{argument}': {problem}")


def now() -> tuple[int, str]:
    return int(time.time() * 1000), datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return "conversation:" + uuid.uuid4().hex


def key_of(conversation_id: str) -> str:
    return conversation_id.removeprefix("conversation:")


def turn_id(conversation_id: str, ordinal: int) -> str:
    return f"turn:{key_of(conversation_id)}:{ordinal}"


def ticket_id(conversation_id: str) -> str:
    return f"ticket:graphdesk:{key_of(conversation_id)}"


def load(store: Store, conversation_id: str) -> Row | None:
    rows = store.read(cq.CONVERSATION, {"id": conversation_id})
    return rows[0] if rows else None


def turns(store: Store, conversation_id: str, sealer: Sealer | None = None) -> list[Row]:
    """The turns in order: masked as stored, or with ``sealer`` their clear text
    where it was sealed (``turn_text.py``)."""
    rows = [dict(r["turn"]) for r in store.read(cq.TURNS, {"id": conversation_id})]
    if sealer is None:
        return [turn_text.as_stored(t) for t in rows]
    return [turn_text.opened(t, sealer) for t in rows]


def visible_to_agent(store: Store, conversation_id: str, agent: str) -> bool:
    return bool(store.read(cq.VISIBLE_TO_AGENT, {"id": conversation_id, "subject": agent}))


def turn_row(
    sealer: Sealer,
    conversation_id: str,
    ordinal: int,
    role: str,
    author: str,
    text: str,
    extra: dict[str, Any],
    findings: Sequence[Finding] = (),
) -> Row:
    """A new turn's properties; its text and findings as ``turn_text.stored`` keeps them."""
    ms, at = now()
    tid = turn_id(conversation_id, ordinal)
    props = {
        "id": tid, "conversation": conversation_id, "ordinal": ordinal, "role": role,
        "author": author, "created_ms": ms, "created_at": at, "source": conversation_id,
        "extractor": EXTRACTOR, "extracted_at": ms,
        **{k: v for k, v in extra.items() if v is not None},
        **turn_text.stored(sealer, tid, role, text, findings),
    }  # fmt: skip
    return {"conversation": conversation_id, "props": props}


def save(
    store: Store,
    conversation_id: str,
    *,
    created: dict[str, Any] | None,
    customer: str,
    rows: list[Row],
    links: list[Row],
    props: dict[str, Any],
    ticket: dict[str, Any] | None = None,
    queue: str = "support",
    taken_by: str | None = None,
    lookup: Sequence[str] = (),
) -> None:
    """All of one message's writes, in one transaction. ``lookup``: the message's
    blind-index entries (with a new ``ticket``, the earlier turns' too), linked to
    the handoff ticket once there is one (``graph/queries/blind_index.py``)."""
    try:
        with store.transaction() as tx:
            if created is not None:
                tx.run(cq.CREATE_CONVERSATION, {"customer": customer, "props": created})
            tx.run(cq.ADD_TURNS, {"rows": rows})
            code_links = [r for r in links if r.get("codes")]
            product_links = [r for r in links if r.get("products")]
            if code_links:
                tx.run(cq.LINK_TURN_CODES, {"rows": code_links})
            if product_links:
                tx.run(cq.LINK_TURN_PRODUCTS, {"rows": product_links})
            tx.run(cq.UPDATE_CONVERSATION, {"id": conversation_id, "props": props})
            if ticket is not None:
                tx.run(cq.ESCALATE, {
                    "conversation": conversation_id, "ticket": ticket,
                    "queue": f"queue:{queue}", "queue_name": queue,
                })  # fmt: skip
            if taken_by is not None:
                tx.run(cq.TAKE_TICKET, {"conversation": conversation_id, "agent": taken_by})
            if lookup:
                tx.run(bq.ADD_CONVERSATION_ENTRIES, {"conversation": conversation_id,
                                                     "entries": list(lookup)})  # fmt: skip
    except ConstraintViolation:
        raise ConversationError(
            "conversationId",
            f"another message to {conversation_id} was stored at the same moment; send again",
        ) from None
