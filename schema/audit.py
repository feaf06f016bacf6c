"""AuditRecord: one record of the audit trail (``resolvers/audit.py``), for auditors."""

from __future__ import annotations

import strawberry

from graph.types import Row


@strawberry.type(description="One event of the audit trail, chained to the one before it.")
class AuditRecord:
    seq: int = strawberry.field(description="Its place in the chain, from 1.")
    time: str = strawberry.field(description="When, in UTC (ISO 8601).")
    kind: str = strawberry.field(
        description="login, personal_data, knowledge, routing, admin or audit."
    )
    operation: str = strawberry.field(description='What was done, e.g. "token.revoke".')
    subject: str = strawberry.field(description="Who did it (empty when unknown).")
    role: str = strawberry.field(description="Their role (cli: the command line).")
    target: str = strawberry.field(description="What it was done to (ids).")
    result: str = strawberry.field(description="ok, refused, revoked ...")
    client: str = strawberry.field(description="The client's address (empty on the CLI).")
    request_id: str = strawberry.field(description="The request's id (X-Request-ID).")
    prev: str = strawberry.field(description="SM3 of the previous record's canonical form.")
    hash: str = strawberry.field(description="SM3 of this record's canonical form.")

    @classmethod
    def from_record(cls, row: Row) -> AuditRecord:
        def text(name: str) -> str:
            return str(row.get(name) or "")

        return cls(
            seq=int(row.get("seq") or 0),
            time=text("time"),
            kind=text("kind"),
            operation=text("operation"),
            subject=text("subject"),
            role=text("role"),
            target=text("target"),
            result=text("result"),
            client=text("client"),
            request_id=text("request_id"),
            prev=text("prev"),
            hash=text("hash"),
        )
