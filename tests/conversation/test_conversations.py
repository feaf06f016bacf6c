"""Conversations end to end on the real graph (both backends), in process.

The graph holds the bundled demo corpus (a fictional vendor's manuals and
error codes) and one resolved ticket written here. Each test holds its own
conversations, as a customer would: context carry-over, each escalation
rule with its stored handoff, the near-misses that must not escalate, the
bot's silence after the handoff, an agent's reply and the close, customer
isolation, feedback, attachments (a screenshot rendered here, a pasted
Python traceback), the LLM-written handoff with a fake model, and bad input.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.conversation import history
from resolvers.conversation.desk import Desk, close, customer_turn, feedback, send
from resolvers.conversation.history import ConversationError
from resolvers.conversation.records import Attachment, Speaker, TurnState
from resolvers.pipeline.answerer import Answerer
from tests.demo import DEMO
from tests.fonts import screenshot_png

CODE = "NDB-1001"  # an error code the demo corpus defines
PRODUCT = "product:nimbusdb"
TICKETS = {
    "tickets": [
        {
            "id": "R-1", "subject": "Connections refused at peak hours",
            "description": f"Our app gets {CODE} from NimbusDB every evening.",
            "status": "solved", "created_at": "2024-02-01T08:00:00Z", "customer_id": "C-1",
            "product": "NimbusDB", "version": "3.1",
            "messages": [{"author": "C-1", "role": "customer", "body": f"{CODE} again"}],
            "resolution": "1. Put NimbusPool in front of the app.\n2. Close idle sessions.",
        }
    ]
}  # fmt: skip
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/jobs/report.py", line 88, in build\n'
    "    rows = db.fetch(query)\n"
    '  File "/srv/app/jobs/db.py", line 17, in fetch\n'
    "    raise ConnectionError(reason)\n"
    f"ConnectionError: {CODE} sorry, too many clients already\n"
)


@pytest.fixture(scope="module")
def desk(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Desk:
    folder = tmp_path_factory.mktemp("tickets")
    (folder / "resolved.json").write_text(json.dumps(TICKETS), encoding="utf-8")
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors", folder])
    assert not report.failed, report.summary()
    return Desk(backend, Answerer(backend, cache_size=0))


def _customer() -> str:
    return f"customer:{uuid.uuid4().hex[:12]}"


def _talk(desk: Desk, customer: str, *texts: str) -> list[TurnState]:
    out: list[TurnState] = []
    cid = None
    for text in texts:
        out.append(customer_turn(desk, customer, cid, text))
        cid = out[-1].conversation_id
    return out


def _stored(desk: Desk, state: TurnState) -> dict[str, object]:
    found = history.load(desk.store, state.conversation_id)
    assert found is not None
    return found


def test_context_carries_over_to_a_turn_that_names_nothing(desk: Desk) -> None:
    first, later = _talk(
        desk,
        _customer(),
        f"My app gets {CODE} when it connects to NimbusDB",
        "it still fails on v3",
    )
    assert first.entities.codes == [CODE] and PRODUCT in first.entities.products
    assert first.entities.inherited == [] and first.state == "bot"
    assert later.entities.codes == [CODE] and PRODUCT in later.entities.products
    assert later.entities.versions == ["3"]  # its own version
    assert set(later.entities.inherited) == {"codes", "products"}
    assert any(c.code == CODE for c in later.citations)  # the earlier code's solution
    assert later.resolved is False and "did not help" in (later.unresolved_reason or "")
    assert later.state == "bot"  # one unresolved turn does not escalate
    linked = desk.store.read(
        "MATCH (u:Turn {id: $id})-[:MENTIONS_CODE]->(e:ErrorCode) RETURN e.code AS code",
        {"id": later.turn_id},
    )
    assert {r["code"] for r in linked} == {CODE}


def test_a_request_for_a_person_escalates_at_once_and_the_bot_falls_silent(desk: Desk) -> None:
    customer = _customer()
    asked, after = _talk(
        desk, customer, f"NimbusDB 报 {CODE}，我要转人工", "NimbusDB 如何恢复到某个时间点？"
    )
    assert asked.escalated_now and asked.state == "escalated"
    assert asked.escalation is not None and asked.escalation.rule == "request"
    assert "转人工" in asked.escalation.evidence and asked.escalation.at_turn == 0
    assert asked.reply_mode == "handoff" and asked.escalation.ticket_id in asked.reply
    assert asked.language == "zh" and "人工" in asked.reply and not asked.citations
    assert asked.confidence is not None  # its answer went into the handoff, not the reply
    # After the handoff the bot only acknowledges, even a question it could answer.
    assert after.reply_mode == "acknowledgement" and not after.citations
    assert after.confidence is None and after.state == "escalated" and not after.escalated_now
    assert after.escalation == asked.escalation
    ticket = desk.store.read(
        "MATCH (:Conversation {id: $id})-[:ESCALATED_TO]->(t:Ticket)-[:IN_QUEUE]->(q:Queue) "
        "MATCH (t)-[:RAISED_BY]->(k:Customer) "
        "RETURN t.handoff AS handoff, t.summary_mode AS mode, q.id AS queue, k.id AS customer",
        {"id": asked.conversation_id},
    )
    assert len(ticket) == 1 and ticket[0]["queue"] == "queue:support"
    assert ticket[0]["customer"] == customer and ticket[0]["mode"] == "assembled"
    packet = json.loads(ticket[0]["handoff"])
    assert packet["rule"] == "request" and packet["codes"] == [CODE]
    assert [t["id"] for t in packet["similar_tickets"]] == ["ticket:generic:R-1"]
    assert "NimbusPool" in packet["similar_tickets"][0]["solution"]
    assert packet["asked"] and CODE in packet["asked"][0]
    assert packet["suggested"] and any(c["code"] == CODE for c in packet["citations"])


def test_anger_escalates_with_a_message_fitting_the_reason(desk: Desk) -> None:
    calm, angry = _talk(
        desk, _customer(), "How do I restore a NimbusDB cluster to a point in time?",
        "This is ridiculous and useless, I have waited three days for a fix!!",
    )  # fmt: skip
    assert calm.state == "bot" and calm.complexity == "L1" and calm.resolved
    assert angry.escalation is not None and angry.escalation.rule == "emotion"
    assert angry.emotion is not None and angry.emotion < -0.5
    assert "anger" in angry.escalation.evidence and angry.escalation.at_turn == 1
    assert angry.reply == desk.rules.message(
        "en", "emotion", ticket=angry.escalation.ticket_id
    )  # not the request's text
    assert angry.reply != desk.rules.message("en", "request", ticket=angry.escalation.ticket_id)
    packet = json.loads(_ticket(desk, angry)["handoff"])
    assert len(packet["emotion_trend"]) == 2 and packet["emotion_trend"][-1] < -0.5
    assert packet["tried"] and packet["suggested"]


def _ticket(desk: Desk, state: TurnState) -> dict[str, object]:
    rows = desk.store.read(
        "MATCH (:Conversation {id: $id})-[:ESCALATED_TO]->(t:Ticket) RETURN t {.*} AS t",
        {"id": state.conversation_id},
    )
    assert len(rows) == 1
    return dict(rows[0]["t"])


def test_an_outage_is_l5_and_escalates_by_complexity(desk: Desk) -> None:
    [turn] = _talk(
        desk, _customer(),
        "Since this morning the production cluster is down for all our users. "
        "What should we check first?",
    )  # fmt: skip
    assert turn.complexity == "L5" and "outage" in (turn.complexity_reason or "")
    assert turn.escalation is not None and turn.escalation.rule == "complexity"
    assert "L5 > L3" in turn.escalation.evidence
    assert _ticket(desk, turn)["priority"] == "urgent"


def test_levels_by_what_answers_them(desk: Desk) -> None:
    doc, code, several = _talk(
        desk, _customer(), "How do I restore a NimbusDB cluster to a point in time?",
        f"What does {CODE} mean?", "My app on NimbusDB and NimbusCache both time out",
    )  # fmt: skip
    assert doc.complexity == "L1" and "document section" in (doc.complexity_reason or "")
    assert code.complexity == "L2" and CODE in (code.complexity_reason or "")
    assert several.complexity == "L3" and "several products" in (several.complexity_reason or "")
    assert several.state == "bot"  # L3 is not above L3
    stored = _stored(desk, several)["conversation"]
    assert isinstance(stored, dict) and stored["complexity"] == 3


def test_two_unresolved_turns_escalate_one_does_not(desk: Desk) -> None:
    question = "How do I restore a NimbusDB cluster to a point in time?"
    first, second, third = _talk(
        desk, _customer(), question, "That did not help.", question.lower().rstrip("?")
    )
    assert first.resolved and second.resolved is False and second.state == "bot"
    assert third.resolved is False and "repeats customer turn 0" in (third.unresolved_reason or "")
    assert third.escalation is not None and third.escalation.rule == "unresolved"
    assert "2 consecutive unresolved turns" in third.escalation.evidence
    assert third.reply == desk.rules.message("en", "unresolved", ticket=third.escalation.ticket_id)


def test_near_misses_stay_with_the_bot(desk: Desk) -> None:
    turns = _talk(
        desk, _customer(),
        "Hmm, that is a bit annoying. How do I raise max_connections on NimbusDB?",  # mild
        "Our DBA colleague asked how to restore a NimbusDB cluster to a point in time",
        "Thanks, that worked!",
    )  # fmt: skip
    assert [t.state for t in turns] == ["bot"] * 3
    assert all(t.escalation is None for t in turns)
    assert turns[-1].resolved and turns[-1].confidence is not None


def test_an_outage_asked_about_is_not_reported(desk: Desk) -> None:
    asked, real = _talk(
        desk, _customer(),
        "Would resizing the NimbusDB 3.1 cluster's disks cause an outage for the app?",
        "Update: the production cluster is down right now, nobody can connect.",
    )  # fmt: skip
    assert asked.complexity != "L5" and asked.state == "bot"
    assert real.complexity == "L5" and real.escalation is not None


def test_turns_that_name_nothing_are_not_missing_knowledge(desk: Desk) -> None:
    # Waiting, and thanking, speak everyday language: their low confidence is no
    # sign that the graph lacks anything, and it does not make the turn unresolved.
    turns = _talk(
        desk, _customer(), "How do I restore a NimbusDB cluster to a point in time?",
        "ok, we will wait and watch it for a bit",
        "great, that's all I needed, cheers",
    )  # fmt: skip
    assert [t.state for t in turns] == ["bot"] * 3
    assert all(t.complexity in ("L1", "L2", "L3") for t in turns)
    assert all(t.resolved for t in turns)


def test_two_unsure_answers_alone_do_not_escalate(desk: Desk) -> None:
    # Two questions the demo corpus barely touches, so both answers are unsure; the
    # customer never says they did not help. Saying so next escalates.
    first, second, third = _talk(
        desk, _customer(), "How many users can the console handle before it gets sluggish?",
        "Does the console get slower with many browser tabs open?",
        "That did not help at all.",
    )  # fmt: skip
    assert first.resolved is False and first.confidence is not None and first.confidence < 0.5
    assert second.resolved is False and second.escalation is None and second.state == "bot"
    assert third.escalation is not None and third.escalation.rule == "unresolved"


def test_an_agent_replies_then_closes_and_the_customer_is_told_it_is_closed(desk: Desk) -> None:
    customer, agent = _customer(), Speaker("agent", "agent:" + uuid.uuid4().hex[:8])
    [asked] = _talk(desk, customer, "talk to a human please")
    cid = asked.conversation_id
    with pytest.raises(ConversationError, match="give its id"):  # agents do not start one
        send(desk, Speaker("agent", "agent:other"), None, "hello")
    reply = send(desk, agent, cid, "Hi, I am looking at it now.")
    assert reply.state == "agent" and reply.reply_mode == "none"
    found = history.load(desk.store, cid)
    assert found is not None and found["assignee"] == agent.subject and found["queue"] is None
    # Taken out of the queue: another agent no longer sees it.
    with pytest.raises(ConversationError, match="no conversation"):
        send(desk, Speaker("agent", "agent:someone-else"), cid, "me too")
    ack = customer_turn(desk, customer, cid, "Thanks, waiting")
    assert ack.reply_mode == "acknowledgement" and ack.state == "agent"
    done = close(desk, agent, cid, "Raised max_connections; confirmed by the customer")
    assert done["conversation"]["state"] == "closed"
    assert _ticket(desk, asked)["status"] == "closed"
    with pytest.raises(ConversationError, match="is closed") as caught:
        customer_turn(desk, customer, cid, "one more thing")
    assert caught.value.argument == "conversationId"
    with pytest.raises(ConversationError, match="closed"):
        close(desk, agent, cid, "again")
    turns = history.turns(desk.store, cid)
    assert [t["role"] for t in turns] == ["customer", "bot", "agent", "customer", "bot"]


def test_an_agent_cannot_reply_while_the_bot_holds_it(desk: Desk) -> None:
    [turn] = _talk(desk, _customer(), "How do I restore a NimbusDB cluster to a point in time?")
    with pytest.raises(ConversationError, match="escalated"):
        send(desk, Speaker("agent", "agent:x"), turn.conversation_id, "hi", sees_all=True)


def test_a_customer_reaches_only_their_own_conversations(desk: Desk) -> None:
    [mine] = _talk(desk, _customer(), "How do I restore a NimbusDB cluster to a point in time?")
    with pytest.raises(ConversationError, match="no conversation") as caught:
        customer_turn(desk, _customer(), mine.conversation_id, "let me in")
    assert caught.value.argument == "conversationId"
    with pytest.raises(ConversationError, match="no turn"):
        feedback(desk, _customer(), mine.reply_turn_id or "", True, None, None, None)


def test_feedback_is_stored_on_the_turn(desk: Desk) -> None:
    customer = _customer()
    [turn] = _talk(desk, customer, "How do I restore a NimbusDB cluster to a point in time?")
    assert turn.reply_turn_id is not None
    row = feedback(desk, customer, turn.reply_turn_id, True, True, 5, "clear, call 13912345678")
    assert row["feedback_helpful"] is True and row["feedback_csat"] == 5
    assert "13912345678" not in str(row["feedback_comment"])  # masked as stored text is
    with pytest.raises(ConversationError, match="1 to 5") as caught:
        feedback(desk, customer, turn.reply_turn_id, None, None, 9, None)
    assert caught.value.argument == "csat"
    with pytest.raises(ConversationError, match="at least one"):
        feedback(desk, customer, turn.reply_turn_id, None, None, None, "  ")


def test_turn_text_is_masked_before_it_is_stored(desk: Desk) -> None:
    [turn] = _talk(desk, _customer(), "Reach me at lena.berg@example.se about NimbusDB restores")
    [stored] = [
        t for t in history.turns(desk.store, turn.conversation_id) if t["role"] == "customer"
    ]
    assert "lena.berg@example.se" not in stored["text"] and "NimbusDB" in stored["text"]


def test_the_llm_writes_the_handoff_when_configured(desk: Desk) -> None:
    written = f"Customer hits {CODE} on NimbusDB; next: route through NimbusPool [1]."
    llm_desk = Desk(
        desk.store, desk.answerer, desk.rules, llm=FakeListChatModel(responses=[written])
    )
    [turn] = _talk(llm_desk, _customer(), f"I get {CODE} on NimbusDB. Connect me to an agent.")
    ticket = _ticket(desk, turn)
    assert ticket["summary_mode"] == "llm" and ticket["summary"] == written
    # A reply citing a fact it was not given is refused: the packet's own summary instead.
    bad = Desk(desk.store, desk.answerer, desk.rules, llm=FakeListChatModel(responses=["see [9]"]))
    [other] = _talk(bad, _customer(), f"I get {CODE} on NimbusDB. Connect me to an agent.")
    fallback = _ticket(desk, other)
    assert fallback["summary_mode"] == "assembled"
    assert "Handed over by rule 'request'" in str(fallback["summary"])
    assert CODE in str(fallback["summary"])


def test_a_screenshot_and_a_traceback_reach_the_knowledge(desk: Desk) -> None:
    shot = Attachment("error.png", screenshot_png(["Connection failed", f"ERROR {CODE}"]))
    turn = send(desk, Speaker("customer", _customer()), None, "My app shows this, see the picture",
                [shot])  # fmt: skip
    [finding] = turn.attachments
    assert finding.kind == "image" and CODE in finding.codes
    assert CODE in turn.entities.codes and any(c.code == CODE for c in turn.citations)
    log = Attachment("job.log", TRACEBACK.encode("utf-8"))
    traced = send(desk, Speaker("customer", _customer()), None, "The nightly report job died",
                  [log])  # fmt: skip
    [found] = traced.attachments
    assert found.kind == "text" and found.traces == ["python ConnectionError"]
    assert traced.entities.traces and CODE in traced.entities.codes
    assert traced.complexity in ("L2", "L3")  # a trace (L3) unless the code alone answers


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "is a ZIP archive"),
        (b"", "is empty"),
        (b"\x00\x01\x02\x03" * 10, "is binary data"),
    ],
)
def test_bad_attachments_are_refused_by_name(desk: Desk, data: bytes, problem: str) -> None:
    customer = _customer()
    with pytest.raises(ConversationError) as caught:
        send(desk, Speaker("customer", customer), None, "see attached", [Attachment("x.bin", data)])
    assert caught.value.argument == "attachments"
    assert "'x.bin'" in caught.value.problem and problem in caught.value.problem
    assert not desk.store.read(
        "MATCH (c:Conversation)-[:HELD_BY]->(:Customer {id: $c}) RETURN c.id AS id", {"c": customer}
    )  # nothing was stored


def test_bad_input_is_named(desk: Desk, tmp_path: Path) -> None:
    customer = Speaker("customer", _customer())
    with pytest.raises(ConversationError, match="no conversation 'conversation:nope'"):
        send(desk, customer, "conversation:nope", "hello")
    with pytest.raises(ConversationError, match="is empty") as empty:
        send(desk, customer, None, "   ")
    assert empty.value.argument == "text"
    with pytest.raises(ConversationError, match="too long: 4001 characters") as long:
        send(desk, customer, None, "x" * 4001)
    assert long.value.argument == "text"
    big = Attachment("big.log", b"a" * (desk.max_upload_bytes + 1))
    with pytest.raises(ConversationError, match="over the limit"):
        send(desk, customer, None, "see log", [big])
    many = [Attachment(f"{i}.log", b"ERROR x") for i in range(desk.max_attachments + 1)]
    with pytest.raises(ConversationError, match="more than the limit"):
        send(desk, customer, None, "logs", many)
    with pytest.raises(ConversationError, match="cannot be read"):
        customer_turn(desk, customer.subject, None, "see file", [str(tmp_path / "absent.png")])
