"""What the simulator takes from the bank log: the arrival profile, each
agent's handling-time distribution per service type, customers' patience,
the hidden first-contact-resolution truth, and each agent's shift.

Thin cells borrow from their pool (a service type's calls over all agents)
by shrinkage with ``pool_weight`` pseudo-observations, so an agent seen
twice on a type is mostly the type's average and one seen 500 times is
themself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from resolvers.routing.simulation.logs import Call, SimulationDataError

Cell = tuple[int, int]  # (weekday Monday 0, hour)


@dataclass(frozen=True)
class Arrivals:
    """Calls per hour for each weekday and hour, and the log's calls of that
    cell (type and server), which an arrival is resampled from."""

    rate: dict[Cell, float]
    calls: dict[Cell, list[tuple[str, str]]]
    by_day: dict[tuple[int, int], list[tuple[str, str]]]  # (log day, hour) -> its calls

    def mix(self) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for cell in self.calls.values():
            for kind, _ in cell:
                counts[kind] += 1
        total = sum(counts.values())
        return {k: counts[k] / total for k in sorted(counts)}


def arrivals(calls: list[Call]) -> Arrivals:
    """Rate of each (weekday, hour): its calls over how many such weekdays the
    log spans. Phantom calls (not real callers) are left out."""
    real = [c for c in calls if c.outcome != "PHANTOM"]
    if not real:
        raise SimulationDataError("bank log: no real (non-phantom) calls")
    days = {c.day: c.weekday for c in calls}
    span = range(min(days), max(days) + 1)
    first_weekday = days[min(days)]
    per_weekday: dict[int, int] = defaultdict(int)
    for d in span:
        per_weekday[(first_weekday + d - min(days)) % 7] += 1
    cells: dict[Cell, list[tuple[str, str]]] = defaultdict(list)
    by_day: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for c in real:
        cells[(c.weekday, c.hour)].append((c.kind, c.server))
        by_day[(c.day - min(days), c.hour)].append((c.kind, c.server))
    rate = {cell: len(v) / per_weekday[cell[0]] for cell, v in cells.items()}
    return Arrivals(rate, dict(cells), dict(by_day))


@dataclass(frozen=True)
class LogNormal:
    mu: float
    sigma: float
    n: int

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)


def _fit(values: list[float]) -> tuple[float, float]:
    logs = [math.log(v) for v in values]
    mu = sum(logs) / len(logs)
    var = sum((x - mu) ** 2 for x in logs) / max(len(logs) - 1, 1)
    return mu, math.sqrt(var)


def handle_times(calls: list[Call], pool_weight: float = 20.0) -> dict[tuple[str, str], LogNormal]:
    """A lognormal of handling seconds per (server, type) by moments of log
    time, shrunk to the type's pool; the pool of a type nobody served much is
    itself shrunk to all calls."""
    served = [c for c in calls if c.served]
    if len(served) < 2:
        raise SimulationDataError("bank log: fewer than 2 served calls with a server")
    by_cell: dict[tuple[str, str], list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for c in served:
        by_cell[(c.server, c.kind)].append(c.handle)
        by_kind[c.kind].append(c.handle)
    all_mu, all_sd = _fit([c.handle for c in served])
    pools = {}
    for kind, values in by_kind.items():
        mu, sd = _fit(values)
        w = len(values) / (len(values) + pool_weight)
        pools[kind] = (w * mu + (1 - w) * all_mu, w * sd + (1 - w) * all_sd)
    fits = {}
    for (server, kind), values in by_cell.items():
        mu, sd = _fit(values) if len(values) > 1 else (math.log(values[0]), pools[kind][1])
        w = len(values) / (len(values) + pool_weight)
        pmu, psd = pools[kind]
        fits[(server, kind)] = LogNormal(w * mu + (1 - w) * pmu, w * sd + (1 - w) * psd,
                                         len(values))  # fmt: skip
    return fits


def patience(calls: list[Call]) -> float:
    """Mean patience in seconds: the exponential's maximum-likelihood estimate
    with served calls' waits as censored patience (they would have waited
    longer), abandoned calls' waits as observed. Calls that never queued
    (wait 0) tell nothing."""
    queued = [c for c in calls if c.wait > 0 and c.outcome in ("AGENT", "HANG")]
    abandoned = sum(1 for c in queued if c.outcome == "HANG")
    if abandoned == 0:
        raise SimulationDataError("bank log: no abandoned call with a queue time")
    return sum(c.wait for c in queued) / abandoned


@dataclass(frozen=True)
class Resolution:
    """First-contact resolution truth: a served call counts as resolved when
    the same (identified) customer does not call again within the window."""

    rate: dict[tuple[str, str], float]  # per (server, type), shrunk to the type's pool
    pool: dict[str, float]
    overall: float  # over every identified served call
    gaps: list[float] = field(default_factory=list)  # seconds from a call to its repeat
    identified: int = 0  # served calls with a customer id: the estimate's base

    def of(self, server: str, kind: str) -> float:
        """The cell's rate, else its type's, else the overall one."""
        return self.rate.get((server, kind), self.pool.get(kind, self.overall))


def resolution(calls: list[Call], window_hours: float, pool_weight: float = 20.0) -> Resolution:
    if window_hours <= 0:
        raise SimulationDataError(f"repeat window must be above 0 hours, not {window_hours}")
    window = window_hours * 3600.0
    by_customer: dict[str, list[Call]] = defaultdict(list)
    for c in calls:
        if c.customer not in ("", "0") and c.outcome != "PHANTOM":
            by_customer[c.customer].append(c)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    gaps = []
    for history in by_customer.values():
        history.sort(key=lambda c: c.arrival)
        for c, after in zip(history, [*history[1:], None], strict=True):
            if not c.served:
                continue
            gap = None if after is None else after.arrival - c.arrival
            repeated = gap is not None and gap <= window
            if repeated and gap is not None:
                gaps.append(gap)
            for tally in (counts[(c.server, c.kind)], kinds[c.kind]):
                tally[0] += 1
                tally[1] += 0 if repeated else 1
    if not counts:
        raise SimulationDataError("bank log: no served call by an identified customer")
    total = sum(v[0] for v in kinds.values())
    overall = sum(v[1] for v in kinds.values()) / total
    pool = {}
    for kind, (n, ok) in kinds.items():
        pool[kind] = (ok + pool_weight * overall) / (n + pool_weight)
    rate = {cell: (ok + pool_weight * pool[cell[1]]) / (n + pool_weight)
            for cell, (n, ok) in counts.items()}  # fmt: skip
    return Resolution(rate, pool, overall, sorted(gaps), total)


def _inside(hour: int, shift: tuple[int, int]) -> bool:
    start, end = shift
    return start <= hour < end if start < end else hour >= start or hour < end


def shifts(
    calls: list[Call], template: list[tuple[int, int]], cover: float = 0.9
) -> dict[tuple[str, int], tuple[int, int]]:
    """Each server's working window on each log day they served calls: from
    one template shift's start to a later one's end (one shift or several
    back to back), the shortest that holds ``cover`` of that day's served
    calls (ties: more calls, then earlier). The template's shifts are six
    hours, shorter than most of the log's working days, hence the joining."""
    windows = sorted({(a[0], b[1]) for a in template for b in template
                      if (b[0] - a[0]) % 24 <= (a[1] - a[0]) % 24 or a == b})  # fmt: skip
    hours: dict[tuple[str, int], list[int]] = defaultdict(list)
    for c in calls:
        if c.served:
            hours[(c.server, c.day)].append(c.hour)

    def length(w: tuple[int, int]) -> int:
        return (w[1] - w[0]) % 24 or 24

    out = {}
    for key, hs in sorted(hours.items()):
        held = {w: sum(_inside(h, w) for h in hs) / len(hs) for w in windows}
        enough = [w for w in windows if held[w] >= cover] or windows
        out[key] = min(enough, key=lambda w: (length(w) if held[w] >= cover else 99, -held[w], w))
    return out
