"""Leave-one-set-out check of the learned turn reader (resolvers/conversation/reader.py).

For each development set of conversations, the reader is trained on the other
development sets (threshold chosen by their own cross-validation, as the
shipped model's is) and scored on the one left out: conversation-level
escalation precision and recall of the reader alone, and of the reader added to
the rules, using the rules' decisions from that set's last replay without the
reader (``bench/dialogue.py --no-reader``, written as
``bench/results/dialogue_<set>_rules_only_replay.json``). The rules were tuned
on every development set, so that figure is in sample for the rules.

The one figure out of sample for both: dev3 with the rules of commit c0d01fd,
which had never seen dev3 (their replay is kept as
``bench/results/dialogue_dev3_rules_c0d01fd_replay.json``), and the reader
trained on dev and dev2. Held-out sets are never read here.

Usage: python bench/dialogue.py --no-reader --sets dev,dev2,dev3
       python bench/escalation_reader.py
Writes bench/results/escalation_reader.json and .md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from resolvers.conversation import reader_training as rt  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def scored(ts: list[rt.Turn], fired: dict[str, int | None]) -> dict[str, Any]:
    c = rt.counts(ts, fired)
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }  # fmt: skip


def earliest(a: int | None, b: int | None) -> int | None:
    return min(x for x in (a, b) if x is not None) if a is not None or b is not None else None


def fold(left_out: str) -> dict[str, Any]:
    train = [s for s in rt.DEVELOPMENT if s != left_out]
    model = rt.train(train)
    ts = rt.turns(rt.conversations(left_out))
    x = rt.matrix(ts)
    not_none = np.array([1.0 - model.probabilities(row)[0] for row in x])
    fired = rt.first_firing(ts, not_none, model.threshold)
    expected = {t.conversation: t.escalates for t in ts}
    row: dict[str, Any] = {"set": left_out, "trained_on": train, "threshold": model.threshold,
                           "reader": scored(ts, fired)}  # fmt: skip
    for key, stem in (("rules_in_sample", "rules_only"), ("rules_unseen", "rules_c0d01fd")):
        replay = RESULTS / f"dialogue_{left_out}_{stem}_replay.json"
        if replay.exists():
            rules = {c["id"]: c["escalated_at"]
                     for c in json.loads(replay.read_text())["conversations"]}  # fmt: skip
            row[key] = scored(ts, {c: rules.get(c) for c in expected})
            both = {c: earliest(rules.get(c), fired[c]) for c in expected}
            row[key + "_and_reader"] = scored(ts, both)
    return row


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# Learned turn reader, leave one development set out",
        "",
        "Trained on the other development sets, scored on the one left out (conversation "
        "level). `rules` are in sample (tuned on every development set); the reader's part "
        "is out of sample.",
        "",
        "| left out | threshold | reader P | reader R | rules P | rules R | rules+reader P "
        "| rules+reader R |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rules, both = r.get("rules_in_sample", {}), r.get("rules_in_sample_and_reader", {})
        lines.append(
            f"| {r['set']} | {r['threshold']:.2f} | {r['reader']['precision']} | "
            f"{r['reader']['recall']} | {rules.get('precision', '')} | {rules.get('recall', '')} "
            f"| {both.get('precision', '')} | {both.get('recall', '')} |"
        )
    unseen = [r for r in rows if "rules_unseen" in r]
    if unseen:
        lines += [
            "",
            "Out of sample for rules and reader alike: the rules of commit c0d01fd had never "
            "seen this set.",
            "",
            "| set | old rules P | old rules R | old rules+reader P | old rules+reader R |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in unseen:
            a, b = r["rules_unseen"], r["rules_unseen_and_reader"]
            lines.append(f"| {r['set']} | {a['precision']} | {a['recall']} | "
                         f"{b['precision']} | {b['recall']} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    rows = [fold(s) for s in rt.DEVELOPMENT]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "escalation_reader.json").write_text(json.dumps({"folds": rows}, indent=2) + "\n")
    (RESULTS / "escalation_reader.md").write_text(markdown(rows))
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
