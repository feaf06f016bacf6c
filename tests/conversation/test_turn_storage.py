"""Personal data in conversations at storage, on both backends: a customer writes a
phone number, an e-mail address, an ID-card number and a bank card through
``sendMessage`` (one of them in an attached log), is handed to an agent who
writes the number back and closes it with a resolution holding another
number; then neither the store's own files (FalkorDB's RDB and
append-only file, Neo4j's store files and transaction logs) nor any property
holds a clear value. The customer and the agent read the turns in clear, an
expert partly masked (the resolution too); the clear reads are audited; the
handoff ticket's blind index finds it by the phone numbers (the resolution's
too); a key rotation re-seals the turns and the resolution, which still read
back; and a turn written before sealing (masked text only) reads
as stored. The values are made afresh for each run (tests/personal_data.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.rotation import census, reseal_all
from extractors.text.crypto.sealer import Sealer
from graph.store import Store
from resolvers.identity import Role
from resolvers.pipeline.answerer import Answerer
from tests.auth import SECRET, bearer
from tests.demo import DEMO
from tests.personal_data import People, found_in, new_people, readable_text, store_files

SEND = """mutation($id: ID, $text: String!, $files: [Upload!]) {
  sendMessage(conversationId: $id, text: $text, attachments: $files) {
    conversationId turnId replyTurnId state escalation { ticketId } attachments { text } } }"""
HISTORY = """query($id: ID!) { conversation(id: $id) { resolution
  turns { id role text attachments { name text } feedback { comment } }
  handoff { ticketId summary packet } } }"""
CLOSE = """mutation($id: ID!, $r: String!) { closeConversation(id: $id, resolution: $r) {
  state resolution } }"""
FEEDBACK = """mutation($t: ID!, $c: String) { feedback(turnId: $t, csat: 4, comment: $c) {
  id feedback { comment } } }"""


@dataclass
class Talk:
    store: Store
    app: TestClient
    sealer: Sealer
    people: People
    customer: tuple[Role, str]
    agent: tuple[Role, str]
    conversation: str
    ticket: str
    said: list[str]  # the customer's, then the agent's, messages as written
    log_line: str  # the attached log's telling line, as written
    comment: str  # the customer's feedback comment, as written
    resolution: str  # the agent's closing resolution, as written


def _gql(
    app: TestClient, who: tuple[Role, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    resp = app.post("/graphql", json={"query": query, "variables": variables},
                    headers=bearer(*who))  # fmt: skip
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _send_with_log(app: TestClient, who: tuple[Role, str], text: str, log: str) -> Any:
    operations = {"query": SEND, "variables": {"id": None, "text": text, "files": [None]}}
    resp = app.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.files.0"]}),
        },
        files={"0": ("sync.log", log.encode(), "text/plain")},
        headers=bearer(*who),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return body["data"]["sendMessage"]


@pytest.fixture(scope="module")
def talk(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Talk]:
    report = Ingestor(backend, progress=False).run([DEMO / "errors"])
    assert not report.failed, report.summary()
    settings = Settings(data_dir=tmp_path_factory.mktemp("app"), env="production",
                        secret_key=SECRET)  # fmt: skip
    sealer = Sealer(Keyring.generate())
    app = create_app(settings, store=backend, answerer=Answerer(backend, cache_size=0),
                     seed_demo=False, sealer=sealer)  # fmt: skip
    p = new_people()
    m, i, c = p.mobile, p.id_card, p.card
    customer = (Role.CUSTOMER, f"customer:{uuid.uuid4().hex[:12]}")
    agent = (Role.AGENT, f"agent:{uuid.uuid4().hex[:12]}")
    said = [
        f"NimbusDB gives NDB-1001 since this morning; call me on {m[:3]}.{m[3:7]}.{m[7:]}",
        f"My ID card is {i[:6]} {i[6:14]} {i[14:]} and the card {c[:4]}.{c[4:8]}.{c[8:12]}."
        f"{c[12:]} was charged twice. I want to talk to a human",
        f"I will call you on {m} within the hour",
    ]
    log_line = f"ERROR sync failed for user {p.email}: NDB-1001"
    with TestClient(app) as client:
        first = _send_with_log(client, customer, said[0], f"INFO start\n{log_line}\n")
        cid = first["conversationId"]
        asked = _gql(client, customer, SEND, {"id": cid, "text": said[1]})["sendMessage"]
        assert asked["escalation"] is not None, asked
        _gql(client, agent, SEND, {"id": cid, "text": said[2]})
        comment = f"thanks, mail me at {p.email}"
        _gql(client, customer, FEEDBACK, {"t": first["replyTurnId"], "c": comment})
        resolution = f"refund sent, confirmed by the customer on {p.mobile2}"
        closed = _gql(client, agent, CLOSE, {"id": cid, "r": resolution})["closeConversation"]
        assert closed["resolution"] == resolution  # the agent reads it back in clear
        yield Talk(backend, client, sealer, p, customer, agent, cid,
                   asked["escalation"]["ticketId"], said, log_line, comment,
                   resolution)  # fmt: skip


def _needles(p: People) -> list[str]:
    """The values as written in the conversation and in their normalised forms."""
    return [f for f in p.clear_forms() if f not in (p.name, p.contact_phone)]


def test_no_clear_value_in_the_store_files(talk: Talk, request: pytest.FixtureRequest) -> None:
    assert found_in(store_files(talk.store, request), _needles(talk.people)) == {}


def test_no_clear_value_in_any_property(talk: Talk) -> None:
    text = readable_text(talk.store)
    assert [v for v in _needles(talk.people) if v in text] == []
    turns = talk.store.read(
        "MATCH (:Conversation {id: $id})-[:HAS_TURN]->(u:Turn) RETURN u {.*} AS u "
        "ORDER BY u.ordinal", {"id": talk.conversation},
    )  # fmt: skip
    sealed = {(r["u"]["role"], k) for r in turns for k in r["u"] if k.endswith("_sealed")}
    assert sealed >= {("customer", "text_sealed"), ("customer", "attachments_sealed"),
                      ("agent", "text_sealed"), ("bot", "feedback_comment_sealed")}  # fmt: skip
    assert "[PHONE]" in turns[0]["u"]["text"] and "[EMAIL]" in turns[0]["u"]["attachments"]
    [ticket] = talk.store.read("MATCH (t:Ticket {id: $id}) RETURN t {.*} AS t",
                               {"id": talk.ticket})  # fmt: skip
    assert ticket["t"]["subject_sealed"] and "lookup" not in ticket["t"]
    assert "[PHONE]" in ticket["t"]["subject"] and "[ID_CARD]" in ticket["t"]["handoff"]
    # the resolution: masked on the conversation and its ticket, sealed under each
    [conv] = talk.store.read("MATCH (c:Conversation {id: $id}) RETURN c {.*} AS c",
                             {"id": talk.conversation})  # fmt: skip
    for node in (conv["c"], ticket["t"]):
        assert node["resolution"] == "refund sent, confirmed by the customer on [PHONE]"
        assert node["resolution_sealed"].startswith("sm4gcm.v1.") and node["sealed"]


def _history(talk: Talk, who: tuple[Role, str]) -> Any:
    return _gql(talk.app, who, HISTORY, {"id": talk.conversation})["conversation"]


def test_the_customer_and_the_agent_read_the_clear_text(talk: Talk) -> None:
    for who in (talk.customer, talk.agent):
        turns = _history(talk, who)["turns"]
        written = [t["text"] for t in turns if t["role"] in ("customer", "agent")]
        assert written == talk.said, who
        assert turns[0]["attachments"][0]["text"].endswith(talk.log_line)
        assert turns[1]["feedback"]["comment"] == talk.comment
        assert _history(talk, who)["resolution"] == talk.resolution


def test_an_expert_reads_them_partly_masked(talk: Talk) -> None:
    seen = _history(talk, (Role.EXPERT, "expert:e1"))
    shown = json.dumps(seen, ensure_ascii=False)
    assert [v for v in _needles(talk.people) if v in shown] == []
    m = talk.people.mobile
    assert seen["turns"][0]["text"].endswith(f"call me on {m[:3]}.****.{m[7:]}")
    assert f"user {talk.people.email[0]}***@" in seen["turns"][0]["attachments"][0]["text"]
    assert seen["turns"][-1]["text"] == f"I will call you on {m[:3]}****{m[7:]} within the hour"
    m2 = talk.people.mobile2
    assert seen["resolution"].endswith(f"on {m2[:3]}****{m2[7:]}")


def test_reads_are_audited(talk: Talk) -> None:
    _history(talk, talk.customer)
    _history(talk, talk.agent)
    _history(talk, (Role.EXPERT, "expert:e2"))
    rows = talk.store.read(
        "MATCH (a:AuditRecord {operation: 'conversation.read', target: $id}) "
        "RETURN a.subject AS subject, a.result AS result",
        {"id": talk.conversation},
    )
    results = {(r["subject"], r["result"]) for r in rows}
    assert (talk.customer[1], "clear") in results and (talk.agent[1], "clear") in results
    assert ("expert:e2", "masked") in results
    assert not any(talk.people.mobile in str(r) for r in rows)


LOOKUP = '{ ticketsByPersonalData(value: "%s") { id subject } }'


def test_the_handoff_ticket_is_found_by_the_phone_number(talk: Talk) -> None:
    m = talk.people.mobile
    m2 = talk.people.mobile2  # in the resolution only
    for typed in (m, f"+86 {m[:3]} {m[3:7]} {m[7:]}", talk.people.card, m2):
        found = _gql(talk.app, talk.customer, LOOKUP % typed, {})["ticketsByPersonalData"]
        assert [t["id"] for t in found] == [talk.ticket], typed
    assert found[0]["subject"] == talk.said[0]  # the customer reads the subject in clear
    other = (Role.CUSTOMER, "customer:someone-else")
    assert _gql(talk.app, other, LOOKUP % m, {})["ticketsByPersonalData"] == []


def test_a_turn_written_before_sealing_reads_as_stored(talk: Talk) -> None:
    cid = f"conversation:{uuid.uuid4().hex}"
    talk.store.write(
        "MERGE (k:Customer {id: $customer}) "
        "CREATE (c:Conversation {id: $id, customer: $customer, state: 'bot'})-[:HELD_BY]->(k) "
        "CREATE (c)-[:HAS_TURN {ordinal: 0}]->(:Turn {id: $turn, ordinal: 0, role: 'customer', "
        "author: $customer, text: 'call me on [PHONE]'})",
        {"id": cid, "customer": talk.customer[1], "turn": f"turn:{cid[13:]}:0"},
    )
    for who in (talk.customer, (Role.EXPERT, "expert:e3")):
        seen = _gql(talk.app, who, HISTORY, {"id": cid})["conversation"]
        assert [t["text"] for t in seen["turns"]] == ["call me on [PHONE]"], who


def test_rotation_reseals_the_turns(talk: Talk) -> None:
    before = census(talk.store)
    assert before.values["Turn"] == {1: 5}  # 3 texts, a log's findings, a comment
    rotated = Sealer(talk.sealer.ring.with_new_version())
    assert reseal_all(talk.store, rotated, page_size=2) == before.nodes
    after = census(talk.store)
    assert after.versions() == {2} and after.values["Turn"] == {2: 5}
    assert before.values["Conversation"] == {1: 1} and after.values["Conversation"] == {2: 1}
    talk.sealer.ring = rotated.ring.finished()  # the app's sealer: version 2 only
    turns = _history(talk, talk.customer)["turns"]
    assert [t["text"] for t in turns if t["role"] != "bot"] == talk.said
    assert turns[0]["attachments"][0]["text"].endswith(talk.log_line)
    assert _history(talk, talk.customer)["resolution"] == talk.resolution
