"""Blind log groups scored again, with the miner as it was when each group was measured.

Each fresh group of ``bench/logsets`` was measured once, with the code of that day,
before anyone read its errors. When a group's labels change afterwards (the fifth to
seventh groups were relabelled from format strings to the corrected-LogHub convention of
every other set, ``bench/logsets/relabel.py``), its blind figure under the new labels is
the code *of that day* scored on them: later code has been tuned on the group's errors.

For each group this checks out the commit of its measurement into a temporary worktree,
runs that commit's own benchmark code (its set loader, its miner with its shipped defaults,
its drain3 runner with the knobs its run selected on the pool and with the LogHub setting,
its grouping accuracy) on today's logs and labels, and writes
``log_rescore.json`` and ``log_rescore.md`` under ``--out``. Sets shipping a second,
format-string labelling are scored against it too: under those labels the figures are
the ones of the original measurement.

Usage: python bench/log_rescore.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "logsets"
#: (group, commit of its one blind measurement, its sets)
GROUPS = (
    ("fifth", "9656127", ("Kea", "Ngircd", "Cups", "Mariadb")),
    ("sixth", "a1d4647", ("Icecast", "Prosody", "Tinyproxy")),
    ("seventh", "d8b49fa", ("Knot", "Proftpd")),
)

# Run inside the old worktree: that commit's own benchmark (its miner, its drain3 runner, its
# grouping accuracy, and its header parsing) on today's logs and labels; prints JSON rows.
_SCORER = r"""
import csv, importlib.util, json, sys
from pathlib import Path
tree, data = Path(sys.argv[1]), Path(sys.argv[2])
names, pool = sys.argv[3].split(","), json.loads(sys.argv[4])
spec = importlib.util.spec_from_file_location("log_parsing", tree / "bench" / "log_parsing.py")
lp = importlib.util.module_from_spec(spec)
sys.modules["log_parsing"] = lp
spec.loader.exec_module(lp)  # puts the old tree first on sys.path
import extractors.logs.miner as M
assert Path(M.__file__).is_relative_to(tree), M.__file__
for s in lp.load_sets(data, "extra", names):
    runs = {
        "ours": lp.ours(M.MinerSettings())(s.contents)[0],
        "drain3_tuned": lp.drain3(pool["sim_th"], pool["depth"])(s.contents)[0],
        "drain3_loghub": lp.drain3(0.4, 4)(s.contents)[0],
    }
    row = {"dataset": s.name, "lines": len(s.contents)}
    for kind, suffix in (("corrected", "corrected"), ("format", "formatstring")):
        path = data / s.name / f"{s.name}_2k.log_structured_{suffix}.csv"
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                truth = [r["EventTemplate"] for r in csv.DictReader(fh)]
            row[kind] = {w: round(lp.grouping_accuracy(p, truth), 4) for w, p in runs.items()}
            row[kind]["templates"] = len(set(truth))
    print(json.dumps(row), flush=True)
"""


def rescore(commit: str, sets: tuple[str, ...]) -> list[dict[str, Any]]:
    old = json.loads(_git("show", f"{commit}:bench/results/log_parsing.json"))
    pool = old["drain3_selected_on_pool"]
    with tempfile.TemporaryDirectory(prefix="rescore-") as tmp:
        tree = Path(tmp) / commit
        _git("worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            out = subprocess.run(
                [sys.executable, "-c", _SCORER, str(tree), str(DATA), ",".join(sets),
                 json.dumps(pool)],
                check=True, capture_output=True, text=True, cwd=tmp,
            ).stdout  # fmt: skip
        finally:
            _git("worktree", "remove", "--force", str(tree))
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for r in rows:
        r["drain3_tuned_knobs"] = pool
    return rows


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout


def _mean(rows: list[dict[str, Any]], kind: str, who: str) -> float:
    return round(statistics.fmean(r[kind][who] for r in rows), 4)


def markdown(result: dict[str, Any]) -> str:
    out = [
        "# Blind log groups, scored again with the code of their measurement",
        "",
        "Each group's commit is the one whose run measured it once, blind; its miner (shipped "
        "defaults then) and drain3 (the pool knobs that run selected, and the LogHub setting) "
        "read today's logs. *Corrected*: the corrected-LogHub labels every other set follows; "
        "*format strings*: every conversion of the program's format string one `<*>` (the "
        "labels of the original measurement).",
        "",
        "| group | commit | set | GA ours, corrected | drain3 tuned | drain3 LogHub "
        "| GA ours, format strings | drain3 tuned | drain3 LogHub |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for g in result["groups"]:
        for r in [*g["sets"], None]:
            name = "**mean**" if r is None else r["dataset"]
            rows = g["sets"] if r is None else [r]
            cells = [
                f"{_mean(rows, kind, who):.4f}"
                for kind in ("corrected", "format")
                for who in ("ours", "drain3_tuned", "drain3_loghub")
            ]
            out.append(f"| {g['group']} | {g['commit']} | {name} | " + " | ".join(cells) + " |")
    every = [r for g in result["groups"] for r in g["sets"]]
    out += [
        "",
        f"All {len(every)} sets: ours {_mean(every, 'corrected', 'ours'):.4f} corrected, "
        f"{_mean(every, 'format', 'ours'):.4f} format strings; drain3 tuned "
        f"{_mean(every, 'corrected', 'drain3_tuned'):.4f} and "
        f"{_mean(every, 'format', 'drain3_tuned'):.4f}.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args(argv)
    groups = []
    for group, commit, sets in GROUPS:
        rows = rescore(commit, sets)
        groups.append({"group": group, "commit": commit, "sets": rows})
        print(f"{group} ({commit}): corrected {_mean(rows, 'corrected', 'ours'):.4f}, "
              f"format strings {_mean(rows, 'format', 'ours'):.4f}", flush=True)  # fmt: skip
    result = {"groups": groups}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "log_rescore.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "log_rescore.md").write_text(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
