"""A conversation's complexity, L1 to L5, with the reason a person can check.

Per customer turn, from what the answer pipeline found (highest level first):

- L5: the customer reports an outage, data loss or a security problem (one
  only asked about or ruled out, "will the upgrade cause an outage?", is not);
- L4: a suspected defect (a crash, a regression after an upgrade ...), or no
  matching knowledge: nothing cited, an error code of unmistakable shape the
  graph lacks (unless the answer cites another code the turn names), or an
  answer below ``no_knowledge_below`` confidence. Nothing cited and the low
  confidence count only for a turn that names something of its own and does
  not merely say the last answer did not help: "we are still waiting" or
  "that didn't help" is not a question the knowledge lacks;
- L3: several products or components, or a stack trace;
- L2: an error code the graph knows, whose solution steps answer it;
- L1: a document section answers it.

A turn that asks nothing (a greeting, "thanks, that worked") is not assessed;
a conversation's level is the highest of its turns' (it never drops). Cue
patterns and thresholds are in the rules file (``rules.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.conversation.rules import Rules, normalised
from resolvers.pipeline.question import Question
from resolvers.pipeline.records import Answer

MIN_WORDS = 3  # fewer own words, and nothing linked: small talk, not a question


@dataclass(frozen=True)
class Level:
    level: int  # 1..5
    reason: str

    @property
    def label(self) -> str:
        return f"L{self.level}"


def asks(text: str, q: Question, rules: Rules) -> bool:
    """Whether the turn asks something (else it is small talk or a thank-you)."""
    said = normalised(text)
    if rules.unresolved.helped.find(said) and not rules.unresolved.no_help.find(said):
        return False
    return bool(len(q.own_tokens) >= MIN_WORDS or q.entities or q.traces or "?" in said)


def names_something(q: Question) -> bool:
    """Whether the turn itself names something the knowledge could be about: an
    error code, a product, a component or a trace of its own (not inherited).
    A turn that names nothing ("we are waiting", "so is there anyone?", "perfect,
    thanks") speaks everyday language, so the answer's confidence, which measures
    how much the words belong to the corpus, says nothing about the knowledge."""
    own_codes = bool(q.codes) and "codes" not in q.inherited
    own_products = bool(q.linked.products) and "products" not in q.inherited
    return own_codes or own_products or bool(q.linked.concepts or q.traces or q.strong_codes)


def _cites_a_named_code(q: Question, answer: Answer) -> bool:
    named = {c.upper() for c in q.codes}
    return any(c.kind in ("error_code", "solution") and (c.code or "").upper() in named
               for c in answer.citations)  # fmt: skip


def assess(text: str, q: Question, answer: Answer, rules: Rules) -> Level | None:
    """The level of one turn that asks something; None when the turn names nothing
    of its own and nothing answers it (the conversation's level carries on)."""
    rc = rules.complexity
    said = normalised(text)
    reported = rc.hypothetical.erase(said)
    for kind, cues in (("outage", rc.outage), ("data loss", rc.data_loss),
                       ("security", rc.security)):  # fmt: skip
        hit = cues.find(reported)
        if hit:
            return Level(5, f"{kind}: {hit!r}")
    hit = rc.defect.find(said)
    if hit:
        return Level(4, f"suspected defect: {hit!r}")
    # "No matching knowledge" is about a question: a turn that only says the last
    # answer did not help, or names nothing itself, is judged as an unresolved turn.
    judged = names_something(q) and not rules.unresolved.no_help.find(said)
    if not answer.citations and judged:
        return Level(4, "no matching knowledge: nothing in the graph answers it")
    if q.unknown_codes and not _cites_a_named_code(q, answer):
        # another code of the same turn that the graph knows answers it
        return Level(4, f"no matching knowledge: error code {q.unknown_codes[0]} is unknown")
    if not answer.citations:
        return None
    if answer.confidence < rc.no_knowledge_below and judged:
        return Level(
            4, f"no matching knowledge: confidence {answer.confidence:.2f} "
            f"< {rc.no_knowledge_below:.2f}",
        )  # fmt: skip
    if answer.citations[0].kind == "pinned":  # an editor answered this kind of question
        return Level(1, f"answered by a pinned answer of {answer.citations[0].curator}")
    products = list(dict.fromkeys(q.linked.products))
    if len(products) >= rc.several_products:
        return Level(3, f"several products: {', '.join(products)}")
    concepts = [c.id for c in q.linked.concepts]
    if len(concepts) >= rc.several_components:
        return Level(3, f"several components: {', '.join(concepts)}")
    if q.traces:
        return Level(3, f"a {q.traces[0].language} stack trace")
    top = answer.citations[0]
    known = {c.upper() for c in q.codes}
    coded = [c for c in answer.citations if c.kind in ("error_code", "solution")]
    if coded and (top.kind in ("error_code", "solution") or (top.code or "").upper() in known):
        lead = coded[0]
        return Level(2, f"solution steps of error code {lead.code or lead.title}")
    return Level(1, f"answered by a document section: {top.title}")


def highest(earlier: Level | None, turn: Level | None) -> Level | None:
    """The conversation's level after a turn (it never drops)."""
    if turn is None:
        return earlier
    if earlier is None or turn.level > earlier.level:
        return turn
    return earlier
