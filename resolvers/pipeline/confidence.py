"""How sure an answer is, 0 to 1, and the threshold below which it says so.

Evidence, for any corpus:
- an error code named in the question and found in the graph answers it
  exactly; a code of an unmistakable shape that the graph lacks cannot be
  answered at all;
- otherwise, how much of the question's weight (idf times the token's
  weight: own words 1, expansions less) the best citation's text covers, and
  how strong its fused score is. Off-topic questions find some page with
  some of their words; they rarely find one that covers them.

``THRESHOLD`` was chosen on the tuning sets (the Node.js questions against
the abstain set, with the Node.js manual); ``bench/abstain.py`` reports how
well it separates on the other manuals.
"""

from __future__ import annotations

from collections import Counter

from resolvers.pipeline.question import Question
from resolvers.pipeline.retrieval import Candidate
from resolvers.pipeline.termindex import TermIndex

THRESHOLD = 0.45
EXACT_CODE = 0.95
UNKNOWN_CODE = 0.1
W_COVER = 0.6
W_SCORE = 0.4


def coverage(q: Question, top: Candidate, terms: TermIndex) -> float:
    """Share of the question's idf-weighted tokens that the top citation contains."""
    tf: Counter[str] | dict[str, int]
    if top.kind == "document" and top.doc_id:
        tf = terms.pages.tf.get(top.doc_id, {})
    elif top.kind == "error_code":
        tf = terms.errors.tf.get(top.id, {})
    else:
        tf = terms.others.tf.get(top.id, {})
    weight = {t: q.weights[t] * terms.idf(t) for t in q.tokens}
    total = sum(weight.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weight.items() if t in tf) / total


def confidence(q: Question, ranked: list[Candidate], terms: TermIndex) -> float:
    if not ranked:
        return 0.0
    top = ranked[0]
    if top.kind == "error_code" and top.code and top.code.upper() in {c.upper() for c in q.codes}:
        return EXACT_CODE
    if q.unknown_codes:
        return UNKNOWN_CODE
    raw = W_COVER * coverage(q, top, terms) + W_SCORE * min(1.0, top.score / 2.0)
    return round(max(0.01, min(0.99, raw)), 3)
