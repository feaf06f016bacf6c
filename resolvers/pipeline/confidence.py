"""How sure an answer is, 0 to 1, and the threshold below which it says so.

Evidence, for any corpus:
- an error code named in the question and found in the graph answers it
  exactly; a code of an unmistakable shape that the graph lacks cannot be
  answered at all;
- otherwise three signs, combined by a logistic model:
  * ``score``: the best citation's fused ranking score;
  * ``reach``: how much of the question's telling words (weighted by how rare
    they are in everyday language, see ``background.py``) occur anywhere in
    the corpus. "Joy-Con drift" or "check engine light" are missing from a
    database manual; ``autovacuum`` is not;
  * ``specificity``: how much more often than in everyday language the corpus
    uses the question's words, on average (log10 of the ratio). A question
    about the product speaks the manual's language; small talk and other
    domains speak everyday language.

The model's weights are fitted by ``bench/fit_confidence.py`` on the tuning
sets (Node.js and the extra PostgreSQL questions against half of the abstain
set) and stored in ``data/confidence.json``; ``bench/abstain.py`` reports
AUROC on the other manuals and the other half. ``THRESHOLD`` is where the
model says "answerable" and "not answerable" are equally likely.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from extractors.text.segment import has_cjk
from resolvers.pipeline.background import floor, log_frequency
from resolvers.pipeline.question import Question
from resolvers.pipeline.retrieval import Candidate
from resolvers.pipeline.termindex import TermIndex

THRESHOLD = 0.5
EXACT_CODE = 0.95
UNKNOWN_CODE = 0.1
MODEL = Path(__file__).resolve().parent / "data" / "confidence.json"
FEATURES = ("score", "reach", "specificity")
MAX_SCORE = 2.0  # a named code's candidate scores 10: no more telling than a strong match
COMMON = 3.0  # words at least this common (log10 below -3) tell nothing about a domain
MIN_SPEC_WEIGHT = 0.5  # dictionary senses of Chinese words are too loose to judge by
_SMOOTH_CORPUS = 1e-9
_SMOOTH_EVERYDAY = 1e-7


def features(q: Question, ranked: list[Candidate], terms: TermIndex) -> dict[str, float]:
    score = min(MAX_SCORE, _best_by_words(ranked)) if ranked else 0.0
    found = total = 0.0
    specs: list[float] = []
    for t in q.tokens:
        w = q.weights[t]
        everyday = log_frequency(q.surfaces.get(t, t))
        telling = min(-floor(), -everyday) - COMMON
        in_corpus = terms.corpus_count.get(t, 0) / terms.corpus_total
        if telling > 0:
            total += w * telling
            found += w * telling if in_corpus else 0.0
        if w >= MIN_SPEC_WEIGHT and not has_cjk(t):
            ratio = (in_corpus + _SMOOTH_CORPUS) / (10**everyday + _SMOOTH_EVERYDAY)
            specs.append(math.log10(ratio))
    return {
        "score": score,
        "reach": found / total if total else 0.0,
        "specificity": sum(specs) / len(specs) if specs else math.log10(_SMOOTH_CORPUS),
    }


def _best_by_words(ranked: list[Candidate]) -> float:
    """The score of what leads by words alone: a leading error code keeps its place
    whatever embeddings do; otherwise the best word score among the citations
    (without embeddings, the first citation's). Embeddings reorder pages; they
    do not make a match surer, and the model was fitted on word scores."""
    if ranked[0].kind == "error_code":
        return ranked[0].score
    return max(c.word_score for c in ranked)


@lru_cache(maxsize=1)
def model() -> tuple[dict[str, float], float]:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    return {k: float(data["weights"][k]) for k in FEATURES}, float(data["bias"])


def combine(values: dict[str, float]) -> float:
    weights, bias = model()
    z = bias + sum(weights[k] * values[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def confidence(q: Question, ranked: list[Candidate], terms: TermIndex) -> float:
    if not ranked:
        return 0.0
    top = ranked[0]
    if top.kind == "error_code" and top.code and top.code.upper() in {c.upper() for c in q.codes}:
        return EXACT_CODE
    if q.unknown_codes:
        return UNKNOWN_CODE
    return round(max(0.01, min(0.99, combine(features(q, ranked, terms)))), 3)
