"""One simulated run: a SimPy call centre whose every assignment is made by
the real router on the real graph.

An issue arrives (a non-homogeneous Poisson stream at the log's weekday and
hour rates; its service type and the server the log gave it resampled from
the log's calls of that hour); its contact becomes a Ticket about the type's
Product, ``needs.prepare`` writes its NEEDS, and ``Router.route`` places it
or holds it. Held tickets are routed again when an agent frees and every
``tick_seconds`` (so the router's widening waits run out); a caller whose
patience (exponential, the log's mean) runs out first hangs up. A served
contact takes the agent's hidden lognormal time for the type and resolves
with the agent's hidden probability; ``outcomes.resolve`` releases the agent
and teaches the graph. An unresolved issue calls again after one of the
log's repeat gaps, at the tier the Volvo log's reassignments give.

``old`` replays the log's server for a first contact when that agent is on
duty and free; otherwise (and for every later contact, which the log does
not assign) round-robin stands in.

``oracle`` is a bound, not a policy: it reads the hidden truth the router
never sees and gives each contact to the free agent whose expected work for
the issue, mean handling time over the chance of resolving it, is least,
among the agents the router's steps offer then (the type, on duty, the
contact's own tier; higher tiers once nobody at it is on duty or the
contact has waited out steps 1 and 2). So it shows how much any ranking
could gain in this data with the router's fallback order unchanged. (Before
session 20 it took higher tiers at once, which mixed the gain of ranking
with that of a different fallback: AHT -5.4% against -0.3% for learned.)

Random draws come from per-issue generators seeded by (seed, issue), so
every policy meets the same callers, types, patience and quantiles: the
policies' differences are not sampling noise of the arrivals.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from scipy.stats import norm

from graph.queries import routing as q
from graph.queries import simulation as sq
from graph.store import Store
from resolvers.routing import outcomes
from resolvers.routing.config import RoutingConfig
from resolvers.routing.needs import prepare
from resolvers.routing.router import Router
from resolvers.routing.simulation.logs import NO_SERVER
from resolvers.routing.simulation.world import SimAgent, World, product_id

POLICIES = ("learned", "learned-cold", "static", "round-robin", "least-loaded", "old", "oracle")
LEARNING = ("learned",)  # the policies that read outcomes: taught the history before a run
# ``learned-cold`` is the learned router not taught the history: it starts
# from the declared levels alone, as before a desk has any record, so the
# run shows what the history is worth.
COMPLEXITY = {1: "L1", 2: "L3", 3: "L4"}  # tier -> a complexity the router maps to it
RETRIES = 12  # held tickets tried per freed agent (oldest first)


@dataclass
class Contact:
    issue: int
    number: int  # 1 = first contact
    tier: int
    kind: str
    arrived: float
    wait: float = 0.0
    agent: str | None = None
    handle: float = 0.0
    resolved: bool = False
    abandoned: bool = False
    replayed: bool | None = None  # old only: the log's server took it
    # The served agent's hidden mean handling time and resolution chance on
    # the type: what the contact was expected to cost, apart from its draw.
    expected_handle: float = 0.0
    chance: float = 0.0


@dataclass
class Run:
    policy: str
    seed: int
    hours: float
    contacts: list[Contact] = field(default_factory=list)
    busy: float = 0.0  # agent-seconds in service within the horizon
    on_duty: float = 0.0  # agent-seconds on shift within the horizon
    ended: dict[str, int] = field(default_factory=dict)  # ticket statuses in the graph
    loads: int = 0  # sum of agents' load counters at the end
    assigned_left: int = 0  # ASSIGNED_TO edges left at the end
    history_seconds: float = 0.0  # teaching the desk's past before the run (learning policies)


class Desk:
    def __init__(self, store: Store, world: World, policy: str, seed: int, hours: float) -> None:
        if policy not in POLICIES:
            raise ValueError(f"policy {policy!r} is not one of {', '.join(POLICIES)}")
        self.store, self.world, self.policy, self.seed = store, world, policy, seed
        self.horizon = hours * 3600.0
        self.env = simpy.Environment()
        base = {"old": "round-robin", "oracle": "round-robin", "learned-cold": "learned"}.get(
            policy, policy
        )
        # related_limit 0: each simulated ticket needs one service type, and
        # "related" types through other tickets would only be the same type.
        self.config = RoutingConfig(policy=base, wait_seconds=world.assumptions.wait_seconds,
                                    related_limit=0, seed=seed)  # fmt: skip
        self.router = Router(store, self.config, audited=False)
        self.agents = {a.id: a for a in world.agents}
        self.by_name = {a.name: a for a in world.agents}
        self.busy: set[str] = set()
        self.held: dict[str, tuple[Contact, simpy.Event]] = {}  # ticket -> (contact, placed)
        self.run = Run(policy, seed, hours)
        self._tickets = 0

    # --- who can work now -------------------------------------------------
    def _day(self, t: float) -> int:
        return self.world.log_day(int(t // 86_400))

    def on_duty(self, agent: SimAgent, t: float) -> bool:
        hour = int(t % 86_400 // 3600)
        today = agent.duty.get(self._day(t))
        if today is not None and (
            today[0] <= hour < today[1] or (today[0] >= today[1] and hour >= today[0])
        ):
            return True
        # Yesterday's window, when it wrapped past midnight.
        before = agent.duty.get(self._day(t - 86_400))
        return before is not None and before[0] >= before[1] and hour < before[1]

    def _free_now(self) -> bool:
        t = self.env.now
        return any(a.id not in self.busy and self.on_duty(a, t) for a in self.world.agents)

    # --- processes --------------------------------------------------------
    def rosters(self) -> Generator[Any, Any, None]:
        """Each hour: the agents off duty are away, the others available."""
        status: dict[str, str] = {}
        while self.env.now < self.horizon:
            for a in self.world.agents:
                want = "available" if self.on_duty(a, self.env.now) else "away"
                if status.get(a.id) != want:
                    outcomes.set_status(self.store, a.id, want)
                    status[a.id] = want
                if want == "available":
                    self.run.on_duty += min(3600.0, self.horizon - self.env.now)
            self._retry(len(self.held))
            yield self.env.timeout(3600.0)

    def ticker(self) -> Generator[Any, Any, None]:
        while self.env.now < self.horizon or self.held:
            yield self.env.timeout(self.world.assumptions.tick_seconds)
            self._retry(RETRIES)

    def arrivals(self) -> Generator[Any, Any, None]:
        issue = 0
        rng = np.random.default_rng([self.seed, 0])
        while self.env.now < self.horizon:
            hour = int(self.env.now // 3600)
            cell = ((hour // 24 + self.world.first_weekday) % 7, hour % 24)
            rate = self.world.arrivals.rate.get(cell, 0.0) * self.world.assumptions.arrival_scale
            n = int(rng.poisson(rate))
            times = np.sort(rng.uniform(0, 3600, n))
            # The log's calls of the same day of the log and hour, so that the
            # server ``old`` replays worked that day; else the weekday's hour.
            day = self.world.log_day(hour // 24)
            arr = self.world.arrivals
            pool = arr.by_day.get((day, hour % 24)) or arr.calls.get(cell, [])
            for offset in times:
                at = hour * 3600.0 + float(offset)
                if at >= self.horizon:
                    break
                yield self.env.timeout(at - self.env.now)
                kind, server = pool[int(rng.integers(len(pool)))]
                issue += 1
                self.env.process(self.issue(issue, kind, server))
            yield self.env.timeout(max((hour + 1) * 3600.0 - self.env.now, 0.0))

    def issue(self, number: int, kind: str, server: str) -> Generator[Any, Any, None]:
        rng = np.random.default_rng([self.seed, 1, number])
        tier = 1
        for k in range(1, self.world.assumptions.max_contacts + 1):
            contact = Contact(number, k, tier, kind, self.env.now)
            self.run.contacts.append(contact)
            yield from self.contact(contact, server if k == 1 else NO_SERVER, rng)
            if contact.resolved or contact.abandoned:
                return
            gap = self.world.gaps[int(rng.integers(len(self.world.gaps)))]
            if self.env.now + gap >= self.horizon:
                return  # it would call again after the run: open at the end
            yield self.env.timeout(gap)
            nxt = self.world.escalation.next_tier.get(tier, {tier: 1.0})
            tiers = sorted(nxt)
            tier = tiers[int(np.searchsorted(np.cumsum([nxt[x] for x in tiers]), rng.random()))]

    def contact(
        self, c: Contact, server: str, rng: np.random.Generator
    ) -> Generator[Any, Any, None]:
        patience = float(rng.exponential(self.world.patience_mean))
        z_handle, u_resolve = float(norm.ppf(rng.random())), float(rng.random())
        self._tickets += 1
        ticket = f"ticket:sim:{c.issue}:{c.number}"
        self.store.write(sq.CREATE_TICKET, {"id": ticket, "product": product_id(c.kind),
                                            "complexity": COMPLEXITY[c.tier]})  # fmt: skip
        prepare(self.store, ticket, None, self.config)
        placed = self.env.event()
        self.held[ticket] = (c, placed)
        self._place(ticket, server)
        if not placed.triggered:
            outcome = yield placed | self.env.timeout(patience)
            if placed not in outcome:
                del self.held[ticket]
                c.abandoned, c.wait = True, self.env.now - c.arrived
                self.store.write(sq.ABANDON_TICKET, {"id": ticket, "at_ms": self._ms()})
                return
        agent = self.agents[str(placed.value)]
        c.agent, c.wait = agent.name, self.env.now - c.arrived
        fit = self.world.true_handle(agent.name, c.kind)
        c.handle = min(math.exp(fit.mu + fit.sigma * z_handle), outcomes.MAX_HANDLE_SECONDS)
        c.expected_handle, c.chance = fit.mean, self.world.true_fcr(agent.name, c.kind)
        start = self.env.now
        yield self.env.timeout(c.handle)
        self.run.busy += max(min(self.env.now, self.horizon) - min(start, self.horizon), 0.0)
        c.resolved = u_resolve < self.world.true_fcr(agent.name, c.kind)
        outcomes.resolve(self.store, ticket, agent.id, first_contact=c.resolved,
                         handle_seconds=c.handle, at_ms=self._ms())  # fmt: skip
        self.busy.discard(agent.id)
        self._retry(RETRIES)

    # --- placing ------------------------------------------------------------
    def _ms(self) -> int:
        return int(self.env.now * 1000)

    def _place(self, ticket: str, server: str = NO_SERVER) -> bool:
        c, placed = self.held[ticket]
        agent: str | None = None
        if self.policy == "old" and c.number == 1 and server != NO_SERVER:
            agent = self._replay(ticket, server)
            c.replayed = agent is not None
        if self.policy == "oracle":
            agent = self._oracle(ticket, c)
            if agent is None:
                return False
        if agent is None:
            agent = self.router.route(ticket, at_ms=self._ms()).agent
        if agent is None:
            return False
        del self.held[ticket]
        self.busy.add(agent)
        placed.succeed(agent)
        return True

    def _replay(self, ticket: str, server: str) -> str | None:
        a = self.by_name.get(server)
        if a is None or a.id in self.busy or not self.on_duty(a, self.env.now):
            return None
        taken = self.store.write(q.ASSIGN, {"ticket": ticket, "agent": a.id, "policy": "old",
                                            "step": 1, "at_ms": self._ms()})  # fmt: skip
        return a.id if taken else None

    def _oracle(self, ticket: str, c: Contact) -> str | None:
        """The free agent who can take ``c`` with the least true expected work."""
        t, w = self.env.now, self.world

        def work(a: SimAgent) -> float:
            fit = w.true_handle(a.name, c.kind)
            mean = math.exp(fit.mu + fit.sigma * fit.sigma / 2)
            return mean / max(w.true_fcr(a.name, c.kind), 1e-3)

        on_duty = [a for a in w.agents if c.kind in a.skills and self.on_duty(a, t)]
        # The router's steps 1-2 keep the tier while someone at it is on duty,
        # for ``wait_seconds`` each; step 3 takes any higher tier.
        widened = t - c.arrived >= 2 * self.config.wait_seconds or not any(
            a.tier == c.tier for a in on_duty
        )
        able = [a for a in on_duty if a.id not in self.busy
                and (a.tier == c.tier or (widened and a.tier > c.tier))]  # fmt: skip
        for a in sorted(able, key=lambda a: (work(a), a.name)):
            if self.store.write(q.ASSIGN, {"ticket": ticket, "agent": a.id, "policy": "oracle",
                                           "step": 1, "at_ms": self._ms()}):  # fmt: skip
                return a.id
        return None

    def _could_take(self, c: Contact) -> bool:
        """Someone free and on duty with the type and at least the tier: without
        one the router would only hold the ticket again, so it is not asked
        (which saves its queries and changes no placement)."""
        t = self.env.now
        return any(
            a.id not in self.busy and c.kind in a.skills and a.tier >= c.tier
            and self.on_duty(a, t)
            for a in self.world.agents
        )  # fmt: skip

    def _retry(self, limit: int) -> None:
        """Route held tickets again, oldest first, while someone could take one."""
        tried = 0
        for ticket in list(self.held):
            if tried >= limit or not self._free_now():
                return
            if ticket in self.held and self._could_take(self.held[ticket][0]):
                tried += 1
                self._place(ticket)

    def simulate(self) -> Run:
        self.env.process(self.rosters())
        self.env.process(self.arrivals())
        self.env.process(self.ticker())
        self.env.run()
        statuses = self.store.read(sq.TICKET_STATUSES)
        self.run.ended = {str(r["status"]): int(r["n"]) for r in statuses}
        loads = self.store.read(sq.AGENT_LOADS)
        self.run.loads = sum(int(r["load"] or 0) for r in loads)
        self.run.assigned_left = sum(int(r["assigned"]) for r in loads)
        return self.run
