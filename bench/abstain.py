"""Does `confidence` separate answerable questions from off-topic and unanswerable ones?

For each manual: its own question set (answerable) against the abstain set
(bench/questions/abstain_questions.jsonl: small talk, other domains, other
products), both asked of that manual's graph. Reports AUROC of `confidence`
and, at the documented threshold, the share of answerable questions answered
and of abstain questions refused. The confidence model was fitted
(bench/fit_confidence.py) on two sets' answerable questions and the even
lines of the abstain set; this reports on the odd lines, against every set.

    python bench/abstain.py [--set NAME ...]

Writes bench/results/abstain.json and abstain.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_qa import RESULTS, SETS, graph_for  # noqa: E402

from extractors.ingest.embed import embed_pending  # noqa: E402
from extractors.text.embedding import shared  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402
from resolvers.pipeline.confidence import MODEL, THRESHOLD  # noqa: E402

ABSTAIN = ROOT / "bench" / "questions" / "abstain_questions.jsonl"
# the sets whose answerable questions the confidence model was fitted on
FIT_SETS = tuple(json.loads(MODEL.read_text())["fitted_on"]["answerable"])


def auroc(pos: list[float], neg: list[float]) -> float:
    """Probability that an answerable question scores above an abstain one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def halves(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The abstain set's fitting half (even lines) and reporting half (odd lines)."""
    return rows[0::2], rows[1::2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", dest="sets", action="append")
    args = ap.parse_args()
    abstain = halves(lines(ABSTAIN))[1]  # the half the model was not fitted on
    results = []
    for qs in SETS:
        if qs.name == "pg_dev" or (args.sets and qs.name not in args.sets):
            continue
        if not qs.questions.is_file() or not qs.manual.is_dir():
            continue
        store = graph_for(qs.manual)
        embed_pending(store, shared())  # as the service answers: with embeddings
        answerer = Answerer(store, cache_size=0, embedder=shared())
        pos = [answerer.answer(q["q"]).confidence for q in lines(qs.questions)]
        neg_rows = [(q, answerer.answer(q["q"]).confidence) for q in abstain]
        store.close()
        neg = [c for _, c in neg_rows]
        by_lang = {
            lang: auroc(
                [c for q, c in zip(lines(qs.questions), pos, strict=True) if q["lang"] == lang],
                [c for q, c in neg_rows if q["lang"] == lang],
            )
            for lang in ("en", "zh")
        }
        results.append({
            "set": qs.name, "tuned": qs.name in FIT_SETS, "answerable": len(pos),
            "abstain": len(neg), "auroc": round(auroc(pos, neg), 3),
            "auroc_en": round(by_lang["en"], 3), "auroc_zh": round(by_lang["zh"], 3),
            "answered_at_threshold": round(sum(c >= THRESHOLD for c in pos) / len(pos), 3),
            "refused_at_threshold": round(sum(c < THRESHOLD for c in neg) / len(neg), 3),
            "highest_abstain": sorted(
                [(round(c, 3), q["q"]) for q, c in neg_rows], reverse=True)[:5],
        })  # fmt: skip
        print(results[-1], file=sys.stderr)
    md = [
        "# Confidence: answerable questions against off-topic and unanswerable ones", "",
        f"Threshold {THRESHOLD}. The model was fitted (bench/fit_confidence.py) on the "
        f"answerable questions of {', '.join(FIT_SETS)} against the even lines of the abstain "
        "set; every row here uses the odd lines only, so the abstain side is always out of "
        "sample, and the answerable side too where the set says so. Goal: AUROC >= 0.95.", "",
        "| manual's set | tuned on? | answerable | abstain | AUROC | AUROC en | AUROC zh "
        "| answered at threshold | refused at threshold |",
        "|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in results:
        md.append(
            f"| {r['set']} | {'yes' if r['tuned'] else '**no (out of sample)**'} "
            f"| {r['answerable']} | {r['abstain']} | {r['auroc']} | {r['auroc_en']} "
            f"| {r['auroc_zh']} | {100 * r['answered_at_threshold']:.0f}% "
            f"| {100 * r['refused_at_threshold']:.0f}% |"
        )
    if not args.sets:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "abstain.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
        (RESULTS / "abstain.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
