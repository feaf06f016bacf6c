"""PinnedAnswer: an editor's answer to the questions a pattern describes."""

from __future__ import annotations

import strawberry

from resolvers.pipeline.pins import Pin
from schema.citation import Citation


@strawberry.type(
    description="An answer a knowledge editor pinned to a question pattern: questions "
    "that match it are answered with this text first, cited to the editor."
)
class PinnedAnswer:
    id: strawberry.ID
    pattern: str = strawberry.field(
        description='As written: terms all required in any order, "phrases" in order, '
        "a|b alternatives, -word excluded."
    )
    canonical: str = strawberry.field(
        description="The pattern in canonical form; pinning one with the same form replaces it."
    )
    answer: str
    language: str = strawberry.field(description='The answer\'s language, "en" or "zh".')
    curator: str = strawberry.field(description="Who last set it (the token's subject).")
    created_at: str
    updated_at: str
    cited: list[str] = strawberry.field(description="Ids of the sections and error codes cited.")
    citations: list[Citation] = strawberry.field(
        description="Those of them still live in the graph."
    )

    @classmethod
    def from_record(cls, p: Pin) -> PinnedAnswer:
        return cls(
            id=strawberry.ID(p.id), pattern=p.pattern, canonical=p.rule.key, answer=p.answer,
            language=p.language, curator=p.curator, created_at=p.created_at,
            updated_at=p.updated_at, cited=list(p.cited),
            citations=[Citation.from_record(c) for c in p.citations],
        )  # fmt: skip
