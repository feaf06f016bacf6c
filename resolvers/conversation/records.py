"""The records of a conversation: a turn's state, attachments' findings, the handoff."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from resolvers.pipeline.records import Citation


@dataclass(frozen=True)
class Speaker:
    """Who sends a message: a customer (the conversation's holder) or an agent."""

    role: str  # "customer" | "agent"
    subject: str  # customer:<hash> or agent:<hash>


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass
class Finding:
    """What one attachment showed."""

    name: str
    kind: str  # "image" | "text"
    text: str  # what was read (OCR text, or the log's telling lines), masked
    codes: list[str] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)  # "<language> <exception type>"
    # a text's lines matched to mined log templates (extractors/logs/matching.py):
    # their ids, and the products and components those templates link to (their
    # codes are among ``codes``)
    templates: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    # What was read before masking: only ever stored sealed (turn_text.py), never shown.
    clear: str = field(default="", repr=False)

    def masked(self) -> Finding:
        """The finding without its clear text (what a result hands back)."""
        return dataclasses.replace(self, clear="")


@dataclass
class Entities:
    codes: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)  # trace fingerprints
    inherited: list[str] = field(default_factory=list)  # "codes", "products", "versions"


@dataclass(frozen=True)
class Escalation:
    rule: str  # "request" | "emotion" | "complexity" | "unresolved"
    evidence: str
    ticket_id: str
    at_turn: int  # 0-based index of the customer turn after which it escalated


@dataclass
class TurnState:
    """One message's outcome: what a replay records per turn."""

    conversation_id: str
    turn_id: str
    reply_turn_id: str | None
    reply: str
    reply_mode: str  # "extractive" | "llm" | "pinned" | "handoff" | "acknowledgement" | "none"
    citations: list[Citation]
    language: str
    state: str  # escalation.State value after the turn
    emotion: float | None = None  # customer turns only
    emotion_reasons: list[str] = field(default_factory=list)
    complexity: str | None = None  # the conversation's level after the turn, "L1".."L5"
    complexity_reason: str | None = None
    confidence: float | None = None  # of the bot's answer, when it answered
    resolved: bool | None = None
    unresolved_reason: str | None = None
    escalation: Escalation | None = None  # the conversation's, once escalated
    escalated_now: bool = False  # this turn escalated it
    entities: Entities = field(default_factory=Entities)
    attachments: list[Finding] = field(default_factory=list)


@dataclass
class SimilarTicket:
    id: str
    subject: str
    solution: str
    shared: str  # the code or product it shares


@dataclass
class Handoff:
    """What the person taking over needs, so they do not start from zero."""

    asked: list[str]  # the customer's turns, masked
    tried: list[str]  # what the bot suggested, with the sources it cited
    products: list[str]
    versions: list[str]
    codes: list[str]
    attachments: list[str]
    emotion_trend: list[float]
    suggested: str
    citations: list[Citation]
    similar_tickets: list[SimilarTicket]
    customer: str  # the customer's context: earlier tickets and conversations
    rule: str
    evidence: str
    summary: str = ""
    summary_mode: str = "assembled"  # "llm" | "assembled"
