"""A conversation's complexity, L1 to L5, with the reason a person can check.

Per customer turn, from what the answer pipeline found (highest level first):

- L5: the customer reports an outage, data loss or a security problem (one
  only asked about or ruled out, "will the upgrade cause an outage?", is not);
- L4: a suspected defect (a crash, a regression after an upgrade ...; not a
  crash of the customer's own program, "our worker keeps crashing"), or no
  matching knowledge: nothing cited, a vendor's error code of unmistakable
  shape the graph lacks (unless the answer cites another code the turn names;
  a standard status such as HTTP 401 or ECONNREFUSED is documented by its
  standard, not by the vendor's knowledge), an answer below
  ``no_knowledge_below`` confidence, or a question whether the product
  supports something the knowledge never mentions ("Does it run on
  Plan 9?", where no page says "Plan 9"). Nothing cited and the low confidence
  count only for a turn that asks a question, names something of its own and
  does not merely say the last answer did not help: "we are still waiting",
  "that didn't help" or "added the index, the sort is gone" is not a question
  the knowledge lacks;
- L3: several products or components, or a stack trace;
- L2: an error code the graph knows, whose solution steps answer it;
- L1: a document section answers it.

A turn that asks nothing (a greeting, "thanks, that worked") is not assessed;
a conversation's level is the highest of its turns' (it never drops). Cue
patterns and thresholds are in the rules file (``rules.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractors.text.codes import parse_code
from resolvers.conversation.rules import Rules, normalised
from resolvers.pipeline.background import log_frequency
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


def is_question(text: str, rules: Rules) -> bool:
    """Whether the turn asks a question (a question mark, an interrogative ...),
    rather than reporting what the customer did or saw."""
    return rules.complexity.question.find(normalised(text)) is not None


# Shapes of a vendor's own codes; the others (HTTP statuses, errno names, SQLSTATEs,
# exit codes) are standards' statuses that a vendor's knowledge need not hold.
_VENDOR_SHAPES = frozenset(("prefixed", "symbolic", "hex"))


def _vendor_code(code: str) -> bool:
    found = parse_code(code)
    return found is not None and found.shape in _VENDOR_SHAPES


_SENTENCE = re.compile(r"[^.?!。？！\n]+[.?!。？！]*")


def unknown_names(q: Question, in_corpus: Callable[[str], bool], below: float) -> list[str]:
    """The turn's own words that no page uses and everyday language rarely does
    (log10 frequency below ``below``): names of things the knowledge never
    mentions. Numbers and versions ("19c", "v5") are not names."""
    names = []
    for token in sorted(q.own_tokens):
        surface = q.surfaces.get(token, token)
        if any(c.isdigit() for c in token) or in_corpus(token):
            continue
        if log_frequency(surface) < below:
            names.append(surface)
    return names


def _unsupported(said: str, unknown: Sequence[str], rules: Rules) -> str | None:
    """A name the knowledge never mentions, asked about in a sentence that asks
    whether the product supports or works with something."""
    if not unknown:
        return None
    for sentence in _SENTENCE.findall(said):
        if rules.complexity.capability.find(sentence) is None:
            continue
        low = sentence.lower()
        for name in unknown:
            if name.lower() in low:
                return name
    return None


def _cites_a_named_code(q: Question, answer: Answer) -> bool:
    named = {c.upper() for c in q.codes}
    return any(c.kind in ("error_code", "solution") and (c.code or "").upper() in named
               for c in answer.citations)  # fmt: skip


def assess(
    text: str, q: Question, answer: Answer, rules: Rules, question: bool = True,
    unknown: Sequence[str] = (),
) -> Level | None:  # fmt: skip
    """The level of one turn that asks something; None when the turn names nothing
    of its own and nothing answers it (the conversation's level carries on).
    ``question``: the turn asks a question (``is_question`` of what the customer typed);
    ``unknown``: its names the knowledge never mentions (``unknown_names``)."""
    rc = rules.complexity
    said = normalised(text)
    reported = rc.hypothetical.erase(said)
    for kind, cues in (("outage", rc.outage), ("data loss", rc.data_loss),
                       ("security", rc.security)):  # fmt: skip
        hit = cues.find(reported)
        if hit:
            return Level(5, f"{kind}: {hit!r}")
    hit = rc.defect.find(rc.own_program.erase(said))
    if hit:
        return Level(4, f"suspected defect: {hit!r}")
    # "No matching knowledge" is about a question: a turn that only says the last
    # answer did not help, reports what was done, or names nothing itself, is
    # judged as an unresolved turn.
    judged = question and names_something(q) and not rules.unresolved.no_help.find(said)
    name = _unsupported(said, unknown, rules) if question else None
    if name is not None:
        return Level(4, f"no matching knowledge: nothing in the graph mentions {name!r}")
    if not answer.citations and judged:
        return Level(4, "no matching knowledge: nothing in the graph answers it")
    unknown = [c for c in q.unknown_codes if _vendor_code(c)]
    if unknown and not _cites_a_named_code(q, answer):
        # another code of the same turn that the graph knows answers it
        return Level(4, f"no matching knowledge: error code {unknown[0]} is unknown")
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
