"""Answer: the text, how it was produced, how sure it is, and what it cites."""

from __future__ import annotations

import strawberry

from resolvers.pipeline import records
from schema.citation import Citation


@strawberry.type(description="An answer assembled from the knowledge graph.")
class Answer:
    text: str
    mode: str = strawberry.field(
        description='"llm" when a language model wrote the text from the cited facts, '
        '"extractive" when it was assembled from them directly (no LLM configured), '
        '"pinned" when it is a knowledge editor\'s pinned answer, given as written.'
    )
    confidence: float = strawberry.field(description="0 to 1.")
    language: str = strawberry.field(description='Language of the question, e.g. "en", "zh".')
    citations: list[Citation]
    needs_human: bool = strawberry.field(
        description="Confidence is below the documented threshold: the answer says it may "
        "not know, and a person should take over if it does not help."
    )

    @classmethod
    def from_record(cls, record: records.Answer) -> Answer:
        return cls(
            text=record.text,
            mode=record.mode,
            confidence=float(record.confidence),
            language=record.language,
            citations=[Citation.from_record(c) for c in record.citations],
            needs_human=record.needs_human,
        )
