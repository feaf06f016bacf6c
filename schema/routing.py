"""Routing in the API: agents' assignments, their work, and why a ticket went where.

Field functions here, assembled into ``Query`` and ``Mutation`` by
``schema/query.py``; the work is ``resolvers/routing/work.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph.types import Row
from resolvers.context import Context
from resolvers.routing import work
from resolvers.routing.config import STEPS
from resolvers.routing.router import Decision

Info = strawberry.Info[Context, None]
AgentArg = Annotated[
    str | None,
    strawberry.argument(
        description="The agent acted for (supervisors and development); "
        "default: the caller's own agent."
    ),
]
TicketArg = Annotated[str, strawberry.argument(name="id", description="The ticket's id.")]


@strawberry.type(description="One score term of a routing candidate.")
class ScoreTerm:
    name: str
    value: float


def _terms(terms: dict[str, Any]) -> list[ScoreTerm]:
    return [ScoreTerm(name=k, value=float(v)) for k, v in sorted(terms.items())]


@strawberry.type(description="An agent the router considered, with its score terms.")
class RoutingCandidate:
    agent: str
    score: float
    terms: list[ScoreTerm]


@strawberry.type(description="Where a ticket was placed, by which fallback step and why.")
class RoutingDecision:
    ticket: str
    step: int = strawberry.field(
        description="0 manual override, 1 skills, 2 related, 3 higher tier, 4 team queue."
    )
    step_name: str
    policy: str
    agent: str | None
    group: str | None = strawberry.field(description="The team queue, at step 4.")
    score: float | None
    terms: list[ScoreTerm]
    candidates: list[RoutingCandidate] = strawberry.field(description="The top candidates.")
    waiting: bool = strawberry.field(description="Held for a busy agent; not placed yet.")
    reason: str

    @classmethod
    def from_decision(cls, d: Decision) -> RoutingDecision:
        return cls(
            ticket=d.ticket, step=d.step, step_name=STEPS[d.step], policy=d.policy,
            agent=d.agent, group=d.group, score=d.score, terms=_terms(d.terms),
            candidates=[RoutingCandidate(agent=c.agent, score=c.score, terms=_terms(c.terms))
                        for c in d.candidates],
            waiting=d.waiting, reason=d.reason,
        )  # fmt: skip

    @classmethod
    def from_record(cls, row: Row) -> RoutingDecision:
        stored = row.get("terms") or {}
        candidates = []
        for c in stored.get("candidates") or []:
            rest = {k: v for k, v in c.items() if k not in ("agent", "score")}
            candidates.append(RoutingCandidate(agent=str(c["agent"]), score=float(c["score"]),
                                               terms=_terms(rest)))  # fmt: skip
        step = int(row.get("step") or 0)
        return cls(
            ticket=str(row["ticket"]), step=step, step_name=STEPS.get(step, ""),
            policy=str(row.get("policy") or ""), agent=row.get("agent"), group=row.get("group"),
            score=row.get("score"), terms=_terms(stored.get("terms") or {}),
            candidates=candidates, waiting=False, reason="",
        )  # fmt: skip


@strawberry.type(description="A ticket assigned to an agent.")
class Assignment:
    ticket: str
    subject: str | None
    status: str | None
    priority: str | None
    language: str | None
    complexity: str | None
    assigned_at_ms: float
    step: int
    policy: str
    accepted: bool

    @classmethod
    def from_record(cls, a: work.Assignment) -> Assignment:
        t = a.ticket
        return cls(
            ticket=str(t["id"]), subject=t.get("subject"), status=t.get("status"),
            priority=t.get("priority"), language=t.get("language"),
            complexity=t.get("complexity"), assigned_at_ms=float(a.assigned_ms), step=a.step,
            policy=a.policy, accepted=a.accepted,
        )  # fmt: skip


async def my_assignments(info: Info, agent: AgentArg = None, limit: int = 20) -> list[Assignment]:
    return [Assignment.from_record(a) for a in await work.assignments(info.context, agent, limit)]


async def routing_decisions(info: Info, ticket_id: TicketArg) -> list[RoutingDecision]:
    return [RoutingDecision.from_record(r) for r in await work.why(info.context, ticket_id)]


async def set_agent_status(
    info: Info,
    status: Annotated[str, strawberry.argument(description="available, busy or away.")],
    agent: AgentArg = None,
) -> str:
    return await work.set_status(info.context, status, agent)


async def accept_ticket(info: Info, ticket_id: TicketArg, agent: AgentArg = None) -> str:
    return await work.accept(info.context, ticket_id, agent)


async def resolve_ticket(
    info: Info,
    ticket_id: TicketArg,
    first_contact: Annotated[
        bool, strawberry.argument(description="Resolved without the customer coming back.")
    ],
    handle_seconds: Annotated[float, strawberry.argument(description="Time worked on it.")],
    csat: Annotated[
        float | None, strawberry.argument(description="Customer satisfaction, 1 to 5.")
    ] = None,
    agent: AgentArg = None,
) -> int:
    return await work.resolve(info.context, ticket_id, agent, first_contact, handle_seconds, csat)


async def transfer_ticket(
    info: Info, ticket_id: TicketArg, agent: AgentArg = None
) -> RoutingDecision:
    return RoutingDecision.from_decision(await work.transfer(info.context, ticket_id, agent))


async def override_assignment(
    info: Info,
    ticket_id: TicketArg,
    agent: Annotated[str, strawberry.argument(description="The agent who takes it.")],
) -> RoutingDecision:
    return RoutingDecision.from_decision(await work.override(info.context, ticket_id, agent))


async def route_ticket(info: Info, ticket_id: TicketArg) -> RoutingDecision:
    return RoutingDecision.from_decision(await work.route(info.context, ticket_id))
