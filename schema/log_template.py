"""LogTemplate: a log line pattern mined from log files, with where it comes from."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.types import Row


@strawberry.type(description="A log message template; variable parts shown as <*>.")
class LogTemplate:
    id: str
    template: str
    count: int = strawberry.field(description="Lines of its log file that match it.")
    levels: list[str] = strawberry.field(description='Log levels seen, e.g. ["ERROR"].')
    example: str | None = strawberry.field(description="One matching line, personal data masked.")
    components: list[str]
    codes: list[str] = strawberry.field(description="Known error codes its lines mention.")
    product: str | None
    source: str = strawberry.field(description="The log file it was mined from.")

    @classmethod
    def from_record(cls, row: Row) -> LogTemplate:
        """From ``graph.queries.logs.LOG_TEMPLATES`` rows."""
        t: dict[str, Any] = row["template"]
        return cls(
            id=t["id"],
            template=t.get("template") or "",
            count=int(t.get("count") or 0),
            levels=list(t.get("levels") or []),
            example=t.get("example"),
            components=sorted(c for c in row.get("components") or [] if c),
            codes=sorted(c for c in row.get("codes") or [] if c),
            product=t.get("product"),
            source=t.get("source") or "",
        )
