"""Train the learned turn reader (``reader.py``) on annotated conversations.

Each conversation of a set (``bench/dialogues/<set>/conversations.jsonl``)
gives its customer turns up to the expected escalation: the turn it escalates
after is labelled with the expected rule, every earlier turn (and every turn of
a conversation that never escalates) ``none``; turns after the handoff are left
out, as the bot no longer reads them. The threshold is the lowest that keeps
false escalations within ``MAX_FALSE`` of the non-escalating conversations in a
5-fold cross-validation over the training conversations (folds by conversation).

    python -m resolvers.conversation.reader_training [--sets dev,dev2,dev3]

writes ``resolvers/conversation/data/escalation_reader.json``. Only development
sets belong here; a held-out set trained on is no longer held out.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from extractors.text import embedding
from resolvers.conversation import reader

ROOT = Path(__file__).resolve().parents[2]
DIALOGUES = ROOT / "bench" / "dialogues"
DEVELOPMENT = ("dev", "dev2", "dev3")
MAX_FALSE = 0.05
C = 3.0  # inverse regularisation, chosen leave-one-set-out on the development sets
THRESHOLDS = np.round(np.arange(0.30, 0.99, 0.02), 2)


@dataclass(frozen=True)
class Turn:
    conversation: str
    index: int
    text: str
    previous: str
    label: int
    escalates: bool  # the conversation is expected to escalate


def conversations(name: str) -> list[dict[str, Any]]:
    path = DIALOGUES / name / "conversations.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def turns(convs: Iterable[dict[str, Any]]) -> list[Turn]:
    out = []
    for c in convs:
        at, rule = c["expect"]["escalated_at"], c["expect"]["rule"]
        for i, text in enumerate(c["turns"]):
            if at is not None and i > at:
                break
            label = reader.CLASSES.index(rule) if at is not None and i == at else 0
            prev = c["turns"][i - 1] if i else ""
            out.append(Turn(c["id"], i, text, prev, label, at is not None))
    return out


def matrix(ts: Sequence[Turn]) -> np.ndarray:
    texts = sorted({t.text for t in ts} | {t.previous or reader.FIRST_TURN for t in ts})
    vectors = dict(zip(texts, reader.encode(texts), strict=True))
    return np.stack([
        reader.features(np.stack([vectors[t.text], vectors[t.previous or reader.FIRST_TURN]]),
                        t.index)
        for t in ts
    ])  # fmt: skip


def first_firing(
    ts: Sequence[Turn], not_none: np.ndarray, threshold: float
) -> dict[str, int | None]:
    """Each conversation's first turn whose reading reaches ``threshold``."""
    fired: dict[str, int | None] = {t.conversation: None for t in ts}
    for t, p in zip(ts, not_none, strict=True):
        if p >= threshold and fired[t.conversation] is None:
            fired[t.conversation] = t.index
    return fired


def counts(ts: Sequence[Turn], fired: dict[str, int | None]) -> dict[str, int]:
    expected = {t.conversation: t.escalates for t in ts}
    tp = sum(1 for c, at in fired.items() if at is not None and expected[c])
    fp = sum(1 for c, at in fired.items() if at is not None and not expected[c])
    pos = sum(expected.values())
    return {"tp": tp, "fp": fp, "fn": pos - tp, "negatives": len(expected) - pos}


def classifier() -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced")


def threshold_for(ts: Sequence[Turn], x: np.ndarray) -> float:
    """The lowest threshold keeping cross-validated false escalations within MAX_FALSE."""
    y = np.array([t.label for t in ts])
    # folds by conversation: a turn's text is also the next turn's context
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    groups = [t.conversation for t in ts]
    p = cross_val_predict(classifier(), x, y, cv=folds, groups=groups, method="predict_proba")
    not_none = 1.0 - p[:, 0]
    for threshold in THRESHOLDS:
        c = counts(ts, first_firing(ts, not_none, float(threshold)))
        if c["fp"] <= MAX_FALSE * c["negatives"]:
            return float(threshold)
    return float(THRESHOLDS[-1])


def train(sets: Sequence[str]) -> reader.Model:
    ts = turns(c for name in sets for c in conversations(name))
    x = matrix(ts)
    threshold = threshold_for(ts, x)
    model = classifier().fit(x, np.array([t.label for t in ts]))
    if list(model.classes_) != list(range(len(reader.CLASSES))):
        raise ValueError(f"sets {list(sets)} lack turns of some rule: {model.classes_}")
    meta = {
        "trained_on": list(sets),
        "turns": len(ts),
        "encoder": embedding.shared().version,
        "c": C,
        "max_false": MAX_FALSE,
    }
    return reader.Model(model.coef_, model.intercept_, threshold, meta)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(DEVELOPMENT))
    parser.add_argument("--out", type=Path, default=reader.WEIGHTS)
    args = parser.parse_args(argv)
    model = train(args.sets.split(","))
    args.out.write_text(json.dumps(model.to_json()) + "\n", encoding="utf-8")
    print(f"{args.out}: {model.meta['turns']} turns, threshold {model.threshold:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
