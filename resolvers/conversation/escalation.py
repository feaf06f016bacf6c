"""Escalation as an explicit state machine: the states, the transitions, the rules.

A conversation is with the ``bot`` until a rule fires (``escalated``: the
handoff ticket waits in a queue), then with an ``agent`` once one replies,
and ``closed`` with a resolution. Only these transitions exist; anything
else is refused (``BadTransition``), so a closed conversation never
reopens and the bot never answers after the handoff (``bot_answers``).

The decision is made in code, never by a model: the rules are checked in a
fixed order (an explicit request for a person first, so nothing can get in
its way; then emotion, complexity and unresolved turns in the order the
rules file gives), the first that fires wins, and the decision records the rule and its evidence.
Only when none fires is the learned reading of the turn (``reader.py``) asked;
it records its probability and the rule it reads the turn as.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from resolvers.conversation.reader import Reading
from resolvers.conversation.rules import Rules, normalised


class State(StrEnum):
    BOT = "bot"
    ESCALATED = "escalated"
    AGENT = "agent"
    CLOSED = "closed"


class Event(StrEnum):
    CUSTOMER_MESSAGE = "customer_message"
    ESCALATE = "escalate"
    AGENT_REPLY = "agent_reply"
    CLOSE = "close"


class Rule(StrEnum):
    REQUEST = "request"
    EMOTION = "emotion"
    COMPLEXITY = "complexity"
    UNRESOLVED = "unresolved"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.BOT, Event.CUSTOMER_MESSAGE): State.BOT,
    (State.BOT, Event.ESCALATE): State.ESCALATED,
    (State.BOT, Event.CLOSE): State.CLOSED,
    (State.ESCALATED, Event.CUSTOMER_MESSAGE): State.ESCALATED,
    (State.ESCALATED, Event.AGENT_REPLY): State.AGENT,
    (State.ESCALATED, Event.CLOSE): State.CLOSED,
    (State.AGENT, Event.CUSTOMER_MESSAGE): State.AGENT,
    (State.AGENT, Event.AGENT_REPLY): State.AGENT,
    (State.AGENT, Event.CLOSE): State.CLOSED,
}


class BadTransition(Exception):
    """An event the conversation's state does not allow."""

    def __init__(self, state: State, event: Event) -> None:
        self.state, self.event = state, event
        if state is State.CLOSED:
            why = "the conversation is closed"
        elif event is Event.AGENT_REPLY:
            why = "an agent replies only to an escalated conversation"
        else:
            why = f"a {state.value} conversation allows no {event.value}"
        super().__init__(why)


def next_state(state: State, event: Event) -> State:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise BadTransition(state, event) from None


def bot_answers(state: State) -> bool:
    """Whether the bot answers a customer message (after the handoff it only acknowledges)."""
    return state is State.BOT


@dataclass(frozen=True)
class Signals:
    """What one customer turn showed, for the decision."""

    text: str
    emotion: float
    emotion_reasons: tuple[str, ...]
    complexity: int  # the conversation's level after this turn, 1..5
    complexity_reason: str
    unresolved_run: int  # consecutive unresolved customer turns, this one included
    unresolved_reasons: tuple[str, ...]  # of those turns, oldest first
    # of those turns, oldest first: unresolved by the customer's own word
    unresolved_said: tuple[bool, ...] = ()
    learned: Reading | None = None  # the learned reader's view of this turn


@dataclass(frozen=True)
class Decision:
    rule: Rule
    evidence: str


def requested(text: str, rules: Rules) -> Decision | None:
    """An explicit request for a person, in any wording the cues know."""
    rq = rules.request
    said = rq.cues.find(rq.not_a_person.erase(rq.declined.erase(normalised(text))))
    return Decision(Rule.REQUEST, f"the customer asked for a person: {said!r}") if said else None


def decide(signals: Signals, rules: Rules) -> Decision | None:
    """The rule that escalates this turn, with its evidence, or None."""
    asked = requested(signals.text, rules)
    if asked is not None:
        return asked
    esc = rules.escalation
    checks = {
        Rule.EMOTION.value: _emotion,
        Rule.COMPLEXITY.value: _complexity,
        Rule.UNRESOLVED.value: _unresolved,
    }
    for name in esc.order:
        decision = checks[name](signals, rules)
        if decision is not None:
            return decision
    return _learned(signals, rules)


def _learned(signals: Signals, rules: Rules) -> Decision | None:
    reading = signals.learned
    if reading is None or not rules.escalation.learned:
        return None
    above = rules.escalation.learned_above
    if above is not None:
        reading = Reading(reading.rule, reading.probability, above)
    if not reading.fires:
        return None
    return Decision(Rule(reading.rule), reading.evidence())


# Reasons of extractors/text/emotion.py that are the wording's polarity, not a sign.
_POLARITY = ("negative wording", "positive wording")
_SARCASM = "sarcasm"


def _emotion(signals: Signals, rules: Rules) -> Decision | None:
    below = rules.escalation.emotion_below
    if signals.emotion >= below:
        return None
    signs = [r for r in signals.emotion_reasons if not r.startswith(_POLARITY)]
    # A pleased word beside a report that the fix worked ("no longer blocks, great")
    # is meant: sarcasm needs a complaint, and this turn says it helped.
    said = normalised(signals.text)
    if rules.unresolved.helped.find(said) and not rules.unresolved.no_help.find(said):
        signs = [r for r in signs if not r.startswith(_SARCASM)]
    if rules.escalation.emotion_needs_sign and not signs:
        return None
    why = "; ".join(signals.emotion_reasons) or "negative wording"
    return Decision(Rule.EMOTION, f"emotion {signals.emotion:.2f} < {below:.2f} ({why})")


def _complexity(signals: Signals, rules: Rules) -> Decision | None:
    above = rules.escalation.complexity_above
    if signals.complexity <= above:
        return None
    return Decision(
        Rule.COMPLEXITY,
        f"complexity L{signals.complexity} > L{above}: {signals.complexity_reason}",
    )


def _unresolved(signals: Signals, rules: Rules) -> Decision | None:
    run = rules.escalation.unresolved_run
    if signals.unresolved_run < run:
        return None
    # Unsure answers alone are the bot's doubt, not a customer left without help.
    if sum(signals.unresolved_said[-run:]) < rules.escalation.unresolved_said:
        return None
    return Decision(
        Rule.UNRESOLVED,
        f"{signals.unresolved_run} consecutive unresolved turns: "
        + "; ".join(signals.unresolved_reasons[-run:]),
    )
