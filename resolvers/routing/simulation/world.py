"""The simulated desk: its assumptions, its agents (what they declare and
what is true of them, the latter hidden from the router), and writing it
into a fresh graph as service-type Products and a roster.

Declared levels come from each agent's estimated first-contact rate on a
type, as its rank among the type's agents (0-5), plus normal noise of
``level_noise`` levels: how well supervisors know their people. Tiers
rank agents by their declared record (call-weighted mean level) and take
the Volvo log's shares of work per level.

The log is cut in two at ``history_days``: before it, the desk's past (the
log's own outcomes, which a learning policy may be taught from before the
run starts, ``history.py``); from it on, the simulated days and everything
hidden from the router (handling times, first-contact truth, repeat gaps,
declared levels from that truth). So what the router is taught and what
it is judged against never come from the same calls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np

from graph.queries import simulation as sq
from graph.store import Store
from resolvers.routing.roster import Roster, agent_id, load
from resolvers.routing.simulation import estimates, logs
from resolvers.routing.simulation.escalation import Escalation
from resolvers.routing.simulation.estimates import Arrivals, LogNormal


@dataclass(frozen=True)
class Assumptions:
    """What the logs do not fix; each is a value in the results' table."""

    repeat_window_hours: float = 24.0  # a call again within this is a repeat: not resolved
    level_noise: float = 1.0  # sd of declared level around the true rank, in levels
    pool_weight: float = 20.0  # pseudo-calls shrinking an agent's estimates to the type's
    skill_min_calls: int = 5  # calls of a type in the log that make it a declared skill
    max_contacts: int = 4  # contacts per issue before it counts as unresolved for good
    wait_seconds: float = 30.0  # the router's wait before each widening step
    tick_seconds: float = 30.0  # how often held tickets are routed again
    declare_seed: int = 0  # the declared levels' noise draw (fixed: one desk)
    history_days: int = 14  # log days before the simulated ones: the desk's past outcomes
    # Calls per hour as a share of the log's (the staffing stays the log's): below 1 the
    # desk has slack, so more contacts find a choice of free agents.
    arrival_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("repeat_window_hours", "tick_seconds", "arrival_scale"):
            if getattr(self, name) <= 0:
                raise ValueError(f"assumption {name} must be above 0, not {getattr(self, name)}")
        for name in ("level_noise", "pool_weight", "wait_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"assumption {name} must be 0 or more, not {getattr(self, name)}")
        if self.history_days < 0:
            raise ValueError(f"assumption history_days must be 0 or more, not {self.history_days}")
        if self.max_contacts < 1 or self.skill_min_calls < 1:
            raise ValueError("assumptions max_contacts and skill_min_calls must be 1 or more")

    def table(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class SimAgent:
    name: str
    tier: int
    skills: dict[str, int]  # service type -> declared level 0-5
    duty: dict[int, tuple[int, int]]  # log day (0-based) -> working hours, may wrap midnight

    @property
    def id(self) -> str:
        return agent_id(self.name.lower())


@dataclass(frozen=True)
class World:
    kinds: list[str]
    agents: list[SimAgent]
    handle: dict[tuple[str, str], LogNormal]  # (agent name, type); hidden
    handle_pool: dict[str, LogNormal]
    fcr: estimates.Resolution  # P(resolved) per (agent name, type); hidden
    arrivals: Arrivals
    patience_mean: float
    gaps: list[float]  # seconds from an unresolved call to the customer's next
    escalation: Escalation
    log_days: int
    first_weekday: int  # of log day start_day (Monday 0): the simulation starts there
    assumptions: Assumptions
    facts: dict[str, float] = field(default_factory=dict)  # what the logs gave, for the report
    start_day: int = 0  # the log day simulated day 0 is (the days before it: history)
    history: list[logs.Call] = field(default_factory=list)  # the log's calls before start_day

    def log_day(self, sim_day: int) -> int:
        """The log day whose staffing and calls simulated day ``sim_day`` takes
        (a run longer than the days after the history starts them again; it
        never goes back into the history)."""
        return self.start_day + sim_day % (self.log_days - self.start_day)

    def true_handle(self, agent: str, kind: str) -> LogNormal:
        return self.handle.get((agent, kind)) or self.handle_pool[kind]

    def true_fcr(self, agent: str, kind: str) -> float:
        return self.fcr.of(agent, kind)


def product_id(kind: str) -> str:
    return f"product:sim:{kind.lower()}"


def _levels(rates: dict[str, float], noise: float, rng: np.random.Generator) -> dict[str, int]:
    """Each agent's rank among a type's agents as 0-5, plus noise, rounded."""
    order = sorted(rates, key=lambda a: (rates[a], a))
    out = {}
    for i, agent in enumerate(order):
        rank = 5.0 * i / max(len(order) - 1, 1)
        out[agent] = int(min(max(round(rank + rng.normal(0.0, noise) if noise else rank), 0), 5))
    return out


def build(
    calls: list[logs.Call],
    template: list[tuple[int, int]],
    escalation: Escalation,
    a: Assumptions,
) -> World:
    log_days = max(c.day for c in calls) + 1
    if a.history_days >= log_days:
        raise ValueError(f"assumption history_days ({a.history_days}) leaves none of the log's "
                         f"{log_days} days to simulate")  # fmt: skip
    # The arrival profile and the shifts carry no outcome: from the whole log.
    arrivals = estimates.arrivals(calls)
    future = [c for c in calls if c.day >= a.history_days]
    fits = estimates.handle_times(future, a.pool_weight)
    res = estimates.resolution(future, a.repeat_window_hours, a.pool_weight)
    duty: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for (server, day), window in estimates.shifts(calls, template).items():
        duty[server][day] = window
    served = [c for c in future if c.served]
    counts: dict[tuple[str, str], int] = {}
    for c in served:
        counts[(c.server, c.kind)] = counts.get((c.server, c.kind), 0) + 1
    kinds = sorted({c.kind for c in calls if c.outcome != "PHANTOM"})
    rng = np.random.default_rng(a.declare_seed)
    declared: dict[str, dict[str, int]] = {s: {} for s in duty}
    for kind in kinds:
        rates = {s: res.of(s, kind) for s in duty
                 if counts.get((s, kind), 0) >= a.skill_min_calls}  # fmt: skip
        for agent, level in _levels(rates, a.level_noise, rng).items():
            declared[agent][kind] = level

    # Tiers: the best declared records get the upper tiers, in the Volvo log's shares.
    def record(s: str) -> float:
        w = [(counts[(s, k)], lv) for k, lv in declared[s].items()]
        return sum(n * lv for n, lv in w) / max(sum(n for n, _ in w), 1)

    # Within the early and the late starters apart (median start before noon
    # or not), so that each part of the day has its upper tiers.
    tier: dict[str, int] = {}
    for late in (False, True):
        group = [s for s in duty if (sorted(w[0] for w in duty[s].values())[len(duty[s]) // 2]
                                     >= 12) == late]  # fmt: skip
        ranked = sorted(group, key=lambda s: (-record(s), s))
        n3 = max(1, round(escalation.work.get(3, 0.0) * len(ranked)))
        n2 = max(1, round(escalation.work.get(2, 0.0) * len(ranked)))
        tier |= {s: 3 if i < n3 else 2 if i < n3 + n2 else 1 for i, s in enumerate(ranked)}
    agents = [SimAgent(s, tier[s], declared[s], duty[s]) for s in sorted(duty) if declared[s]]
    pools = {}
    for kind in kinds:
        # A type nobody served after the history takes every type's blend.
        cells = [f for (s, k), f in fits.items() if k == kind] or list(fits.values())
        n = sum(f.n for f in cells)
        pools[kind] = LogNormal(sum(f.mu * f.n for f in cells) / n,
                                sum(f.sigma * f.n for f in cells) / n, n)  # fmt: skip
    facts = {
        "calls": float(len(calls)),
        "served_with_server": float(sum(1 for c in calls if c.served)),
        "served_simulated_period": float(len(served)),
        "identified_served": float(res.identified),
        "first_contact_truth": res.overall,
        "patience_mean_s": estimates.patience(calls),
        "handle_mean_s": sum(c.handle for c in served) / len(served),
        "history_calls": float(sum(1 for c in calls if c.day < a.history_days)),
        "arrivals_per_week": sum(arrivals.rate.values()),
        "volvo_tickets": float(escalation.tickets),
        "volvo_reassignments_per_ticket": escalation.reassignments,
    }  # fmt: skip
    return World(
        kinds=kinds, agents=agents, handle=fits, handle_pool=pools, fcr=res, arrivals=arrivals,
        patience_mean=estimates.patience(calls),
        gaps=res.gaps, escalation=escalation, log_days=log_days,
        first_weekday=(min(calls, key=lambda c: c.day).weekday + a.history_days) % 7,
        assumptions=a, facts=facts, start_day=a.history_days,
        history=[c for c in calls if c.day < a.history_days],
    )  # fmt: skip


def write(store: Store, world: World) -> None:
    """Service types as Products and the agents as a roster, in ``store``."""
    types = [{"id": product_id(k), "name": k, "aliases": [k.lower()]} for k in world.kinds]
    store.write(sq.SERVICE_TYPES, {"rows": types})
    roster = Roster.model_validate({"agents": [
        {"id": ag.name.lower(), "name": ag.name, "tier": ag.tier, "languages": ["en"],
         # No roster shift: the simulator sets each agent available or away
         # by the hour from the log's days (set_status), as a supervisor would.
         "capacity": 1, "status": "away", "teams": [f"Tier {ag.tier}"],
         "skills": dict(ag.skills)}
        for ag in world.agents]})  # fmt: skip
    done = load(store, roster, "simulation")
    if done.problems:
        raise RuntimeError(f"the simulated roster did not load: {done.problems[0]}")
