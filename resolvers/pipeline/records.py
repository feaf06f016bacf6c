"""Answer and citation records shared by retrieval, synthesis and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CitationKind = Literal["document", "error_code", "solution", "ticket", "thread", "pinned"]
# "pinned": an editor's pinned answer, given as written (pins.py)
Mode = Literal["extractive", "llm", "pinned"]


@dataclass
class Citation:
    kind: CitationKind
    uri: str
    title: str
    snippet: str
    score: float
    code: str | None = None
    node_id: str | None = None
    version: str | None = None  # product version the cited fact describes, when known
    curator: str | None = None  # a pinned answer's editor (the token subject that set it)
    pinned_at: str | None = None  # when that editor last set it (UTC, ISO 8601)


@dataclass
class Answer:
    question: str
    text: str
    mode: Mode
    confidence: float
    citations: list[Citation] = field(default_factory=list)
    language: str = "en"
    entities: list[str] = field(default_factory=list)
    # confidence is below the documented threshold: say so, suggest a person
    needs_human: bool = False
