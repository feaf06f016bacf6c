"""ErrorCode: a product's error code with its causes and solution steps (English, Chinese)."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.types import Row


@strawberry.type(description="Why an error code occurs, as one source describes it.")
class ErrorCause:
    text: str | None
    text_zh: str | None

    @classmethod
    def from_record(cls, row: Row) -> ErrorCause:
        return cls(text=row.get("text"), text_zh=row.get("text_zh"))


@strawberry.type(description="Ordered steps that resolve an error code, as one source gives them.")
class ErrorSolution:
    steps: list[str]
    steps_zh: list[str]

    @classmethod
    def from_record(cls, row: Row) -> ErrorSolution:
        return cls(steps=list(row.get("steps") or []), steps_zh=list(row.get("steps_zh") or []))


@strawberry.type(description="An error code of a product.")
class ErrorCode:
    id: str = strawberry.field(description='e.g. "errcode:nimbusdb:NDB-1001".')
    code: str
    name: str | None
    product: str | None = strawberry.field(description="Null for codes not tied to a product.")
    version: str | None = strawberry.field(description="Product version the source describes.")
    message: str | None
    message_zh: str | None
    class_name: str | None
    severity: str | None
    uri: str | None = strawberry.field(description="Where the code is documented.")
    description: str | None = strawberry.field(
        description="What the documentation says beyond the message, when it says more."
    )
    aliases: list[str] = strawberry.field(
        description="Other names of the same code, e.g. a symbolic code's number."
    )
    causes: list[ErrorCause]
    solutions: list[ErrorSolution]

    @classmethod
    def from_record(cls, row: Row) -> ErrorCode:
        """From ``graph.queries.errorcodes.ERROR_CODES`` / ``ERROR_CODE`` rows."""
        e: dict[str, Any] = row["error"]
        version = e.get("version")
        return cls(
            id=e["id"],
            code=e["code"],
            name=e.get("name"),
            product=e.get("product"),
            version=str(version) if version is not None else None,
            message=e.get("message"),
            message_zh=e.get("message_zh"),
            class_name=e.get("class_name"),
            severity=e.get("severity"),
            uri=e.get("uri"),
            description=e.get("description"),
            aliases=[str(a) for a in e.get("aliases") or []],
            causes=[ErrorCause.from_record(c) for c in row.get("causes") or []],
            solutions=[ErrorSolution.from_record(s) for s in row.get("solutions") or []],
        )
