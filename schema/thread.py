"""Thread: a community Q&A thread (Stack Exchange, Discourse) with its posts."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.types import Row


@strawberry.type(description="The question that opens a thread.")
class ThreadQuestion:
    text: str
    votes: int

    @classmethod
    def from_record(cls, row: Row) -> ThreadQuestion:
        return cls(text=row.get("text") or "", votes=int(row.get("votes") or 0))


@strawberry.type(description="An answer in a thread.")
class ThreadAnswer:
    text: str
    votes: int
    accepted: bool = strawberry.field(description="Marked as the accepted answer.")

    @classmethod
    def from_record(cls, row: Row) -> ThreadAnswer:
        return cls(
            text=row.get("text") or "",
            votes=int(row.get("votes") or 0),
            accepted=bool(row.get("accepted")),
        )


@strawberry.type(description="A community Q&A thread.")
class Thread:
    id: str = strawberry.field(description='e.g. "thread:dba.stackexchange.com:1".')
    site: str | None
    title: str
    url: str | None
    tags: list[str]
    views: int | None
    votes: int = strawberry.field(description="The question's votes (likes on Discourse).")
    created_at: str | None
    question: ThreadQuestion | None
    answers: list[ThreadAnswer] = strawberry.field(
        description="Accepted first, then by votes, as ingested."
    )
    duplicate_of: list[str] = strawberry.field(
        description="Ids of the threads this one was closed as a duplicate of."
    )

    @classmethod
    def from_record(cls, row: Row) -> Thread:
        """From ``graph.queries.community.thread()`` or ``threads()``."""
        t: dict[str, Any] = row["thread"]
        question = row.get("question")
        views = t.get("views")
        return cls(
            id=t["id"],
            site=t.get("site"),
            title=t.get("title") or "",
            url=t.get("url"),
            tags=list(t.get("tags") or []),
            views=int(views) if views is not None else None,
            votes=int(t.get("votes") or 0),
            created_at=t.get("created_at"),
            question=ThreadQuestion.from_record(question) if question else None,
            answers=[ThreadAnswer.from_record(a) for a in row.get("answers") or []],
            duplicate_of=list(row.get("duplicate_of") or []),
        )
