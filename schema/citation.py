"""Citation: a graph fact an answer rests on (document section, error code, solution ...)."""

from __future__ import annotations

import strawberry

from resolvers.pipeline import records


@strawberry.type(description="A graph fact an answer rests on, traceable to its source.")
class Citation:
    kind: str = strawberry.field(
        description='What is cited: "document", "error_code", "solution", "ticket", "thread", '
        '"pinned" (an editor\'s pinned answer) ...'
    )
    uri: str = strawberry.field(description="Where the fact came from (file or page, with anchor).")
    title: str
    code: str | None = strawberry.field(description="The error code, when an error code is cited.")
    snippet: str = strawberry.field(description="The cited text, shortened.")
    score: float = strawberry.field(description="Fused ranking score; higher is more relevant.")
    version: str | None = strawberry.field(
        default=None,
        description="Product version the cited fact describes (a release-notes section's "
        "version, or its document's), when known.",
    )
    curator: str | None = strawberry.field(
        default=None, description="A pinned answer's editor (who last set it)."
    )
    pinned_at: str | None = strawberry.field(
        default=None, description="When a pinned answer was last set (UTC, ISO 8601)."
    )

    @classmethod
    def from_record(cls, record: records.Citation) -> Citation:
        return cls(
            kind=record.kind,
            uri=record.uri,
            title=record.title,
            code=record.code,
            snippet=record.snippet,
            score=float(record.score),
            version=record.version,
            curator=record.curator,
            pinned_at=record.pinned_at,
        )
