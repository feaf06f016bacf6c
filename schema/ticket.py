"""Ticket: a support case with its messages, its own fix and fixes from similar tickets."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.types import Row


@strawberry.type(
    description="One message of a ticket; personal data in clear or partly masked by role."
)
class TicketMessage:
    ordinal: int = strawberry.field(description="Position in the conversation, from 0.")
    role: str | None = strawberry.field(description='Who wrote it: "customer" or "agent".')
    author: str | None = strawberry.field(
        description='A hashed reference ("customer:<hash>"), never a name.'
    )
    body: str
    created_at: str | None = strawberry.field(description="As the exporting system wrote it.")

    @classmethod
    def from_record(cls, row: Row) -> TicketMessage:
        return cls(
            ordinal=int(row.get("ordinal") or 0),
            role=row.get("role"),
            author=row.get("author"),
            body=row.get("body") or "",
            created_at=row.get("created_at"),
        )


@strawberry.type(description="How a ticket was resolved.")
class TicketSolution:
    text: str
    steps: list[str] = strawberry.field(description="Numbered steps found in the text, if any.")

    @classmethod
    def from_record(cls, row: Row) -> TicketSolution:
        return cls(text=row.get("text") or "", steps=list(row.get("steps") or []))


@strawberry.type(description="The fix of another ticket that shares a symptom with this one.")
class EarlierFix:
    ticket: str = strawberry.field(description="Id of the ticket the fix resolved.")
    text: str
    steps: list[str]
    symptom: str = strawberry.field(
        description='The shared symptom: "symptom:code:<code>" or a stack-trace fingerprint.'
    )

    @classmethod
    def from_record(cls, row: Row) -> EarlierFix:
        return cls(
            ticket=row["ticket"],
            text=row.get("text") or "",
            steps=list(row.get("steps") or []),
            symptom=row["symptom"],
        )


@strawberry.type(description="Who works a ticket or for whom: its assignee, group or organisation.")
class TicketParty:
    id: str = strawberry.field(
        description='"agent:<hash>" (the id its replies carry as author), '
        '"group:<system>:<id>" or "organization:<system>:<id>".'
    )
    name: str | None = strawberry.field(
        description="As the export names it; null when it does not (or, for a "
        "person, when they are not staff). Never an e-mail address or phone number."
    )

    @classmethod
    def from_record(cls, row: Row | None) -> TicketParty | None:
        if not row or not row.get("id"):
            return None
        return cls(id=row["id"], name=row.get("name"))


@strawberry.type(
    description="Who raised a ticket. Name, e-mail and phone are stored only sealed "
    "(SM4-GCM): in clear for the ticket's customer and agents, partly masked for others."
)
class TicketCustomer:
    id: str = strawberry.field(description='"customer:<keyed hash>" (HMAC-SM3), never the id.')
    name: str | None
    email: str | None
    phone: str | None

    @classmethod
    def from_record(cls, row: Row | None) -> TicketCustomer | None:
        if not row or not row.get("id"):
            return None
        return cls(id=row["id"], name=row.get("name"), email=row.get("email"),
                   phone=row.get("phone"))  # fmt: skip


@strawberry.type(description="A support ticket from an export (Zendesk, Jira, generic).")
class Ticket:
    id: str = strawberry.field(description='System and key, e.g. "ticket:jira:SUP-7".')
    key: str = strawberry.field(description="The ticket's id in its own system.")
    system: str
    subject: str
    status: str | None
    priority: str | None
    created_at: str | None = strawberry.field(description="As the exporting system wrote it.")
    language: str | None = strawberry.field(description='Detected language, e.g. "en", "zh".')
    assignee: TicketParty | None = strawberry.field(description="The agent it is assigned to.")
    group: TicketParty | None = strawberry.field(description="The group (team) it is assigned to.")
    organization: TicketParty | None = strawberry.field(
        description="The customer organisation: the ticket's, else its requester's."
    )
    customer: TicketCustomer | None = strawberry.field(description="Who raised it.")
    messages: list[TicketMessage]
    solution: TicketSolution | None = strawberry.field(
        description="The fix, when the ticket was resolved with one."
    )
    earlier_fixes: list[EarlierFix] = strawberry.field(
        description="Fixes from other tickets that share a symptom (error code, stack trace)."
    )

    @classmethod
    def from_record(cls, row: Row) -> Ticket:
        """From ``{"ticket", "messages", "solution", "earlier_fixes"}``."""
        t: dict[str, Any] = row["ticket"]
        solution = row.get("solution")
        return cls(
            id=t["id"],
            key=t.get("key") or t["id"],
            system=t.get("system") or "",
            subject=t.get("subject") or "",
            status=t.get("status"),
            priority=t.get("priority"),
            created_at=t.get("created_at"),
            language=t.get("language"),
            assignee=TicketParty.from_record(t.get("assignee")),
            group=TicketParty.from_record(t.get("group")),
            organization=TicketParty.from_record(t.get("organization")),
            customer=TicketCustomer.from_record(t.get("customer")),
            messages=[TicketMessage.from_record(m) for m in row.get("messages") or []],
            solution=TicketSolution.from_record(solution) if solution else None,
            earlier_fixes=[EarlierFix.from_record(f) for f in row.get("earlier_fixes") or []],
        )
