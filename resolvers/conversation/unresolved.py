"""Whether a customer turn left the problem unresolved, and why.

A turn is unresolved when the customer says the earlier answer did not help
(generic cues in the rules file), repeats an earlier question (the segmented
words, in any order, this similar to an earlier turn's), or the answer's
calibrated confidence is below the answer pipeline's threshold. A turn that
says it helped is resolved whatever the answer's confidence; so is a turn
that asks nothing (a greeting), which leaves the run as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.text.segment import index_tokens
from resolvers.conversation.rules import Rules, normalised


@dataclass(frozen=True)
class Verdict:
    resolved: bool
    reason: str | None  # why not, when unresolved
    helped: bool = False  # the customer says the answer helped
    said: bool = False  # unresolved by the customer's own word (not the answer's confidence)


def _words(text: str) -> str:
    return " ".join(index_tokens(normalised(text).lower()))


def repeated(text: str, earlier: Sequence[str], rules: Rules) -> tuple[int, float] | None:
    """(index, similarity) of the earlier turn this one repeats, if any."""
    ru = rules.unresolved
    if len(text.strip()) < ru.repeat_min_chars:
        return None
    mine = _words(text)
    if not mine:
        return None
    best: tuple[int, float] | None = None
    for i, other in enumerate(earlier):
        if len(other.strip()) < ru.repeat_min_chars:
            continue
        sim = fuzz.token_sort_ratio(mine, _words(other)) / 100.0
        if sim >= ru.repeat_similarity and (best is None or sim > best[1]):
            best = (i, sim)
    return best


def judge(
    text: str,
    earlier: Sequence[str],
    confidence: float | None,
    threshold: float,
    rules: Rules,
) -> Verdict:
    """``earlier``: the customer's previous turns; ``confidence``: the answer's,
    None when the turn asked nothing."""
    said = normalised(text)
    hit = rules.unresolved.no_help.find(said)
    if hit:
        return Verdict(False, f"the customer says it did not help: {hit!r}", said=True)
    if rules.unresolved.helped.find(said):
        return Verdict(True, None, helped=True)
    again = repeated(text, earlier, rules)
    if again is not None:
        return Verdict(
            False, f"the customer repeats customer turn {again[0]} (similarity {again[1]:.2f})",
            said=True,
        )  # fmt: skip
    if confidence is not None and confidence < threshold:
        return Verdict(False, f"answer confidence {confidence:.2f} < {threshold:.2f}")
    return Verdict(True, None)
