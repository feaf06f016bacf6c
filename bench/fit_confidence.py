"""Fit the confidence model (resolvers/pipeline/confidence.py) on the tuning sets.

Positives: the answerable questions of the tuning sets (the Node.js set and
the extra PostgreSQL set), each asked of its own manual's graph. Negatives:
the fitting half of the abstain set (bench/abstain.py ``halves``), asked of
each of those manuals. A logistic regression with a small ridge, fitted by
Newton's method, gives the weights of the features that
``confidence.features`` computes; they are written to
resolvers/pipeline/data/confidence.json. bench/abstain.py then reports AUROC
on the other manuals and the other half.

    python bench/fit_confidence.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from abstain import ABSTAIN, auroc, halves, lines  # noqa: E402
from eval_qa import SETS, graph_for  # noqa: E402

from resolvers.pipeline.answerer import Answerer  # noqa: E402
from resolvers.pipeline.confidence import FEATURES, MODEL, features  # noqa: E402
from resolvers.pipeline.question import analyse  # noqa: E402
from resolvers.pipeline.retrieval import retrieve  # noqa: E402

FIT_SETS = ("nodejs", "pg_extra", "sqlite")
RIDGE = 1e-2


def rows_for(answerer: Answerer, questions: list[str]) -> list[list[float]]:
    out = []
    for text in questions:
        q = analyse(text, answerer.linker, answerer.terms.knows_code)
        ranked = retrieve(answerer.store, answerer.terms, q, 5)
        if q.unknown_codes or not ranked:
            continue  # answered by rule, not by the model
        top = ranked[0]
        if top.kind == "error_code" and top.code and top.code.upper() in q.codes:
            continue
        f = features(q, ranked, answerer.terms)
        out.append([f[k] for k in FEATURES])
    return out


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression; both classes weigh the same in total, so that 0.5
    means as likely answerable as not whatever the sets' sizes."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    n_pos = y.sum()
    sample = np.where(y == 1, len(y) / (2 * n_pos), len(y) / (2 * (len(y) - n_pos)))
    w = np.zeros(xb.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample * (p - y)) + RIDGE * w
        hess = (xb * (sample * p * (1 - p))[:, None]).T @ xb + RIDGE * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def main() -> None:
    negatives = [q["q"] for q in halves(lines(ABSTAIN))[0]]
    xs, ys = [], []
    for qs in SETS:
        if qs.name not in FIT_SETS:
            continue
        answerer = Answerer(graph_for(qs.manual), cache_size=0)
        pos = rows_for(answerer, [q["q"] for q in lines(qs.questions)])
        neg = rows_for(answerer, negatives)
        answerer.store.close()
        xs += pos + neg
        ys += [1.0] * len(pos) + [0.0] * len(neg)
        print(f"{qs.name}: {len(pos)} answerable, {len(neg)} abstain", file=sys.stderr)
    x, y = np.array(xs), np.array(ys)
    w = fit(x, y)
    scores = np.hstack([x, np.ones((len(x), 1))]) @ w
    fitted = auroc(list(scores[y == 1]), list(scores[y == 0]))
    model = {
        "features": list(FEATURES),
        "weights": {k: round(float(v), 4) for k, v in zip(FEATURES, w[:-1], strict=True)},
        "bias": round(float(w[-1]), 4),
        "fitted_on": {"answerable": list(FIT_SETS), "abstain": "even lines of " + ABSTAIN.name},
        "n": {"answerable": int(y.sum()), "abstain": int(len(y) - y.sum())},
        "auroc_in_sample": round(fitted, 3),
    }
    MODEL.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model, indent=2))


if __name__ == "__main__":
    main()
