"""The routing simulator's results: every policy at equal staffing over seeds,
the sensitivity table, and plots (``resolvers/routing/simulation/``).

    python bench/routing_sim.py [--seeds 3] [--days 2] [--sensitivity-seeds 1]
        [--policies learned,static,...] [--assume arrival_scale=0.6] [--stem NAME]

Data: ``../shared/data/callcenter/`` (the Anonymous Bank log, its shift
template and the Volvo IT incident log), or ``--data``. Writes
bench/results/routing_sim.json, routing_sim.md, routing_sim.png (AHT and FCR
per policy with 95% intervals) and routing_sim_learning.png (FCR of first
contacts over simulated time).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from resolvers.routing.simulation.experiment import (  # noqa: E402
    DEFAULT_DATA,
    experiment,
    read_sources,
)
from resolvers.routing.simulation.logs import SimulationDataError  # noqa: E402
from resolvers.routing.simulation.model import POLICIES  # noqa: E402
from resolvers.routing.simulation.report import markdown  # noqa: E402
from resolvers.routing.simulation.world import Assumptions  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def plot_policies(result: dict[str, Any], out: Path) -> None:
    pol = result["policies"]
    names = list(pol)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, key, label in ((axes[0], "aht", "AHT (s)"), (axes[1], "fcr", "FCR (0-1)")):
        means = [pol[n][key] for n in names]
        lows = [m - pol[n][f"{key}_ci"][0] for n, m in zip(names, means, strict=True)]
        highs = [pol[n][f"{key}_ci"][1] - m for n, m in zip(names, means, strict=True)]
        errs = [lows, highs]
        ax.bar(names, means, yerr=errs, capsize=6, color="#6a8fc7")
        ax.set_ylabel(label)
        ax.set_title(f"{label} per policy, 95% CI over {result['seeds']} seeds")
        low = min(pol[n][f"{key}_ci"][0] for n in names)
        if math.isfinite(low):  # NaN when a run served nobody (a night's hours alone)
            ax.set_ylim(low * 0.9, None)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Routing simulator: " + result["label"], fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_learning(result: dict[str, Any], out: Path) -> None:
    curve = result["learning_curve"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for name in result["policies"]:
        pts = curve.get(name) or []
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, label=name)
    ax.set_xlabel(f"simulated hours (bins of {curve['bin_hours']:g} h, all seeds pooled)")
    ax.set_ylabel("FCR of served first contacts")
    ax.set_title("First-contact resolution over simulated time")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--days", type=float, default=2.0)
    ap.add_argument("--sensitivity-seeds", type=int, default=1)
    ap.add_argument("--sensitivity-days", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--stem", default="routing_sim", help="result file names under --out")
    ap.add_argument("--policies", help="comma-separated (default: every policy)")
    ap.add_argument("--assume", action="append", default=[], metavar="NAME=VALUE",
                    help="an assumption other than its default (repeatable)")  # fmt: skip
    args = ap.parse_args()
    defaults = Assumptions().table()
    changed: dict[str, float] = {}
    for item in args.assume:
        name, _, value = item.partition("=")
        try:
            changed[name] = type(getattr(Assumptions(), name))(float(value))
        except (AttributeError, ValueError):
            ap.error(f"--assume {item!r}: expected NAME=NUMBER, NAME one of {', '.join(defaults)}")
    try:
        assumptions = Assumptions(**changed)  # type: ignore[arg-type]
    except ValueError as exc:
        ap.error(str(exc))
    policies = tuple(p for p in (args.policies or "").split(",") if p) or POLICIES
    if unknown := [p for p in policies if p not in POLICIES]:
        ap.error(f"--policies: {', '.join(unknown)} not among {', '.join(POLICIES)}")
    try:
        sources = read_sources(args.data)
    except SimulationDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = experiment(
        sources, assumptions, args.seeds, args.days, policies,
        sensitivity_seeds=args.sensitivity_seeds, sensitivity_days=args.sensitivity_days,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / args.stem
    out.with_suffix(".json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    out.with_suffix(".md").write_text(markdown(result))
    plot_policies(result, out.with_suffix(".png"))
    plot_learning(result, args.out / f"{args.stem}_learning.png")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
