"""Conversations: a message's outcome, the history, the escalation and its handoff."""

from __future__ import annotations

import json
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph.types import Row
from resolvers.conversation import records
from schema.citation import Citation


@strawberry.type(
    description="What a turn's analysis linked (own, or inherited from earlier turns)."
)
class TurnEntities:
    codes: list[str] = strawberry.field(description="Error codes, normalised.")
    products: list[str] = strawberry.field(description='Product ids, e.g. "product:nimbusdb".')
    versions: list[str] = strawberry.field(description='Versions as written, e.g. "3", "15.4".')
    traces: list[str] = strawberry.field(description="Stack-trace fingerprints.")
    inherited: list[str] = strawberry.field(
        description='Which of "codes", "products", "versions" came from earlier turns.'
    )

    @classmethod
    def from_record(cls, e: records.Entities) -> TurnEntities:
        return cls(codes=e.codes, products=e.products, versions=e.versions, traces=e.traces,
                   inherited=e.inherited)  # fmt: skip

    @classmethod
    def from_row(cls, t: Row) -> TurnEntities:
        def strings(key: str) -> list[str]:
            return [str(v) for v in t.get(key) or []]

        return cls(codes=strings("codes"), products=strings("products"),
                   versions=strings("versions"), traces=strings("traces"),
                   inherited=strings("inherited"))  # fmt: skip


@strawberry.type(description="What one attachment showed.")
class AttachmentFinding:
    name: str
    kind: str = strawberry.field(description='"image" (read by OCR) or "text" (a log or trace).')
    text: str = strawberry.field(
        description="What was read, shortened; its personal data as in the turn's text."
    )
    codes: list[str]
    traces: list[str] = strawberry.field(description='"<language> <exception type>" per trace.')
    templates: list[str] = strawberry.field(
        description="Ids of the mined log templates its lines match (a text file)."
    )
    products: list[str] = strawberry.field(description="Products those templates are about.")
    components: list[str] = strawberry.field(description="Components that log those templates.")

    @classmethod
    def from_record(cls, f: records.Finding) -> AttachmentFinding:
        return cls(name=f.name, kind=f.kind, text=f.text, codes=f.codes, traces=f.traces,
                   templates=f.templates, products=f.products,
                   components=f.components)  # fmt: skip

    @classmethod
    def from_json(cls, text: str | None) -> list[AttachmentFinding]:
        return [cls.from_record(records.Finding(**f)) for f in json.loads(text)] if text else []


@strawberry.type(description="Why and when a conversation was handed to a person.")
class Escalation:
    rule: str = strawberry.field(
        description='The rule that fired: "request", "emotion", "complexity" or "unresolved".'
    )
    evidence: str = strawberry.field(description="What made it fire, with the values.")
    ticket_id: str = strawberry.field(description="The handoff ticket, waiting in a queue.")
    at_turn: int = strawberry.field(
        description="0-based index of the customer turn after which it escalated."
    )

    @classmethod
    def from_record(cls, e: records.Escalation | None) -> Escalation | None:
        if e is None:
            return None
        return cls(rule=e.rule, evidence=e.evidence, ticket_id=e.ticket_id, at_turn=e.at_turn)


@strawberry.type(
    description="The outcome of one sendMessage: the reply and the conversation's state."
)
class MessageResult:
    conversation_id: strawberry.ID
    turn_id: strawberry.ID = strawberry.field(description="The message's own turn.")
    reply_turn_id: strawberry.ID | None = strawberry.field(
        description="The bot's reply turn (feedback goes here); null for an agent's message."
    )
    reply: str = strawberry.field(description="Empty for an agent's message.")
    reply_mode: str = strawberry.field(
        description='"extractive", "llm" or "pinned" (an answer; "pinned": an editor\'s '
        'pinned answer), "handoff" (this message escalated), '
        '"acknowledgement" (a person has it), "none" (an agent\'s message).'
    )
    citations: list[Citation]
    language: str
    state: str = strawberry.field(description='"bot", "escalated", "agent" or "closed".')
    emotion: float | None = strawberry.field(description="-1 to 1, of a customer's message.")
    emotion_reasons: list[str]
    complexity: str | None = strawberry.field(description='The conversation\'s level, "L1".."L5".')
    complexity_reason: str | None
    confidence: float | None = strawberry.field(description="The answer's, when the bot answered.")
    resolved: bool | None = strawberry.field(description="Whether this turn left it resolved.")
    unresolved_reason: str | None
    escalation: Escalation | None
    escalated_now: bool = strawberry.field(description="This message escalated the conversation.")
    entities: TurnEntities
    attachments: list[AttachmentFinding]

    @classmethod
    def from_record(cls, s: records.TurnState) -> MessageResult:
        return cls(
            conversation_id=strawberry.ID(s.conversation_id), turn_id=strawberry.ID(s.turn_id),
            reply_turn_id=strawberry.ID(s.reply_turn_id) if s.reply_turn_id else None,
            reply=s.reply, reply_mode=s.reply_mode,
            citations=[Citation.from_record(c) for c in s.citations], language=s.language,
            state=s.state, emotion=s.emotion, emotion_reasons=s.emotion_reasons,
            complexity=s.complexity, complexity_reason=s.complexity_reason,
            confidence=s.confidence, resolved=s.resolved, unresolved_reason=s.unresolved_reason,
            escalation=Escalation.from_record(s.escalation), escalated_now=s.escalated_now,
            entities=TurnEntities.from_record(s.entities),
            attachments=[AttachmentFinding.from_record(f) for f in s.attachments],
        )  # fmt: skip


@strawberry.type(description="A customer's verdict on a turn, for the data loop.")
class TurnFeedback:
    helpful: bool | None
    resolved: bool | None
    csat: int | None = strawberry.field(description="1 (very unhappy) to 5 (very happy).")
    comment: str | None = strawberry.field(description="Its personal data as in the turn's text.")
    at: str | None

    @classmethod
    def from_row(cls, t: Row) -> TurnFeedback | None:
        if not t.get("feedback_at"):
            return None
        return cls(helpful=t.get("feedback_helpful"), resolved=t.get("feedback_resolved"),
                   csat=t.get("feedback_csat"), comment=t.get("feedback_comment"),
                   at=t.get("feedback_at"))  # fmt: skip


@strawberry.type(description="One turn of a conversation: the customer's, the bot's or an agent's.")
class Turn:
    id: strawberry.ID
    ordinal: int
    role: str = strawberry.field(description='"customer", "bot" or "agent".')
    author: str = strawberry.field(description='"customer:<hash>", "agent:<hash>" or "bot".')
    text: str = strawberry.field(
        description="In clear for the customer and the agents (sealed at storage), partly "
        "masked for other roles; a turn stored before sealing shows its masked text ([PHONE])."
    )
    created_at: str | None
    mode: str | None = strawberry.field(description="A bot turn's reply mode.")
    citations: list[Citation]
    emotion: float | None
    emotion_reasons: list[str]
    complexity: str | None = strawberry.field(description="This turn's own level, if assessed.")
    complexity_reason: str | None
    confidence: float | None
    resolved: bool | None
    unresolved_reason: str | None
    entities: TurnEntities
    attachments: list[AttachmentFinding]
    feedback: TurnFeedback | None

    @classmethod
    def from_row(cls, t: Row) -> Turn:
        level = t.get("complexity")
        return cls(
            id=strawberry.ID(t["id"]), ordinal=int(t["ordinal"]), role=t["role"],
            author=t.get("author") or "", text=t.get("text") or "", created_at=t.get("created_at"),
            mode=t.get("mode"),
            citations=[Citation.from_record(c) for c in t.get("citation_list") or []],
            emotion=t.get("emotion"), emotion_reasons=list(t.get("emotion_reasons") or []),
            complexity=f"L{level}" if level else None,
            complexity_reason=t.get("complexity_reason"), confidence=t.get("confidence"),
            resolved=t.get("resolved"), unresolved_reason=t.get("unresolved_reason"),
            entities=TurnEntities.from_row(t),
            attachments=AttachmentFinding.from_json(t.get("attachments")),
            feedback=TurnFeedback.from_row(t),
        )  # fmt: skip


@strawberry.type(description="What the person taking over gets with the ticket.")
class Handoff:
    ticket_id: strawberry.ID
    status: str | None
    queue: str | None = strawberry.field(description="The queue it waits in; null once taken.")
    assignee: str | None = strawberry.field(description="The agent who took it.")
    summary: str
    summary_mode: str = strawberry.field(description='"llm" or "assembled" (from graph facts).')
    packet: JSON = strawberry.field(
        description="asked, tried, products, versions, codes, attachments, emotion_trend, "
        "suggested, citations, similar_tickets, customer, rule, evidence."
    )

    @classmethod
    def from_row(cls, row: Row) -> Handoff | None:
        t: dict[str, Any] | None = row.get("ticket")
        if not t:
            return None
        return cls(ticket_id=strawberry.ID(t["id"]), status=t.get("status"),
                   queue=row.get("queue"), assignee=row.get("assignee"),
                   summary=t.get("summary") or "", summary_mode=t.get("summary_mode") or "",
                   packet=json.loads(t.get("handoff") or "{}"))  # fmt: skip


@strawberry.type(description="A conversation with its turns, its state and its handoff.")
class Conversation:
    id: strawberry.ID
    customer: str = strawberry.field(description='"customer:<hash>": who holds it.')
    state: str = strawberry.field(description='"bot", "escalated", "agent" or "closed".')
    language: str | None
    complexity: str | None = strawberry.field(description='"L1".."L5", the highest so far.')
    complexity_reason: str | None
    escalation: Escalation | None
    resolution: str | None
    created_at: str | None
    closed_at: str | None
    turns: list[Turn]
    handoff: Handoff | None

    @classmethod
    def from_row(cls, row: Row) -> Conversation:
        c: dict[str, Any] = row["conversation"]
        level = c.get("complexity")
        esc = None
        if c.get("escalation_rule"):
            esc = records.Escalation(
                str(c["escalation_rule"]), str(c.get("escalation_evidence")),
                str(c.get("ticket")), int(c.get("escalated_at") or 0),
            )  # fmt: skip
        return cls(
            id=strawberry.ID(c["id"]), customer=str(row["customer"]), state=c["state"],
            language=c.get("language"), complexity=f"L{level}" if level else None,
            complexity_reason=c.get("complexity_reason"),
            escalation=Escalation.from_record(esc), resolution=c.get("resolution"),
            created_at=c.get("created_at"), closed_at=c.get("closed_at"),
            turns=[Turn.from_row(t) for t in row.get("turns") or []],
            handoff=Handoff.from_row(row),
        )  # fmt: skip
