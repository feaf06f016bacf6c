"""Leave one conversation set out: the learned turn reader (resolvers/conversation/reader.py).

For each set the reader trains on (``reader_training.TRAINING``: the
development sets and the spent held-out sets), a reader is trained on all the
others (threshold chosen by their own cross-validation, as the shipped model's
is) and scored on the one left out: conversation-level escalation precision and
recall of the reader alone, and of the reader added to the rules, using the
rules' decisions from that set's last replay without the reader
(``bench/dialogue.py --no-reader``, written as
``bench/results/dialogue_<set>_rules_only_replay.json``).

Three readers in the same run:

- ``sentence, dev only``: the sentence-vector regression trained on the other
  development sets only (the reader as shipped before the n-gram reading);
- ``sentence``: the same regression trained on every other set;
- ``sentence + n-grams``: the shipped reader, the mean of the sentence-vector and
  the character n-gram regressions, trained on every other set.

The rules were tuned on the development sets and never on a held-out set, so
the pooled figure over the held-out sets is out of sample for rules and reader
alike; over the development sets it is in sample for the rules. A held-out set
not yet measured (not in ``TRAINING``) is never read here.

Usage: python bench/dialogue.py --no-reader --sets <every set of TRAINING>
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
# name: (train on the other sets of this pool, with the n-gram reading)
READERS = {
    "sentence, dev only": (rt.DEVELOPMENT, False),
    "sentence": (rt.TRAINING, False),
    "sentence + n-grams": (rt.TRAINING, True),
}


def tally(ts: list[rt.Turn], fired: dict[str, int | None]) -> dict[str, int]:
    c = rt.counts(ts, fired)
    return {"tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}


def rates(c: dict[str, int]) -> dict[str, Any]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {
        **c,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def earliest(a: int | None, b: int | None) -> int | None:
    return min(x for x in (a, b) if x is not None) if a is not None or b is not None else None


def rules_of(name: str) -> dict[str, int | None]:
    replay = RESULTS / f"dialogue_{name}_rules_only_replay.json"
    rows = json.loads(replay.read_text(encoding="utf-8"))["conversations"]
    return {c["id"]: c["escalated_at"] for c in rows}


def fold(left_out: str, x: dict[str, np.ndarray], ts: dict[str, list[rt.Turn]]) -> dict[str, Any]:
    mine = ts[left_out]
    rules = rules_of(left_out)
    expected = {t.conversation for t in mine}
    row: dict[str, Any] = {"set": left_out,
                           "rules": tally(mine, {c: rules.get(c) for c in expected})}  # fmt: skip
    for name, (pool, grams) in READERS.items():
        train = [s for s in pool if s != left_out]
        train_ts = [t for s in train for t in ts[s]]
        train_x = np.vstack([x[s] for s in train])
        model = rt.fit(train_ts, train_x, grams)
        threshold = rt.threshold_for(train_ts, train_x, grams)
        fired = rt.first_firing(mine, rt.not_none(model, mine, x[left_out]), threshold)
        both = {c: earliest(rules.get(c), fired[c]) for c in expected}
        row[name] = {
            "trained_on": train,
            "threshold": threshold,
            "reader": tally(mine, fired),
            "rules_and_reader": tally(mine, both),
        }
    return row


def pooled(rows: list[dict[str, Any]], path: tuple[str, ...]) -> dict[str, Any]:
    total = {"tp": 0, "fp": 0, "fn": 0}
    for r in rows:
        part: Any = r
        for key in path:
            part = part[key]
        for k in total:
            total[k] += part[k]
    return rates(total)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"sets": [r["set"] for r in rows], "rules": pooled(rows, ("rules",))}
    for name in READERS:
        out[name] = {"reader": pooled(rows, (name, "reader")),
                     "rules_and_reader": pooled(rows, (name, "rules_and_reader"))}  # fmt: skip
    return out


def _cell(c: dict[str, Any]) -> str:
    return f"{c['precision']} / {c['recall']} ({c['fp']} false)"


def markdown(rows: list[dict[str, Any]], groups: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# Learned turn reader, leave one conversation set out",
        "",
        "Each set scored by a reader trained on the other sets (conversation level: "
        "precision / recall, false escalations). Rules: the rules alone, from the set's "
        "replay without the reader; they were tuned on the development sets only, so "
        "the held-out pool is out of sample for rules and readers alike.",
        "",
        "| pool | rules | " + " | ".join(f"{n}: reader | {n}: rules + reader" for n in READERS)
        + " |",
        "|---|---|" + "---|---|" * len(READERS),
    ]  # fmt: skip
    for group, s in groups.items():
        cells = [_cell(s["rules"])]
        for name in READERS:
            cells += [_cell(rates(s[name]["reader"])), _cell(rates(s[name]["rules_and_reader"]))]
        lines.append(f"| {group} ({', '.join(s['sets'])}) | " + " | ".join(cells) + " |")
    lines += ["", "## Each set", "",
              "| left out | rules | " + " | ".join(f"{n}: rules + reader" for n in READERS)
              + " | threshold |",
              "|---|---|" + "---|" * len(READERS) + "---:|"]  # fmt: skip
    for r in rows:
        cells = [_cell(rates(r["rules"]))] + [
            _cell(rates(r[n]["rules_and_reader"])) for n in READERS
        ]
        last = list(READERS)[-1]
        lines.append(f"| {r['set']} | " + " | ".join(cells) + f" | {r[last]['threshold']:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ts = {s: rt.turns(rt.conversations(s)) for s in rt.TRAINING}
    x = {s: rt.matrix(ts[s]) for s in rt.TRAINING}
    rows = [fold(s, x, ts) for s in rt.TRAINING]
    groups = {
        "held-out": summary([r for r in rows if r["set"] in rt.SPENT]),
        "development": summary([r for r in rows if r["set"] in rt.DEVELOPMENT]),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"readers": {n: {"pool": list(p), "grams": g} for n, (p, g) in READERS.items()},
              "pooled": groups, "folds": rows}  # fmt: skip
    (RESULTS / "escalation_reader.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "escalation_reader.md").write_text(markdown(rows, groups))
    print(markdown(rows, groups))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
