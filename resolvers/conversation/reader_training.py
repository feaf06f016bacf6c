"""Train the learned turn reader (``reader.py``) on annotated conversations.

Each conversation of a set (``bench/dialogues/<set>/conversations.jsonl``)
gives its customer turns up to the expected escalation: the turn it escalates
after is labelled with the expected rule, every earlier turn (and every turn of
a conversation that never escalates) ``none``; turns after the handoff are left
out, as the bot no longer reads them. The threshold is the lowest that keeps
false escalations within ``MAX_FALSE`` of the non-escalating conversations in a
5-fold cross-validation over the training conversations (folds by conversation).

    python -m resolvers.conversation.reader_training [--sets dev,dev2,...]

writes ``resolvers/conversation/data/escalation_reader.json``. It trains on the
development sets and on the ``SPENT`` held-out sets: those whose one
measurement is on record (the closing notes of the sessions that scored them)
and which have been used to compare readers since, so they no longer hold
anything out. A held-out set not yet measured never belongs here; the rules of
``rules.toml`` are never tuned on any held-out set, spent or not.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from extractors.text import embedding
from resolvers.conversation import reader

ROOT = Path(__file__).resolve().parents[2]
DIALOGUES = ROOT / "bench" / "dialogues"
DEVELOPMENT = ("dev", "dev2", "dev3", "dev4")
# Held-out sets measured once each (sessions 10 to 13 and 15), then used to compare readers.
SPENT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
TRAINING = DEVELOPMENT + SPENT
MAX_FALSE = 0.05
# Inverse regularisation of the sentence-vector and the n-gram regressions,
# chosen leave one set out (bench/escalation_reader.py).
C = 3.0
C_GRAMS = 30.0
MIN_DF = 2  # an n-gram seen in one turn only is that turn's, not a way of writing
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


def classifier(c: float = C) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced")


def fit(ts: Sequence[Turn], x: np.ndarray, grams: bool = True) -> reader.Model:
    """Both regressions on these turns (threshold 1.0 until ``train`` sets it)."""
    y = np.array([t.label for t in ts])
    sentence = classifier().fit(x, y)
    if list(sentence.classes_) != list(range(len(reader.CLASSES))):
        raise ValueError(f"the training turns lack turns of some rule: {sentence.classes_}")
    if not grams:
        return reader.Model(sentence.coef_, sentence.intercept_, 1.0, {})
    # reader.char_grams is what the shipped model reads with; the analyzer is the same
    vectorizer = TfidfVectorizer(analyzer=reader.char_grams, min_df=MIN_DF, sublinear_tf=True)
    written = classifier(C_GRAMS).fit(vectorizer.fit_transform([t.text for t in ts]), y)
    vocabulary = {str(g): int(i) for g, i in vectorizer.vocabulary_.items()}
    g = reader.Grams(vocabulary, vectorizer.idf_, reader.Linear(written.coef_, written.intercept_))
    return reader.Model(sentence.coef_, sentence.intercept_, 1.0, {}, g)


def not_none(model: reader.Model, ts: Sequence[Turn], x: np.ndarray) -> np.ndarray:
    """Each turn's chance of calling for a person."""
    rows = zip(ts, x, strict=True)
    return np.array([1.0 - model.probabilities(row, t.text)[0] for t, row in rows])


def threshold_for(ts: Sequence[Turn], x: np.ndarray, grams: bool = True) -> float:
    """The lowest threshold keeping cross-validated false escalations within MAX_FALSE."""
    y = np.array([t.label for t in ts])
    # folds by conversation: a turn's text is also the next turn's context
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    p = np.zeros(len(ts))
    for train_at, test_at in folds.split(x, y, groups=[t.conversation for t in ts]):
        model = fit([ts[i] for i in train_at], x[train_at], grams)
        p[test_at] = not_none(model, [ts[i] for i in test_at], x[test_at])
    for threshold in THRESHOLDS:
        c = counts(ts, first_firing(ts, p, float(threshold)))
        if c["fp"] <= MAX_FALSE * c["negatives"]:
            return float(threshold)
    return float(THRESHOLDS[-1])


def train(sets: Sequence[str], grams: bool = True) -> reader.Model:
    ts = turns(c for name in sets for c in conversations(name))
    x = matrix(ts)
    model = fit(ts, x, grams)
    meta = {
        "trained_on": list(sets),
        "turns": len(ts),
        "encoder": embedding.shared().version,
        "c": C,
        **({"c_grams": C_GRAMS, "min_df": MIN_DF} if grams else {}),
        "max_false": MAX_FALSE,
    }
    return reader.Model(model.coef, model.intercept, threshold_for(ts, x, grams), meta,
                        model.grams, model.grams_weight)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(TRAINING))
    parser.add_argument("--out", type=Path, default=reader.WEIGHTS)
    args = parser.parse_args(argv)
    model = train(args.sets.split(","))
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {model.meta['turns']} turns, threshold {model.threshold:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
