"""The desk's past: the log's outcomes before the simulated days, taught to
the graph through the router's own learning update before a run starts.

A desk that turns learned routing on has months of resolved tickets. Here
that past is the log's first ``history_days`` days: each served call of an
identified customer, on a type its agent has as a declared skill, becomes a
ticket assigned to the agent who took it (``q.ASSIGN``, as any placement)
and resolved through ``outcomes.resolve`` (the path a worked ticket takes)
with the call's own handling time and whether the same customer called
again within the repeat window. A call whose window would end after the
history is left out: on the first simulated day the desk could not yet know
it was resolved, and judging it would read the simulated period's calls.

Unidentified callers are left out too (whether they called back is not
known), and so are calls on types the agent has not declared: teaching
those would give the learning policy candidates the others lack, and the
policies are compared at equal skills.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.queries import routing as q
from graph.queries import simulation as sq
from graph.store import Store
from resolvers.routing import outcomes
from resolvers.routing.config import RoutingConfig
from resolvers.routing.needs import prepare
from resolvers.routing.simulation.logs import Call
from resolvers.routing.simulation.world import World, product_id


@dataclass(frozen=True)
class Past:
    """One outcome of the history: who took a call of which type, how long it
    took, whether it resolved, and when (seconds before the run starts)."""

    agent: str  # the log's server name
    kind: str
    handle: float
    resolved: bool
    at: float  # seconds since the log's first midnight


def outcomes_before(world: World) -> list[Past]:
    """The history's outcomes a desk would know on the first simulated day."""
    end = world.start_day * 86_400.0
    window = world.assumptions.repeat_window_hours * 3600.0
    skills = {a.name: a.skills for a in world.agents}
    by_customer: dict[str, list[Call]] = defaultdict(list)
    for c in world.history:
        if c.customer not in ("", "0") and c.outcome != "PHANTOM":
            by_customer[c.customer].append(c)
    out = []
    for calls in by_customer.values():
        calls.sort(key=lambda c: c.arrival)
        for c, after in zip(calls, [*calls[1:], None], strict=True):
            if not c.served or c.kind not in skills.get(c.server, {}) or c.arrival + window > end:
                continue
            again = after is not None and after.arrival - c.arrival <= window
            out.append(Past(c.server, c.kind, min(c.handle, outcomes.MAX_HANDLE_SECONDS),
                            not again, c.arrival))  # fmt: skip
    return sorted(out, key=lambda p: (p.at, p.agent))


def teach(store: Store, world: World, config: RoutingConfig) -> int:
    """Write the history's outcomes into ``store`` as resolved tickets, oldest
    first; returns how many skill edges learned. Leaves every agent away (the
    run's roster sets who is on duty)."""
    ids = {a.name: a.id for a in world.agents}
    for agent in ids.values():
        outcomes.set_status(store, agent, "available")
    learned = 0
    start_ms = world.start_day * 86_400_000
    for n, p in enumerate(outcomes_before(world)):
        ticket = f"ticket:sim:history:{n}"
        at_ms = int(p.at * 1000) - start_ms  # before the run's clock starts at 0
        store.write(sq.CREATE_PAST_TICKET, {"id": ticket, "product": product_id(p.kind),
                                       "complexity": "L1"})  # fmt: skip
        prepare(store, ticket, None, config)
        taken = store.write(q.ASSIGN, {"ticket": ticket, "agent": ids[p.agent],
                                       "policy": "history", "step": 1, "at_ms": at_ms})  # fmt: skip
        if not taken:
            raise RuntimeError(f"history ticket {ticket} could not be assigned to {p.agent}")
        learned += outcomes.resolve(store, ticket, ids[p.agent], first_contact=p.resolved,
                                    handle_seconds=p.handle, at_ms=at_ms)  # fmt: skip
    for agent in ids.values():
        outcomes.set_status(store, agent, "away")
    return learned
