"""Comparing the policies: each (policy, seed) on a fresh graph at equal
staffing, the figures with 95% intervals over seeds, the ratios against the
seed claim, and a sensitivity table over the key assumptions.

The graph is a scratch embedded FalkorDB in a temporary directory, never
the user's data directory: every run empties it.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graph.falkor import FalkorStore
from graph.store import Store
from migrations.runner import migrate
from resolvers.routing.simulation import history, logs, metrics
from resolvers.routing.simulation.escalation import Escalation, estimate
from resolvers.routing.simulation.model import LEARNING, POLICIES, Desk, Run
from resolvers.routing.simulation.world import Assumptions, World, build, write

# As the benches find ``../shared/data``: beside the project root (a clone's parent).
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "callcenter"
CLAIM = {"aht": -0.35, "fcr": 0.28}  # the seed's claim: learned against the old assignment
# The key assumptions and the range each is shown over (the default is the middle).
SENSITIVITY: dict[str, tuple[float, ...]] = {
    "repeat_window_hours": (4.0, 24.0, 72.0),
    "level_noise": (0.0, 1.0, 2.5),
    "pool_weight": (5.0, 20.0, 80.0),
    "history_days": (0, 7, 14),
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Sources:
    """The logs, read once; worlds are built from them per assumption set."""

    calls: list[logs.Call]
    template: list[tuple[int, int]]
    escalation: Escalation

    def world(self, a: Assumptions) -> World:
        return build(self.calls, self.template, self.escalation, a)


def read_sources(data: Path) -> Sources:
    if not data.is_dir():
        raise logs.SimulationDataError(
            f"{data}: the callcenter data folder does not exist (give --data; see the README)"
        )
    return Sources(
        logs.read_bank(data / logs.BANK_FILE),
        logs.read_shifts(data / logs.SHIFTS_FILE),
        estimate(logs.read_volvo(data / logs.VOLVO_FILE)),
    )


@contextmanager
def scratch_store() -> Iterator[FalkorStore]:
    # Short and under /tmp: the server's unix socket path must stay under ~100 bytes.
    path = Path(tempfile.mkdtemp(prefix="gdsim", dir="/tmp"))
    store = FalkorStore(path)
    try:
        yield store
    finally:
        store.close()
        shutil.rmtree(path, ignore_errors=True)


def run_once(store: Store, world: World, policy: str, seed: int, hours: float) -> Run:
    store.drop_all()
    migrate(store)
    write(store, world)
    desk = Desk(store, world, policy, seed, hours)
    taught = 0.0
    if policy in LEARNING and world.history:  # the desk's past, through the real learning update
        started = time.monotonic()
        history.teach(store, world, desk.config)
        taught = time.monotonic() - started
    run = desk.simulate()
    run.history_seconds = taught
    return run


def compare(
    store: Store,
    world: World,
    policies: tuple[str, ...],
    seeds: int,
    hours: float,
    progress: Progress | None = None,
) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {p: [] for p in policies}
    for seed in range(1, seeds + 1):
        for policy in policies:
            started = time.monotonic()
            runs[policy].append(run_once(store, world, policy, seed, hours))
            if progress:
                f = metrics.figures(runs[policy][-1])
                progress(f"seed {seed} {policy}: AHT {f['aht']:.0f} s, FCR {f['fcr']:.3f}, "
                         f"ASA {f['asa']:.0f} s ({time.monotonic() - started:.0f} s)")  # fmt: skip
    return runs


def ratios(policies: dict[str, dict[str, Any]], base: str = "old") -> dict[str, Any]:
    """Learned against ``base``: relative change of AHT and FCR, beside the claim."""
    if "learned" not in policies or base not in policies:
        return {}
    out: dict[str, Any] = {"against": base, "claim": CLAIM}
    for key in ("aht", "fcr"):
        b = float(policies[base][key])
        out[key] = float(policies["learned"][key]) / b - 1 if b else math.nan
        if "oracle" in policies:  # the most a choice among free agents gave here
            out[f"oracle_{key}"] = float(policies["oracle"][key]) / b - 1 if b else math.nan
    return out


PAIRS = (("learned", "static"), ("learned", "round-robin"))


def paired(runs: dict[str, list[Run]]) -> dict[str, Any]:
    """Learned minus static and minus round-robin, seed by seed."""
    return {f"{a} - {b}": metrics.paired(runs[a], runs[b]) for a, b in PAIRS
            if a in runs and b in runs}  # fmt: skip


def goal(policies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The issue's goal: learned's 95% interval clear of static's and
    round-robin's on both AHT (below) and FCR (above)."""
    if not all(p in policies for p in ("learned", "static", "round-robin")):
        return {}
    lr = policies["learned"]
    out: dict[str, Any] = {}
    for other in ("static", "round-robin"):
        o = policies[other]
        out[f"aht_below_{other}"] = bool(lr["aht_ci"][1] < o["aht_ci"][0])
        out[f"fcr_above_{other}"] = bool(lr["fcr_ci"][0] > o["fcr_ci"][1])
    out["met"] = all(out.values())
    return out


def sensitivity(
    store: Store,
    sources: Sources,
    base: Assumptions,
    policies: tuple[str, ...],
    seeds: int,
    hours: float,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for name, values in SENSITIVITY.items():
        for value in values:
            a = replace(base, **{name: value})  # type: ignore[arg-type]
            world = sources.world(a)
            runs = compare(store, world, policies, seeds, hours, progress)
            summ = {p: metrics.summary(r) for p, r in runs.items()}
            rows.append({"assumption": name, "value": value, "policies": summ,
                         "ratios": ratios(summ)})  # fmt: skip
    return rows


def experiment(
    sources: Sources,
    assumptions: Assumptions,
    seeds: int,
    days: float,
    policies: tuple[str, ...] = POLICIES,
    sensitivity_seeds: int = 0,
    sensitivity_days: float = 1.0,
    sensitivity_policies: tuple[str, ...] = ("learned", "static", "old"),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Everything the JSON report holds."""
    if seeds < 1 or days <= 0:
        raise ValueError(f"seeds must be 1 or more and days above 0, not {seeds} and {days}")
    started = time.monotonic()
    world = sources.world(assumptions)
    with scratch_store() as store:
        runs = compare(store, world, policies, seeds, days * 24, progress)
        summ = {p: metrics.summary(r) for p, r in runs.items()}
        sens = (sensitivity(store, sources, assumptions, sensitivity_policies,
                            sensitivity_seeds, sensitivity_days * 24, progress)
                if sensitivity_seeds else [])  # fmt: skip
    curve_bin = 3.0
    return {
        "label": "simulation results on one bank's February 1999 call log (Anonymous Bank) "
        "with escalation from the Volvo IT 2013 incident log",
        "seeds": seeds, "days": days, "agents": len(world.agents),
        "tiers": {str(t): sum(1 for a in world.agents if a.tier == t) for t in (1, 2, 3)},
        "policies": summ,
        "paired": paired(runs),
        "goal": goal(summ),
        "ratios": ratios(summ),
        "assumptions": assumptions.table(),
        "history": {"days": assumptions.history_days,
                    "outcomes": len(history.outcomes_before(world)),
                    "seconds": max((r.history_seconds for rs in runs.values() for r in rs),
                                   default=0.0)},
        "facts": world.facts,
        "escalation": {"first": world.escalation.first, "next_tier": world.escalation.next_tier,
                       "resolved_at": world.escalation.resolved_at,
                       "work": world.escalation.work},
        "learning_curve": {"bin_hours": curve_bin,
                           **{p: metrics.learning_curve(r, curve_bin) for p, r in runs.items()}},
        "sensitivity": sens,
        "sensitivity_seeds": sensitivity_seeds, "sensitivity_days": sensitivity_days,
        "runtime_seconds": time.monotonic() - started,
    }  # fmt: skip
