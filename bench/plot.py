"""Plot the latency distributions recorded by bench/ask_latency.py.

Usage: python bench/plot.py [--json FILE] [--out PNG]
(defaults: bench/results/ask_latency.json -> bench/results/ask_latency.png)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def panels(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, np.ndarray]]]]:
    """(title, [(label, colour key, samples)]) for 1 client and for the top concurrency."""
    one: list[tuple[str, str, np.ndarray]] = []
    floor = data.get("fulltext_floor")
    if floor and floor.get("samples_ms"):
        one.append(("raw full-text query (store)", "floor", np.asarray(floor["samples_ms"])))
    inproc = data.get("answer_in_process")
    if inproc and inproc.get("samples_ms"):
        one.append(("Answerer.answer in process", "inproc", np.asarray(inproc["samples_ms"])))
    runs = data.get("http", [])
    top = max((r["concurrency"] for r in runs), default=1)
    many: list[tuple[str, str, np.ndarray]] = []
    for r in runs:
        entry = (f"HTTP: {r.get('config_label', 'ask')}", str(r.get("config", "http")),
                 np.asarray(r["samples_ms"]))  # fmt: skip
        (one if r["concurrency"] == 1 else many).append(entry)
    out = [("1 client (one request at a time)", one)]
    if many:
        out.append((f"{top} concurrent clients (closed loop)", many))
    return out


def plot(data: dict[str, Any], out: Path) -> None:
    goal = float(data.get("goal_p95_ms", 50))
    groups = panels(data)
    keys = list(dict.fromkeys(k for _, g in groups for _, k, _ in g))
    cmap = plt.get_cmap("tab10")
    colour = {k: cmap(i % 10) for i, k in enumerate(keys)}
    fig, axes = plt.subplots(1, len(groups), figsize=(7 * len(groups), 7), squeeze=False)
    for ax, (title, group) in zip(axes[0], groups, strict=True):
        for label, key, s in group:
            xs = np.sort(s)
            ys = np.arange(1, len(xs) + 1) / len(xs)
            p50, p95 = (float(v) for v in np.percentile(s, [50, 95]))
            ax.plot(xs, ys, color=colour[key], linewidth=1.6,
                    label=f"{label}: p50 {p50:.1f}, p95 {p95:.1f} ms (n={len(s)})")  # fmt: skip
            ax.plot([p95], [0.95], "o", color=colour[key])
        ax.set_xscale("log")
        ax.set_xlabel("latency (ms, log scale)")
        ax.set_ylabel("fraction of requests <= x")
        ax.axvline(
            goal, color="red", linestyle="--", linewidth=1, label=f"goal: p95 < {goal:.0f} ms"
        )
        ax.axhline(0.95, color="grey", linestyle=":", linewidth=1)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_title(title)
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    m = data.get("machine", {})
    fig.suptitle(
        f"graphdesk ask latency (CDF), PostgreSQL 15 manual, {m.get('nproc', '?')} cores "
        f"({m.get('cpu_model', '?')}); the load generator shares the cores with the server",
        fontsize=10,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", type=Path, default=RESULTS / "ask_latency.json")
    ap.add_argument("--out", type=Path, default=RESULTS / "ask_latency.png")
    args = ap.parse_args()
    plot(json.loads(args.json.read_text()), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
