"""One message of a conversation, end to end: the function a replay loops over.

``send(desk, speaker, conversation_id, text, attachments)`` stores the
message and returns the turn's state (reply, emotion, complexity,
confidence, resolved, escalation). A customer's message is answered by the
answer pipeline while the conversation is with the bot, its query
inheriting earlier turns' codes, products and versions; then the escalation
rules decide (``escalation.py``). After a handoff the bot only acknowledges.
An agent's message is stored as the agent's reply (the first agent to reply
takes the ticket). ``close`` ends a conversation with a resolution,
``feedback`` records a customer's verdict on a turn.

Messages to one conversation are taken one at a time in this process
(striped locks); across processes a turn's unique id refuses the second of
two racing messages.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from extractors.logs.matching import known_templates
from extractors.text.crypto.sealer import Sealer, ephemeral_sealer
from extractors.text.emotion import emotion
from extractors.text.segment import language
from extractors.text.versions import version_mentions
from graph.queries import blind_index as bq
from graph.queries import conversations as cq
from graph.store import Store
from graph.types import Row
from resolvers.conversation import handoff, history, reader, turn_text
from resolvers.conversation.attachments import BadAttachment, read_all
from resolvers.conversation.complexity import (
    Level,
    asks,
    assess,
    highest,
    is_question,
    names_something,
    unknown_names,
)
from resolvers.conversation.escalation import (
    BadTransition,
    Decision,
    Event,
    Signals,
    State,
    bot_answers,
    decide,
    next_state,
    requested,
)
from resolvers.conversation.history import ConversationError
from resolvers.conversation.reader import Reading
from resolvers.conversation.records import (
    Attachment,
    Entities,
    Escalation,
    Finding,
    Handoff,
    Speaker,
    TurnState,
)
from resolvers.conversation.rules import Rules, load_rules
from resolvers.conversation.unresolved import judge
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.confidence import THRESHOLD
from resolvers.pipeline.question import Carried
from resolvers.pipeline.records import Answer

MAX_TEXT_CHARS = 4000
MAX_RESOLUTION_CHARS = 2000
MAX_COMMENT_CHARS = 2000
CITATIONS = 5
_LOCKS = [threading.Lock() for _ in range(64)]


@dataclass
class Desk:
    """What a conversation needs: the graph, the answer pipeline, the rules, limits."""

    store: Store
    answerer: Answerer
    rules: Rules = field(default_factory=load_rules)
    llm: BaseChatModel | None = None  # writes handoff summaries (the answerer's by default)
    max_text_chars: int = MAX_TEXT_CHARS
    max_upload_bytes: int = 5_000_000
    max_attachments: int = 5
    # Called with a handoff ticket's id once it is stored (the service routes it,
    # resolvers/routing/handoff.py); a failure there does not fail the message.
    on_handoff: Callable[[str], object] | None = None
    # Seals turns' clear text (turn_text.py); the service and the CLI pass the
    # configured keys' (api/data_keys.py), tests and scripts get a throwaway ring.
    sealer: Sealer = field(default_factory=ephemeral_sealer)

    @classmethod
    def open(
        cls, store: Store, rules: Rules | None = None, llm: BaseChatModel | None = None,
        sealer: Sealer | None = None,
    ) -> Desk:  # fmt: skip
        """A desk over ``store`` with its own answer pipeline (a replay's, the CLI's)."""
        return cls(store, Answerer(store, llm=llm), rules or load_rules(), llm=llm,
                   sealer=sealer or ephemeral_sealer())  # fmt: skip

    def summariser(self) -> BaseChatModel | None:
        return self.llm if self.llm is not None else self.answerer.llm


def _lock(conversation_id: str | None) -> AbstractContextManager[object]:
    """One message at a time per conversation; a new one (a fresh id) needs none."""
    if conversation_id is None:
        return nullcontext()
    return _LOCKS[zlib.crc32(conversation_id.encode()) % len(_LOCKS)]


def checked_text(text: str, limit: int, attachments: bool) -> str:
    clean = (text or "").strip()
    if not clean and not attachments:
        raise ConversationError("text", "is empty; write a message or attach a file")
    if len(clean) > limit:
        raise ConversationError(
            "text", f"is too long: {len(clean)} characters, the limit is {limit}"
        )
    return clean


def _open(
    desk: Desk, speaker: Speaker, conversation_id: str, sees_all: bool,
    argument: str = "conversationId",
) -> Row:  # fmt: skip
    """The conversation, if the speaker may use it (else "not found": no leak)."""
    found = history.load(desk.store, conversation_id)
    missing = ConversationError(argument, f"no conversation {conversation_id!r}")
    if found is None:
        raise missing
    if speaker.role == "customer" and found["customer"] != speaker.subject:
        raise missing
    agent = speaker.role == "agent" and not sees_all
    if agent and not history.visible_to_agent(desk.store, conversation_id, speaker.subject):
        raise missing
    return found


def send(
    desk: Desk,
    speaker: Speaker,
    conversation_id: str | None,
    text: str,
    attachments: Sequence[Attachment] = (),
    sees_all: bool = False,
    on_token: Callable[[str], None] | None = None,
) -> TurnState:
    """Store one message and return the turn's state (see the module's note).
    ``on_token`` receives the bot's reply as the LLM writes it (none without one)."""
    body = checked_text(text, desk.max_text_chars, bool(attachments))
    try:
        findings = read_all(attachments, desk.max_upload_bytes, desk.max_attachments,
                            lambda: known_templates(desk.store))  # fmt: skip
    except BadAttachment as exc:
        raise ConversationError("attachments", str(exc)) from None
    with _lock(conversation_id):
        if conversation_id is None:
            if speaker.role != "customer":
                raise ConversationError(
                    "conversationId", "an agent replies to a conversation: give its id"
                )
            return _customer(desk, speaker, None, body, findings, on_token)
        conv = _open(desk, speaker, conversation_id, sees_all)
        state = State(conv["conversation"]["state"])
        if state is State.CLOSED:
            resolution = conv["conversation"].get("resolution") or ""
            raise ConversationError(
                "conversationId",
                f"conversation {conversation_id} is closed ({resolution}); send without "
                "conversationId to start a new one",
            )
        if speaker.role == "customer":
            return _customer(desk, speaker, conv, body, findings, on_token)
        return _agent(desk, speaker, conv, body, findings)


def customer_turn(
    desk: Desk,
    customer: str,
    conversation_id: str | None,
    text: str,
    attachment_paths: Sequence[str] = (),
) -> TurnState:
    """A customer's turn with attachments given as file paths: what a replay loops
    over (``desk = Desk.open(store)``; the first call without ``conversation_id``,
    the next ones with the ``conversation_id`` of the state it returned)."""
    from pathlib import Path

    files = []
    for p in attachment_paths:
        path = Path(p)
        try:
            files.append(Attachment(path.name, path.read_bytes()))
        except OSError as exc:
            raise ConversationError("attachments", f"{p}: cannot be read: {exc}") from None
    return send(desk, Speaker("customer", customer), conversation_id, text, files)


def _carried(conv: dict[str, Any]) -> Carried:
    return Carried(tuple(conv.get("codes") or ()), tuple(conv.get("products") or ()))


def _attached(findings: list[Finding]) -> Carried:
    """What the attachments point to beyond their text: matched log templates' links."""
    return Carried(
        tuple(dict.fromkeys(c for f in findings for c in f.codes)),
        tuple(dict.fromkeys(p for f in findings for p in f.products)),
        tuple(dict.fromkeys(c for f in findings for c in f.components)),
    )


def _merged(old: Sequence[str], new: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*old, *new]))


def _entities(
    answered: Answer | None, q_codes: list[str], q_products: list[str], text: str,
    conv: dict[str, Any], traces: list[str], own_codes: bool, own_products: bool,
) -> Entities:  # fmt: skip
    # Found in the masked text: a phone written with dots reads as a version.
    versions = version_mentions(turn_text.masked(text, "customer"))
    inherited = [k for k, own in (("codes", own_codes), ("products", own_products)) if not own]
    if not versions and conv.get("versions"):
        versions, inherited = list(conv["versions"]), [*inherited, "versions"]
    inherited = [k for k in inherited if conv.get(k)]
    return Entities(q_codes, q_products, versions, traces, inherited)


def _customer(
    desk: Desk, speaker: Speaker, found: Row | None, text: str, findings: list[Finding],
    on_token: Callable[[str], None] | None = None,
) -> TurnState:  # fmt: skip
    conv: dict[str, Any] = dict(found["conversation"]) if found else {}
    cid = conv.get("id") or history.new_id()
    state = State(conv.get("state") or State.BOT.value)
    state = next_state(state, Event.CUSTOMER_MESSAGE)
    earlier = history.turns(desk.store, cid) if found else []
    said = [t["text"] for t in earlier if t.get("role") == "customer"]
    index, ordinal = len(said), len(earlier)
    lang = language(text) if text else (conv.get("language") or "en")
    mood = emotion(text, said)
    analysed = "\n".join([text, *(f.text for f in findings if f.text)]).strip()
    rules = desk.rules

    answer: Answer | None = None
    decision: Decision | None = None
    level: Level | None = None
    if bot_answers(state):
        decision = requested(text, rules)
    own_codes = own_products = True
    codes: list[str] = []
    products: list[str] = []
    traces: list[str] = []
    named = False
    question = is_question(text or analysed, rules)
    if bot_answers(state):  # on a request too: its answer goes into the handoff packet
        carried = _carried(conv)
        # A request for a person is answered by the handoff: nothing streams then.
        stream = on_token if decision is None else None
        answer, q = desk.answerer.answer_in_context(analysed, CITATIONS, carried, stream,
                                                    _attached(findings))  # fmt: skip
        own_codes, own_products = "codes" not in q.inherited, "products" not in q.inherited
        codes, products = list(q.codes), list(q.linked.products)
        traces = [t.fingerprint for t in q.traces]
        named = names_something(q)
        if asks(text or analysed, q, rules):
            corpus = desk.answerer.terms.corpus_count
            unknown = unknown_names(q, lambda t: corpus.get(t, 0) > 0,
                                    rules.complexity.unknown_name_below)  # fmt: skip
            level = assess(analysed, q, answer, rules, question, unknown)
    else:
        linked = desk.answerer.linker.link(analysed)
        pointed = _attached(findings)
        codes = _merged(linked.codes, pointed.codes)
        products = _merged(linked.products, pointed.products)
    codes = turn_text.not_personal(codes, analysed)  # stored unsealed, on the ticket too
    entities = _entities(answer, codes, products, analysed, conv, traces, own_codes, own_products)

    prev_level = (
        Level(int(conv["complexity"]), conv.get("complexity_reason") or "")
        if conv.get("complexity") else None
    )  # fmt: skip
    conv_level = highest(prev_level, level)
    # The confidence tells about the answer only for a question that names something
    # itself (complexity.names_something): else its words are everyday language, or
    # it reports what the customer did, which no answer's confidence judges.
    weighed = answer is not None and level is not None and named and question
    verdict = judge(text, said, answer.confidence if weighed and answer else None,
                    THRESHOLD, rules)  # fmt: skip
    run = int(conv.get("unresolved_run") or 0)
    reasons = list(conv.get("unresolved_reasons") or [])
    said_so = [bool(x) for x in conv.get("unresolved_said") or []]
    if answer is not None or decision is not None:
        if not verdict.resolved:
            run, reasons = run + 1, [*reasons, verdict.reason or "unresolved"]
            said_so = [*said_so, verdict.said]
        elif verdict.helped or weighed:
            # a resolved question resets the run; "ok, we'll wait" or "I set the flag"
            # leaves it as it was
            run, reasons, said_so = 0, [], []
    if bot_answers(state) and decision is None:
        decision = decide(Signals(
            text=text, emotion=mood.score, emotion_reasons=tuple(mood.reasons),
            complexity=conv_level.level if conv_level else 1,
            complexity_reason=conv_level.reason if conv_level else "",
            unresolved_run=run, unresolved_reasons=tuple(reasons),
            unresolved_said=tuple(said_so),
            learned=_reading(text, said, rules),
        ), rules)  # fmt: skip

    emotions = [*(conv.get("emotions") or []), mood.score]
    props: dict[str, Any] = {
        "state": state.value, "language": conv.get("language") or lang,
        "updated_ms": history.now()[0], "turn_count": ordinal + 2,
        "codes": _merged(conv.get("codes") or [], codes),
        "products": _merged(conv.get("products") or [], products),
        "versions": _merged(conv.get("versions") or [], entities.versions),
        "emotions": emotions, "unresolved_run": run, "unresolved_reasons": reasons,
        "unresolved_said": said_so,
    }  # fmt: skip
    if conv_level is not None:
        props["complexity"], props["complexity_reason"] = conv_level.level, conv_level.reason
    ticket: dict[str, Any] | None = None
    held: list[str] = []  # the earlier turns' blind-index entries, for a new handoff ticket
    escalation: Escalation | None = None
    if decision is not None:
        state = next_state(state, Event.ESCALATE)
        props["state"] = state.value
        tid = history.ticket_id(cid)
        escalation = Escalation(decision.rule.value, decision.evidence, tid, index)
        props.update(escalation_rule=escalation.rule, escalation_evidence=escalation.evidence,
                     escalated_at=index, ticket=tid)  # fmt: skip
        packet = _handoff(desk, speaker.subject, earlier, text, findings, answer, decision,
                          props, lang)  # fmt: skip
        ticket, held = _ticket(desk, cid, tid, earlier, text, packet, props, conv_level, lang)
        reply, mode = rules.message(lang, decision.rule.value, ticket=tid), "handoff"
    elif answer is not None:
        reply, mode = answer.text, answer.mode
    else:
        escalation = _known_escalation(conv)
        ack = escalation.ticket_id if escalation else ""
        reply, mode = rules.message(lang, "acknowledge", ticket=ack), "acknowledgement"
    if escalation is None:
        escalation = _known_escalation(conv)

    citations = answer.citations if answer is not None and decision is None else []
    customer = history.turn_row(desk.sealer, cid, ordinal, "customer", speaker.subject, text, {
        "language": lang, "emotion": mood.score, "emotion_reasons": mood.reasons,
        "complexity": level.level if level else None,
        "complexity_reason": level.reason if level else None,
        "resolved": verdict.resolved, "unresolved_reason": verdict.reason,
        "codes": entities.codes, "products": entities.products, "versions": entities.versions,
        "traces": entities.traces, "inherited": entities.inherited, "customer_index": index,
    }, findings)  # fmt: skip
    bot = history.turn_row(desk.sealer, cid, ordinal + 1, "bot", "bot", reply, {
        "mode": mode, "citations": handoff.citations_json(citations),
        "confidence": answer.confidence if answer is not None else None,
        "escalation_rule": escalation.rule if decision is not None and escalation else None,
    })  # fmt: skip
    created = None
    if found is None:
        ms, at = history.now()
        created = {"id": cid, "customer": speaker.subject, "created_ms": ms, "created_at": at,
                   "source": cid, "extractor": history.EXTRACTOR, **props}  # fmt: skip
    links = [{"turn": customer["props"]["id"], "codes": entities.codes,
              "products": entities.products}]  # fmt: skip
    history.save(desk.store, cid, created=created, customer=speaker.subject,
                 rows=[customer, bot], links=links, props=props, ticket=ticket,
                 queue=rules.queue,
                 lookup=sorted({*held, *_lookup(desk, text, findings)}))  # fmt: skip
    if ticket is not None and desk.on_handoff is not None:
        desk.on_handoff(str(ticket["id"]))
    return TurnState(
        conversation_id=cid, turn_id=customer["props"]["id"],
        reply_turn_id=bot["props"]["id"], reply=reply, reply_mode=mode, citations=citations,
        language=lang, state=state.value, emotion=mood.score, emotion_reasons=mood.reasons,
        complexity=conv_level.label if conv_level else None,
        complexity_reason=conv_level.reason if conv_level else None,
        confidence=answer.confidence if answer is not None else None,
        resolved=verdict.resolved, unresolved_reason=verdict.reason, escalation=escalation,
        escalated_now=decision is not None, entities=entities,
        attachments=[f.masked() for f in findings],
    )  # fmt: skip


def _reading(text: str, said: Sequence[str], rules: Rules) -> Reading | None:
    """The learned reader's view of a typed turn (none for attachments alone)."""
    model = reader.shipped() if rules.escalation.learned and text.strip() else None
    return model.read(text, said[-1] if said else "", len(said)) if model else None


def _lookup(desk: Desk, text: str, findings: Sequence[Finding]) -> list[str]:
    """Blind-index entries of a message's personal values, for its handoff ticket's
    (a ticket's index holds its messages' values: ticketsByPersonalData)."""
    return desk.sealer.index(turn_text.personal([text, *(f.clear for f in findings)]))


def _known_escalation(conv: dict[str, Any]) -> Escalation | None:
    if not conv.get("escalation_rule"):
        return None
    return Escalation(
        str(conv["escalation_rule"]), str(conv.get("escalation_evidence") or ""),
        str(conv.get("ticket") or ""), int(conv.get("escalated_at") or 0),
    )  # fmt: skip


def _handoff(
    desk: Desk, customer: str, earlier: list[Row], text: str, findings: list[Finding],
    answer: Answer | None, decision: Decision, props: dict[str, Any], lang: str,
) -> Handoff:  # fmt: skip
    # Only masked text goes into the packet: it is stored unsealed on the ticket.
    asked = [t["text"] for t in earlier if t.get("role") == "customer"]
    asked.append(turn_text.masked(text, "customer"))
    tried, last_bot, last_citations = [], "", []
    for t in earlier:
        if t.get("role") == "bot" and t.get("mode") in ("extractive", "llm", "pinned"):
            cites = handoff.citations_from_json(t.get("citations"))
            sources = ", ".join(c.code or c.title for c in cites[:3])
            tried.append(t["text"][:200] + (f" [{sources}]" if sources else ""))
            last_bot, last_citations = t["text"], cites
    suggested = turn_text.masked(answer.text, "bot") if answer is not None else last_bot
    citations = answer.citations if answer is not None else last_citations
    found_in = [f"{f.name}: {', '.join(f.codes + f.traces) or f.text[:120]}" for f in findings]
    for t in earlier:
        for f in _findings(t.get("attachments")):
            found_in.append(
                f"{f['name']}: {', '.join(f['codes'] + f['traces']) or f['text'][:120]}"
            )
    packet = Handoff(
        asked=asked, tried=tried, products=props["products"], versions=props["versions"],
        codes=props["codes"], attachments=found_in, emotion_trend=props["emotions"],
        suggested=suggested, citations=citations,
        similar_tickets=handoff.similar_tickets(desk.store, props["codes"], props["products"]),
        customer=handoff.customer_context(desk.store, customer), rule=decision.rule.value,
        evidence=decision.evidence,
    )  # fmt: skip
    return handoff.summarise(packet, desk.summariser(), lang)


def _findings(value: Any) -> list[dict[str, Any]]:
    import json

    return list(json.loads(value)) if value else []


def _ticket(
    desk: Desk, cid: str, tid: str, earlier: list[Row], text: str, packet: Handoff,
    props: dict[str, Any], level: Level | None, lang: str,
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """The handoff ticket: its subject the first customer turn, masked, the clear one
    sealed as a ticket's is; and its blind-index entries, every personal value of the
    turns so far."""
    ms, at = history.now()
    opened = history.turns(desk.store, cid, desk.sealer) if earlier else []
    theirs = [t for t in opened if t.get("role") in ("customer", "agent")]
    said = [str(t.get(k) or "") for t in theirs for k in ("text", "attachments")]
    first = next((t["text"] for t in opened if t.get("role") == "customer"), text)
    hidden = turn_text.masked(first, "customer")
    subject = hidden[:120] or "(attachment)"
    clear = {"subject": first[:120]} if hidden != first else {}
    sealed = desk.sealer.seal(tid, clear)
    entries = desk.sealer.index(turn_text.personal(said))
    urgent = packet.rule == "emotion" or (level is not None and level.level >= 5)
    return {
        "id": tid, "key": history.key_of(cid), "system": "graphdesk",
        "subject": subject, "description": packet.summary, "status": "new",
        "priority": "urgent" if urgent else "normal", "created_at": at, "created_ms": ms,
        "updated_at": at, "updated_ms": ms, "language": lang, "products": props["products"],
        "versions": props["versions"], "codes": props["codes"], "resolved": False,
        "handoff": handoff.packet_json(packet), "summary": packet.summary,
        "summary_mode": packet.summary_mode, "escalation_rule": packet.rule,
        "conversation": cid, "source": cid, "extractor": history.EXTRACTOR,
        "confidence": 1.0, "extracted_at": ms, **sealed,
    }, entries  # fmt: skip


def _agent(
    desk: Desk, speaker: Speaker, found: Row, text: str, findings: list[Finding]
) -> TurnState:
    conv = dict(found["conversation"])
    cid = str(conv["id"])
    try:
        state = next_state(State(conv["state"]), Event.AGENT_REPLY)
    except BadTransition as exc:
        raise ConversationError("conversationId", f"{cid}: {exc}") from None
    ordinal = int(conv.get("turn_count") or len(history.turns(desk.store, cid)))
    row = history.turn_row(desk.sealer, cid, ordinal, "agent", speaker.subject, text,
                           {"language": language(text)}, findings)  # fmt: skip
    props = {"state": state.value, "updated_ms": history.now()[0], "turn_count": ordinal + 1}
    taker = speaker.subject if found.get("assignee") is None else None
    history.save(desk.store, cid, created=None, customer=str(found["customer"]), rows=[row],
                 links=[], props=props, taken_by=taker,
                 lookup=_lookup(desk, text, findings))  # fmt: skip
    return TurnState(
        conversation_id=cid, turn_id=row["props"]["id"], reply_turn_id=None, reply="",
        reply_mode="none", citations=[], language=language(text), state=state.value,
        escalation=_known_escalation(conv), attachments=[f.masked() for f in findings],
    )  # fmt: skip


def close(
    desk: Desk, speaker: Speaker, conversation_id: str, resolution: str, sees_all: bool = False
) -> Row:
    words = (resolution or "").strip()
    if not words:
        raise ConversationError("resolution", "is empty; say how the conversation ended")
    if len(words) > MAX_RESOLUTION_CHARS:
        raise ConversationError(
            "resolution", f"is too long: {len(words)} characters, the limit is "
            f"{MAX_RESOLUTION_CHARS}",
        )  # fmt: skip
    with _lock(conversation_id):
        found = _open(desk, speaker, conversation_id, sees_all, argument="id")
        try:
            state = next_state(State(found["conversation"]["state"]), Event.CLOSE)
        except BadTransition as exc:
            raise ConversationError("id", f"{conversation_id}: {exc}") from None
        ms, at = history.now()
        kept = turn_text.closing(desk.sealer, conversation_id, speaker.role, words)
        tid = (found.get("ticket") or {}).get("id")
        on_ticket = turn_text.closing(desk.sealer, str(tid), speaker.role, words) if tid else {}
        entries = desk.sealer.index(turn_text.personal([words]))
        with desk.store.transaction() as tx:
            tx.run(cq.UPDATE_CONVERSATION, {"id": conversation_id, "props": {
                "state": state.value, **kept, "closed_ms": ms, "closed_at": at,
                "closed_by": speaker.subject, "updated_ms": ms,
            }})  # fmt: skip
            tx.run(cq.CLOSE_TICKET, {"conversation": conversation_id, "props": on_ticket,
                                     "now": ms, "at": at})  # fmt: skip
            if entries:
                tx.run(bq.ADD_CONVERSATION_ENTRIES, {"conversation": conversation_id,
                                                     "entries": entries})  # fmt: skip
    done = history.load(desk.store, conversation_id)
    assert done is not None
    return done


def feedback(
    desk: Desk, customer: str, turn: str, helpful: bool | None, resolved: bool | None,
    csat: int | None, comment: str | None, any_customer: bool = False,
) -> Row:  # fmt: skip
    """A customer's verdict on a turn of their own conversation, for the data loop."""
    if csat is not None and not 1 <= csat <= 5:
        raise ConversationError("csat", f"must be 1 to 5, not {csat}")
    note = (comment or "").strip()
    if len(note) > MAX_COMMENT_CHARS:
        raise ConversationError(
            "comment", f"is too long: {len(note)} characters, the limit is {MAX_COMMENT_CHARS}"
        )
    if helpful is None and resolved is None and csat is None and not note:
        raise ConversationError("helpful", "give at least one of helpful, resolved, csat, comment")
    owner = desk.store.read(cq.TURN_OWNER, {"id": turn})
    if not owner or (not any_customer and owner[0]["customer"] != customer):
        raise ConversationError("turnId", f"no turn {turn!r}")
    ms, at = history.now()
    hidden = turn_text.masked(note, "customer") if note else None
    props = {"feedback_helpful": helpful, "feedback_resolved": resolved, "feedback_csat": csat,
             "feedback_comment": hidden, "feedback_ms": ms, "feedback_at": at,
             "feedback_by": customer, "feedback_comment_sealed": None}  # fmt: skip
    if hidden != note:  # the clear comment sealed as a turn's text is; null drops an older one
        props.update(desk.sealer.seal(turn, {"feedback_comment": note}))
    rows = desk.store.write(cq.SET_FEEDBACK, {"id": turn, "props": props})
    return dict(rows[0]["turn"])
