"""Agents and supervisors working routed tickets through GraphQL (issue 11, item 1).

The caller is the agent their token names (``identity.subject`` is the
``Agent`` id, as for the ticket scopes of ``resolvers/policy.py``); in
development, without a token, the agent is named by argument. Experts are
the supervisors here: they may act for another agent and override an
assignment. Each change is checked before it is made and names what is
wrong; overrides and transfers are routing decisions, recorded and audited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from graph.queries import routing as q
from graph.types import Row
from resolvers import audit
from resolvers.context import Context
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.identity import Role
from resolvers.routing import outcomes
from resolvers.routing.config import RoutingConfig
from resolvers.routing.needs import prepare, ticket_row
from resolvers.routing.router import Decision, Router, decisions

MAX_ASSIGNMENTS = 200
SUPERVISORS = (Role.EXPERT,)


@dataclass(frozen=True)
class Assignment:
    ticket: Row
    assigned_ms: int
    step: int
    policy: str
    accepted: bool


def _now_ms() -> int:
    return int(time.time() * 1000)


def acting_agent(context: Context, agent: str | None, operation: str) -> str:
    """Whose work this is: the caller's own, or (supervisors, development) the one named."""
    who = context.identity
    if who is None:
        raise Forbidden(operation)
    supervises = who.development or who.role in SUPERVISORS
    if agent is not None and not supervises and agent != who.subject:
        raise Forbidden(operation)
    if agent is not None:
        return agent
    if who.development:
        raise InvalidArgument("agent", "name the agent (development has no agent token)")
    return who.subject


def _config(context: Context) -> RoutingConfig:
    return context.routing or RoutingConfig()


async def assignments(context: Context, agent: str | None, limit: int) -> list[Assignment]:
    if not 1 <= limit <= MAX_ASSIGNMENTS:
        raise InvalidArgument("limit", f"must be between 1 and {MAX_ASSIGNMENTS}, not {limit}")
    aid = acting_agent(context, agent, "assignments")
    rows = await run_in_threadpool(
        context.store.read, q.ASSIGNED_TO_AGENT, {"agent": aid, "limit": limit}
    )
    return [
        Assignment(r["ticket"], int(r.get("assigned_ms") or 0), int(r.get("step") or 0),
                   str(r.get("policy") or ""), r.get("accepted_ms") is not None)
        for r in rows
    ]  # fmt: skip


def _assignees(context: Context, ticket: str) -> list[str]:
    return [str(r["agent"]) for r in context.store.read(q.ASSIGNEES, {"ticket": ticket})]


def _owned(context: Context, ticket: str, agent: str) -> None:
    if agent not in _assignees(context, ticket):
        raise InvalidArgument("id", f"ticket {ticket!r} is not assigned to {agent!r}")


async def set_status(context: Context, status: str, agent: str | None) -> str:
    aid = acting_agent(context, agent, "setAgentStatus")
    await run_in_threadpool(outcomes.set_status, context.store, aid, status)
    return status


async def accept(context: Context, ticket: str, agent: str | None) -> str:
    aid = acting_agent(context, agent, "acceptTicket")

    def work() -> None:
        _owned(context, ticket, aid)
        context.store.write(q.ACCEPT, {"ticket": ticket, "agent": aid, "at_ms": _now_ms()})

    await run_in_threadpool(work)
    return ticket


async def resolve(context: Context, ticket: str, agent: str | None, first_contact: bool,
                  handle_seconds: float, csat: float | None) -> int:  # fmt: skip
    aid = acting_agent(context, agent, "resolveTicket")

    def work() -> int:
        _owned(context, ticket, aid)
        return outcomes.resolve(context.store, ticket, aid, first_contact=first_contact,
                                handle_seconds=handle_seconds, csat=csat)  # fmt: skip

    return await run_in_threadpool(work)


async def transfer(context: Context, ticket: str, agent: str | None) -> Decision:
    """Give a ticket back: it is routed again, to anyone but the agent who had it."""
    aid = acting_agent(context, agent, "transferTicket")

    def work() -> Decision:
        _owned(context, ticket, aid)
        context.store.write(q.RELEASE, {"ticket": ticket, "agent": aid})
        context.store.write(q.COUNT_TRANSFER, {"ticket": ticket})
        return Router(context.store, _config(context)).route(ticket, exclude=(aid,))

    return await run_in_threadpool(work)


async def override(context: Context, ticket: str, agent: str) -> Decision:
    """A supervisor puts the ticket with ``agent`` whatever the router would choose."""
    who = context.identity
    if who is None or not (who.development or who.role in SUPERVISORS):
        raise Forbidden("overrideAssignment")

    def work() -> Decision:
        at_ms = _now_ms()
        if not context.store.read(q.AGENT, {"agent": agent}):
            raise InvalidArgument("agent", f"agent {agent!r} does not exist")
        context.store.write(q.RELEASE_ALL, {"ticket": ticket})
        if not context.store.write(q.OVERRIDE, {"ticket": ticket, "agent": agent,
                                                "at_ms": at_ms}):  # fmt: skip
            raise InvalidArgument("id", f"ticket {ticket!r} does not exist")
        d = Decision(ticket, 0, "override", agent=agent, reason=f"placed by {who.subject}")
        return Router(context.store, _config(context)).record(
            d, at_ms, who.subject, audit.role_of(who)
        )

    return await run_in_threadpool(work)


async def route(context: Context, ticket: str) -> Decision:
    """Route (or route again) one ticket now, computing its needs first."""

    def work() -> Decision:
        config = _config(context)
        ticket_row(context.store, ticket)  # an unknown ticket is named before any linking
        prepare(context.store, ticket, context.answerer.linker, config)
        return Router(context.store, config).route(ticket)

    return await run_in_threadpool(work)


async def why(context: Context, ticket: str) -> list[Row]:
    """The routing decisions of a ticket, newest last: agents see their own tickets'."""
    who = context.identity
    if who is None:
        raise Forbidden("routingDecisions")

    def work() -> list[Row]:
        if who.role == Role.AGENT and who.subject not in _assignees(context, ticket):
            return []  # not theirs: nothing, as a ticket outside the scope is "not found"
        return decisions(context.store, ticket)

    return await run_in_threadpool(work)
